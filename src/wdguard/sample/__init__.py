"""The sample WasteDump lake: bronze, silver and gold of a few days, and fault injectors.

Sample data for demos, tests and benchmarks -- not a product feature. One module per
source or layer, faults beside them, shared helpers in one place; `wdguard.lake` keeps
only storage, layout and manifests.

    common    constants, seeded value makers, the generic column, partition writing
    cast      bronze <-> silver encodings of a contract's columns
    postgres  the Postgres tables' history (World, WasteDump builders, conformance)
    mongo     the Mongo collections' daily documents
    generate  `generate_lake`: daily bronze/silver snapshots into a store
    faults    named corruptions of one day, for tests and the demo

Imports flow one way: common <- cast, postgres, mongo <- generate; faults use common/cast.
"""
