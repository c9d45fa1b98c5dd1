-- CreateTable
CREATE TABLE "batches" (
    "batch_id" SERIAL NOT NULL,
    "sample_id" BIGINT NOT NULL,
    "lot" VARCHAR(20) NOT NULL,

    CONSTRAINT "batches_pkey" PRIMARY KEY ("batch_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "batch_sample_lot_uq" ON "batches"("sample_id", "lot");

-- AddForeignKey
ALTER TABLE "batches" ADD CONSTRAINT "batches_sample_id_fkey" FOREIGN KEY ("sample_id") REFERENCES "samples"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
