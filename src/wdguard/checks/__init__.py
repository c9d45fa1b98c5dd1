"""Partition checks: contract -> Polars expressions / pandera, completeness, freshness, volume."""
