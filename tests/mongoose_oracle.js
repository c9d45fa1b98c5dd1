// Mongoose itself as an oracle: load model files (CommonJS or ESM) with the real mongoose
// (no connection is made) and print every registered model's collection name and schema
// paths in wdguard's path convention (`a.b`, `arr[]`, `arr[].field`).
// usage: NODE_PATH=node_modules node tests/mongoose_oracle.js FILE [FILE...]
// also:  node tests/mongoose_oracle.js --pluralize WORD [WORD...]
const path = require("path");
const { pathToFileURL } = require("url");
const mongoose = require("mongoose");

function info(st) {
  const out = { instance: st.instance };
  if (st.isRequired) out.required = true;
  if (st.enumValues && st.enumValues.length) out.enum = st.enumValues;
  return out;
}

function element(st, name, out) {
  if (st.schema) {
    flatten(st.schema, `${name}[].`, out);
    return;
  }
  const caster = st.embeddedSchemaType || st.caster;
  if (caster) {
    out[`${name}[]`] = info(caster);
    if (caster.instance === "Array") element(caster, `${name}[]`, out);
  }
}

function flatten(schema, prefix, out) {
  schema.eachPath((p, st) => {
    const name = prefix + p;
    out[name] = info(st);
    if (st.instance === "Array") {
      element(st, name, out);
    } else if (st.schema) {
      flatten(st.schema, `${name}.`, out);
    }
  });
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--pluralize") {
    const plural = mongoose.pluralize();
    process.stdout.write(JSON.stringify(args.slice(1).map((w) => plural(w))));
    return;
  }
  for (const file of args) {
    const full = path.resolve(file);
    if (full.endsWith(".mjs")) {
      await import(pathToFileURL(full).href);
    } else {
      require(full);
    }
  }
  const models = {};
  for (const name of mongoose.modelNames()) {
    const model = mongoose.model(name);
    const paths = {};
    flatten(model.schema, "", paths);
    models[name] = { collection: model.collection.collectionName, paths };
  }
  process.stdout.write(JSON.stringify(models));
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: String(err && err.stack ? err.stack : err) }));
  process.exitCode = 3;
});
