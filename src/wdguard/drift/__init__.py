"""Drift: contract-vs-source diffs, migration history, migration lint."""
