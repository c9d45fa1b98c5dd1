/* CommonJS, two models in one file whose name matches neither, every scalar type. */
const mongoose = require("mongoose");
const Schema = mongoose.Schema;
const ObjectId = Schema.Types.ObjectId;
const timestampsPlugin = require("./plugins/audit");

const merchantSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, minlength: 2, maxlength: [80, "too long"] },
    slug: { type: String, unique: true, lowercase: true, match: [/^[a-z0-9-]+$/, "bad slug"] },
    logo: Buffer,
    verified: { type: Boolean, default: false },
    rating: { type: Number, min: 0, max: 5 },
    balance: Schema.Types.Decimal128,
    externalId: { type: Schema.Types.UUID },
    lifetimeOrders: BigInt,
    settings: Schema.Types.Mixed,
    labels: { type: Map, of: String },
    openedAt: Date,
    owner: { type: ObjectId, ref: "User", required: true, index: true },
    vatNumber: {
      type: String,
      required: function () { return this.country !== "KE"; },
    },
    country: { type: String, enum: { values: ["KE", "UG", "TZ"], message: "{VALUE} unsupported" } },
    address: {
      line1: { type: String, required: true },
      city: String,
      geo: { lat: Number, lng: Number },
    },
  },
  { timestamps: { createdAt: "created_at", updatedAt: false }, versionKey: false, strict: "throw" },
);

merchantSchema.plugin(timestampsPlugin);

const productSchema = Schema({
  merchant: { type: mongoose.Types.ObjectId, ref: "Merchant" },
  title: "String",
  price: { type: "Decimal128", required: [true, "price is required"] },
  stock: { type: Number, default: 0 },
});
productSchema.index({ merchant: 1, title: 1 }, { unique: true });

const Merchant = mongoose.model("Merchant", merchantSchema);
const Product = mongoose.model("Product", productSchema, "catalog_products");
const Skip = Merchant.discriminator("SkipHire", new Schema({ sizes: [Number] }));

module.exports = { Merchant, Product, Skip };
