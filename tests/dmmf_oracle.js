// Prisma's own parser as an oracle: print get_dmmf's datamodel for schema files.
// usage: NODE_PATH=node_modules node tests/dmmf_oracle.js FILE [FILE...]
// One file is passed as text, several as [[path, text], ...] (multi-file schemas).
// On a schema Prisma rejects, prints {"error": "..."} and exits 3.
const fs = require("fs");
const wasm = require("@prisma/prisma-schema-wasm");

const files = process.argv.slice(2);
const texts = files.map((f) => [f, fs.readFileSync(f, "utf8")]);
const prismaSchema = texts.length === 1 ? texts[0][1] : texts;
try {
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema })));
  process.stdout.write(JSON.stringify(dmmf.datamodel));
} catch (err) {
  process.stdout.write(JSON.stringify({ error: String(err && err.message ? err.message : err) }));
  process.exit(3);
}
