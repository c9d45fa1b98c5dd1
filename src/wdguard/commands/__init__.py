"""One module per CLI command group; cli.py wires them up."""
