-- AlterTable
ALTER TABLE "Booking" ADD COLUMN "note" TEXT;

-- data migration
INSERT INTO "Room" ("name", "tags") VALUES ('Main hall', ARRAY['large', 'stage']);
UPDATE "Booking" SET "note" = 'imported' WHERE "note" IS NULL;
