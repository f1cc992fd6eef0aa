"""Run reports: how the results of a run are written (json, jsonl, html, explain)."""
