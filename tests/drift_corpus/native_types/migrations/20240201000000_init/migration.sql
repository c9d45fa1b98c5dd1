-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateEnum
CREATE TYPE "unit" AS ENUM ('KG', 'LITRE', 'PIECE');

-- CreateTable
CREATE TABLE "samples" (
    "id" BIGSERIAL NOT NULL,
    "code" CHAR(8) NOT NULL,
    "label" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "note" CITEXT,
    "ref" UUID NOT NULL,
    "payload" XML,
    "ip" INET,
    "flags" BIT(4),
    "mask" VARBIT(16),
    "active" BOOLEAN NOT NULL DEFAULT true,
    "qty" INTEGER NOT NULL,
    "small" SMALLINT NOT NULL,
    "big" BIGINT NOT NULL,
    "oidValue" OID,
    "weight" DOUBLE PRECISION NOT NULL,
    "ratio" REAL NOT NULL,
    "price" DECIMAL(12,2) NOT NULL,
    "fee" MONEY NOT NULL,
    "born" DATE NOT NULL,
    "opensAt" TIME(0) NOT NULL,
    "opensAtTz" TIMETZ(3) NOT NULL,
    "seenAt" TIMESTAMP(6) NOT NULL,
    "seenAtTz" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doc" JSON NOT NULL,
    "docb" JSONB NOT NULL DEFAULT '{}',
    "blob" BYTEA NOT NULL,
    "unit" "unit" NOT NULL DEFAULT 'KG',
    "amounts" DECIMAL(10,4)[],

    CONSTRAINT "samples_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "samples_code_key" ON "samples"("code");
