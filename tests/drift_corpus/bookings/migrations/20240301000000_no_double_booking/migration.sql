-- Hand-written: Prisma cannot declare exclusion or CHECK constraints.
CREATE EXTENSION IF NOT EXISTS "btree_gist";

ALTER TABLE "Booking" ADD CONSTRAINT "Booking_no_overlap"
  EXCLUDE USING gist ("roomId" WITH =, tstzrange("startsAt", "endsAt") WITH &&);

ALTER TABLE "Booking" ADD CONSTRAINT "Booking_guests_check" CHECK ("guests" > 0);
