BEGIN;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN "updatedAt" TIMESTAMP(3);

CREATE FUNCTION "set_updated_at"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."updatedAt" := now();
  RETURN NEW;
END;
$$;

CREATE TRIGGER "Order_set_updated_at" BEFORE UPDATE ON "Order"
  FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();

COMMIT;
