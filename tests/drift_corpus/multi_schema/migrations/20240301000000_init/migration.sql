-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "base";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "billing";

-- CreateEnum
CREATE TYPE "base"."Currency" AS ENUM ('KES', 'USD');

-- CreateTable
CREATE TABLE "base"."Account" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "currency" "base"."Currency" NOT NULL DEFAULT 'KES',

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "base"."Tag" (
    "id" SERIAL NOT NULL,
    "label" TEXT NOT NULL,

    CONSTRAINT "Tag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing"."Invoice" (
    "id" SERIAL NOT NULL,
    "accountId" INTEGER NOT NULL,
    "amount" DECIMAL(10,2) NOT NULL,
    "currency" "base"."Currency" NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invoice_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "base"."_AccountToTag" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_AccountToTag_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "Account_email_key" ON "base"."Account"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Tag_label_key" ON "base"."Tag"("label");

-- CreateIndex
CREATE INDEX "Invoice_accountId_idx" ON "billing"."Invoice"("accountId");

-- CreateIndex
CREATE INDEX "_AccountToTag_B_index" ON "base"."_AccountToTag"("B");

-- AddForeignKey
ALTER TABLE "billing"."Invoice" ADD CONSTRAINT "Invoice_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "base"."Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "base"."_AccountToTag" ADD CONSTRAINT "_AccountToTag_A_fkey" FOREIGN KEY ("A") REFERENCES "base"."Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "base"."_AccountToTag" ADD CONSTRAINT "_AccountToTag_B_fkey" FOREIGN KEY ("B") REFERENCES "base"."Tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
