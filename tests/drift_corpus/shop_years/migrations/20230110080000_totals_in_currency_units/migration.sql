-- AlterTable: cents -> currency units, keeping the values
ALTER TABLE "Order" ALTER COLUMN "total" SET DATA TYPE DECIMAL(12,2) USING ("total"::DECIMAL(12,2) / 100);

-- data migration
UPDATE "Order" SET "status" = 'PAID' WHERE "status" = 'PENDING' AND "total" > 0;
INSERT INTO "Category" ("name") VALUES ('uncategorised');
