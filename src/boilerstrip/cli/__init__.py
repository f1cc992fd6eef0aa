"""The command line: ``boilerstrip clean | explain | rules | mine``."""

from .app import cli, main

__all__ = ["cli", "main"]
