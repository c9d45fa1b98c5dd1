"""Rendering of findings and run records: text, JSON, JUnit, SARIF, Markdown/HTML, alerts."""
