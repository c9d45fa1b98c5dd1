// What cannot be evaluated statically is named, never guessed.
const mongoose = require("mongoose");
const shared = require("some-package");
const { loadStatuses } = require("./dynamic");

const key = process.env.FIELD_NAME;

const oddSchema = new mongoose.Schema({
  ...shared.auditFields,
  [key]: String,
  status: { type: String, enum: loadStatuses() },
  kind: { type: shared.CustomType },
  label: { type: String, required: true },
});

module.exports = mongoose.model("Odd", oddSchema);
