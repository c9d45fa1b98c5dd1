-- AlterEnum
ALTER TYPE "base"."Currency" ADD VALUE 'EUR';

-- AlterTable
ALTER TABLE "billing"."Invoice" ADD COLUMN "paidAt" TIMESTAMP(3);
