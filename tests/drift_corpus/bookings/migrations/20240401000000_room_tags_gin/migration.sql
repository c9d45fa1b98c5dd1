-- CreateIndex
CREATE INDEX "Room_tags_idx" ON "Room" USING GIN ("tags");
