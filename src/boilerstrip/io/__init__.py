"""Input and output: byte-exact text decoding, atomic file writes, JSONL streams."""
