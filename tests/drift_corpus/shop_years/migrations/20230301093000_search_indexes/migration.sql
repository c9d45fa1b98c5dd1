-- Hand-written: Prisma cannot declare these.
CREATE INDEX "clients_lower_email_idx" ON "clients" (lower("email"));
CREATE UNIQUE INDEX "Order_one_pending_per_customer" ON "Order"("customerId") WHERE "status" = 'PENDING';
