"""Redis cache health: interval figures, a key-space sample, thresholds, lake snapshots."""
