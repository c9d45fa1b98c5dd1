const mongoose = require("mongoose");

const s = new mongoose.Schema({
  name: { type: String ],
});
module.exports = mongoose.model("Broken", s);
