-- What `prisma migrate dev` creates for defaults.prisma (Prisma's SQL style).

-- CreateEnum
CREATE TYPE "Level" AS ENUM ('LOW', 'HIGH');

-- CreateTable
CREATE TABLE "Thing" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cid" TEXT NOT NULL,
    "meta" JSONB NOT NULL DEFAULT '{}',
    "ratio" DOUBLE PRECISION NOT NULL DEFAULT 1.5,
    "price" DECIMAL(10,2) NOT NULL DEFAULT 1.50,
    "big" BIGINT NOT NULL DEFAULT 10,
    "neg" INTEGER NOT NULL DEFAULT -1,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "levels" "Level"[],
    "level" "Level" NOT NULL DEFAULT 'LOW',
    "at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "day" DATE NOT NULL,
    "name" VARCHAR(20) NOT NULL DEFAULT 'it''s',
    "flag" BOOLEAN NOT NULL DEFAULT false,
    "seq" SERIAL NOT NULL,
    "raw" BYTEA,
    "dec" DECIMAL(65,30),

    CONSTRAINT "Thing_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Thing_cid_key" ON "Thing"("cid");

-- CreateIndex
CREATE INDEX "Thing_name_idx" ON "Thing"("name" DESC);
