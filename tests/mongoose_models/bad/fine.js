const { Schema, model } = require("mongoose");
module.exports = model("Fine", new Schema({ name: String }));
