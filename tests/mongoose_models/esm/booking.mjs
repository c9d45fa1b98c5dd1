// ESM, a constant object and an array constant from another file, sub-schemas.
import mongoose from "mongoose";
import { BinSize, WASTE_KINDS as KINDS } from "./enums.mjs";

const slotSchema = new mongoose.Schema(
  { from: { type: Date, required: true }, to: Date },
  { _id: false },
);

const noteSchema = new mongoose.Schema({ text: String, by: String }, { timestamps: true });

const bookingSchema = new mongoose.Schema({
  size: { type: String, enum: [BinSize.SMALL, BinSize.MEDIUM, BinSize.LARGE], required: true },
  kinds: [{ type: String, enum: KINDS }],
  slot: slotSchema,
  notes: [noteSchema],
  items: [{ sku: { type: String, required: true }, qty: { type: Number, min: 1 } }],
  extras: [{ _id: false, name: String }],
  codes: [String],
  anything: [],
  grid: [[Number]],
  contact: { type: { phone: String }, _id: false },
});

export default mongoose.model("Booking", bookingSchema);
