"""Benchmark: deriving contracts from 100 Mongoose model files (target < 1 s).

Generates 100 model files in the styles of the test corpus -- CommonJS, ESM and
TypeScript in turn, each with ~20 fields (nested objects, a sub-schema, arrays, enums
from a shared constants file, refs, timestamps) -- and times `derive_models` on the
folder: finding the files, parsing them with tree-sitter, evaluating and building the
contracts. Best of three runs (a fresh loader each time, so every file is parsed).

    .venv/bin/python bench/bench_mongoose.py [--files 100]
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from pathlib import Path

from wdguard.contracts.mongoose_derive import derive_models

CONSTANTS = """\
export const STATUS = { OPEN: "OPEN", CLOSED: "CLOSED", HELD: "HELD" };
export const KINDS = ["general", "garden", "rubble", "mixed"];
"""

FIELDS = """
    name: { type: String, required: true, trim: true, minlength: 2, maxlength: 80 },
    slug: { type: String, unique: true, match: /^[a-z0-9-]+$/ },
    status: { type: String, enum: Object.values(STATUS), default: STATUS.OPEN },
    kinds: [{ type: String, enum: KINDS }],
    owner: { type: Schema.Types.ObjectId, ref: "User", required: true, index: true },
    price: { type: Schema.Types.Decimal128, required: [true, "price"] },
    stock: { type: Number, min: 0, max: 100000, default: 0 },
    active: { type: Boolean, default: true },
    openedAt: Date,
    logo: Buffer,
    settings: Schema.Types.Mixed,
    labels: { type: Map, of: String },
    address: { line1: { type: String, required: true }, city: String,
               geo: { lat: Number, lng: Number } },
    notes: [noteSchema],
    items: [{ sku: { type: String, required: true }, qty: { type: Number, min: 1 } }],
    codes: [String],
    vat: { type: String, required: function () { return this.active; } },
    externalId: Schema.Types.UUID,
"""

CJS = """\
const mongoose = require("mongoose");
const { Schema } = mongoose;
const { STATUS, KINDS } = require("./constants.mjs");
const noteSchema = new Schema({ text: String, by: String }, { _id: false });
const schema = new Schema({%s}, { timestamps: true, collection: "things_%d" });
module.exports = mongoose.model("Thing%d", schema);
"""

ESM = """\
import mongoose, { Schema } from "mongoose";
import { STATUS, KINDS } from "./constants.mjs";
const noteSchema = new Schema({ text: String, by: String }, { timestamps: true });
const schema = new Schema({%s}, { versionKey: false });
export default mongoose.models.Thing%d || mongoose.model("Thing%d", schema);
"""

TS = """\
import { Schema, model, Model, Types } from "mongoose";
import { STATUS, KINDS } from "./constants.mjs";
export interface IThing { name: string; owner: Types.ObjectId; stock: number; }
type ThingModel = Model<IThing>;
const noteSchema = new Schema<{ text: string }>({ text: String, by: String });
const schema = new Schema<IThing, ThingModel>({%s}, { timestamps: { createdAt: "created" } });
export const Thing = model<IThing, ThingModel>("Thing%d", schema);
"""


def write_models(folder: Path, count: int) -> None:
    (folder / "constants.mjs").write_text(CONSTANTS)
    for i in range(count):
        style = i % 3
        if style == 0:
            text, ext = CJS % (FIELDS, i, i), "js"
        elif style == 1:
            text, ext = ESM % (FIELDS, i, i), "mjs"
        else:
            text, ext = TS % (FIELDS, i), "ts"
        (folder / f"thing{i:03}.{ext}").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wdguard-bench-mongoose-") as tmp:
        folder = Path(tmp)
        write_models(folder, args.files)
        best = cpu = float("inf")
        for _ in range(args.runs):
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            result = derive_models([folder], database="bench")
            best = min(best, time.perf_counter() - start)
            cpu = min(cpu, time.process_time() - start_cpu)
        assert not result.failures and not result.warnings, (result.failures, result.warnings)
        columns = sum(len(m.contract.columns) for m in result.models)
        print(f"derived {len(result.models)} contracts ({columns} columns) from "
              f"{args.files} model files: wall {best:.3f} s, cpu {cpu:.3f} s "
              f"({'ok' if best < 1 else 'SLOW'}: target < 1 s; best of {args.runs})")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
