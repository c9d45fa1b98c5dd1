"""Read-only access to the sources: PostgreSQL (psycopg 3) and MongoDB (pymongo)."""
