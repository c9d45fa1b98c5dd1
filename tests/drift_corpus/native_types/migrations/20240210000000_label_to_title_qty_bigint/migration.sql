-- Edited by hand: rename instead of drop + add.
ALTER TABLE "samples" RENAME COLUMN "label" TO "title";

-- AlterTable
ALTER TABLE "samples" ALTER COLUMN "qty" SET DATA TYPE BIGINT USING "qty"::BIGINT;
