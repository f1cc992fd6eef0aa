"""The document pipeline of the command line: sources, cleaning, worker pool, sinks."""
