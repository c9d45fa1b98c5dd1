"""The sample WasteDump lake: bronze, silver and gold of a few days, and fault injectors.

Sample data for demos, tests and benchmarks -- not a product feature. One module per
source or layer, faults beside them, shared helpers in one place; `wdguard.lake` keeps
only storage, layout and manifests.

    common    constants, seeded value makers, the generic column, partition writing
    cast      bronze <-> silver encodings of a contract's columns
    postgres  the Postgres tables' history (World, WasteDump builders, conformance)
    mongo     the Mongo collections' daily documents
    gold      a small reference build of the star schema from one day's silver
    generate  `generate_lake`: daily bronze/silver snapshots (and gold) into a store
    faults    named corruptions of one day's bronze/silver, for tests and the demo
    faults_gold  named corruptions of one day's gold (the wrong numbers a build makes)

Imports flow one way: common <- cast, postgres, mongo, gold <- generate; faults use
common/cast, faults_gold uses gold.
"""
