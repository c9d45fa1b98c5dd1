"""Column metrics over time, and the anomalies no static rule catches.

catalog.py     contract -> engine-neutral MetricSpecs (which metrics per column type)
polars.py      MetricSpecs -> Polars aggregations (appended to the gate's one select)
spark.py       MetricSpecs -> Spark aggregations (appended to the one aggregation job)
table.py       the metrics table `_wdguard/metrics`: Delta where the lake is, else parquet
anomaly.py     one metric's history -> expected band -> anomalous or not (median, MAD)
monitor.py     what the gate calls: values -> table rows + `anomaly` check outcomes
backfill.py    metrics of past partitions (`wdguard metrics backfill`)
"""
