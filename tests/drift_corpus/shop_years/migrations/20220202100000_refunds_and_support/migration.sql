-- Edited by hand: refunds sort before cancellations in the back office.
ALTER TYPE "OrderStatus" ADD VALUE 'REFUNDED' BEFORE 'CANCELLED';

-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'SUPPORT';
