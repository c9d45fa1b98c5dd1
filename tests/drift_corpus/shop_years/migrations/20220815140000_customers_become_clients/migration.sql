-- Edited by hand: Prisma wanted to drop and re-create the table; keep the rows.
ALTER TABLE "Customer" RENAME TO "clients";
ALTER TABLE "clients" RENAME COLUMN "name" TO "full_name";
ALTER TABLE "clients" RENAME CONSTRAINT "Customer_pkey" TO "clients_pkey";
