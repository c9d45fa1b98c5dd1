// Prisma's own parser as an oracle: print get_dmmf's datamodel for schema files.
// usage: NODE_PATH=node_modules node tests/dmmf_oracle.js FILE [FILE...]
//   One file is passed as text, several as [[path, text], ...] (multi-file schemas).
//   On a schema Prisma rejects, prints {"error": "..."} and exits 3.
// usage: ... node tests/dmmf_oracle.js < schemas.json
//   Reads a JSON list of schema texts and prints a JSON list of results,
//   {"datamodel": ...} or {"error": ...}: one node start for many schemas.
const fs = require("fs");
const wasm = require("@prisma/prisma-schema-wasm");

function run(prismaSchema) {
  try {
    return { datamodel: JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema }))).datamodel };
  } catch (err) {
    return { error: String(err && err.message ? err.message : err) };
  }
}

const files = process.argv.slice(2);
if (files.length === 0) {
  const schemas = JSON.parse(fs.readFileSync(0, "utf8"));
  process.stdout.write(JSON.stringify(schemas.map(run)));
} else {
  const texts = files.map((f) => [f, fs.readFileSync(f, "utf8")]);
  const result = run(texts.length === 1 ? texts[0][1] : texts);
  process.stdout.write(JSON.stringify(result.datamodel || result));
  // not process.exit(): it can cut a piped stdout short
  process.exitCode = result.datamodel ? 0 : 3;
}
