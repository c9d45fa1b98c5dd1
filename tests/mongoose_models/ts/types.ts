export enum OrderStatus {
  Pending = "PENDING",
  Paid = "PAID",
  Cancelled = "CANCELLED",
}

export enum Priority {
  Low,
  High,
}
