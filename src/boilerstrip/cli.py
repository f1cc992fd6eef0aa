"""Command line (placeholder until the CLI lands)."""
def main(argv=None) -> int:
    import sys
    from .engine import clean
    sys.stdout.write(clean(sys.stdin.read()).text)
    return 0
