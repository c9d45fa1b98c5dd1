"""The lake: storage (local, ADLS Gen2), layout, manifests. Sample data: `wdguard.sample`."""
