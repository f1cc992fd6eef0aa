"""The command line: ``boilerstrip clean | explain | rules | mine``.

One module per command (clean.py, explain.py, rules.py, mine.py), what they
share in common.py, the group and the entry point in main.py.
"""

from .main import cli, main

__all__ = ["cli", "main"]
