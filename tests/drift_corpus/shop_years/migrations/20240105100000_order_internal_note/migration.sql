-- AlterTable
ALTER TABLE "Order" ADD COLUMN "internal_note" VARCHAR(500);
