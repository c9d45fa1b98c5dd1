-- CreateEnum
CREATE TYPE "base"."Channel" AS ENUM ('EMAIL', 'SMS');

-- AlterTable
ALTER TABLE "base"."Account" ADD COLUMN     "channels" "base"."Channel"[];
