// TypeScript: an interface, generics on Schema and model, models.X || model(...).
import { Schema, model, models, Model, Types, HydratedDocument } from "mongoose";
import { OrderStatus } from "./types";

export interface IOrder {
  user: Types.ObjectId;
  status: OrderStatus;
  total: Types.Decimal128;
  lines: { sku: string; qty: number }[];
  paidAt?: Date;
}

interface OrderMethods {
  markPaid(): void;
}

type OrderModel = Model<IOrder, {}, OrderMethods>;
export type OrderDocument = HydratedDocument<IOrder, OrderMethods>;

const lineSchema = new Schema<IOrder["lines"][number]>(
  {
    sku: { type: String, required: true },
    qty: { type: Number, required: [true, "qty"], min: [1, "at least one"] },
  },
  { _id: false },
);

const orderSchema = new Schema<IOrder, OrderModel, OrderMethods>(
  {
    user: { type: Schema.Types.ObjectId, ref: "User", required: true },
    status: {
      type: String,
      enum: Object.values(OrderStatus),
      default: OrderStatus.Pending,
      required: true,
    },
    total: { type: Schema.Types.Decimal128, required: true },
    lines: { type: [lineSchema], default: [] },
    paidAt: Date,
  },
  { timestamps: true, collection: "orders_v2" },
);

orderSchema.method("markPaid", function markPaid(this: OrderDocument) {
  this.status = OrderStatus.Paid;
});

export const Order = (models.Order as OrderModel) || model<IOrder, OrderModel>("Order", orderSchema);
