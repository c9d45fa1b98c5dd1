"""The lake: storage (local, ADLS Gen2), layout, manifests, the sample generator."""
