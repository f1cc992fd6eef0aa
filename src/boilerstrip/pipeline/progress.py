"""The progress bar of a long run on a terminal."""

from __future__ import annotations

import sys
import time
from typing import IO

#: Seconds before the bar appears: short runs print nothing.
DEFAULT_DELAY = 0.5


class Progress:
    """A one-line progress bar on a terminal (items done, MB/s, ETA).

    It appears only after DELAY seconds, so short runs print nothing, and it
    is redrawn at most ten times a second. TOTAL_BYTES (None: unknown) gives
    the bar and the ETA; the bytes counted are the input's bytes, compressed
    or not, so the two agree.
    """

    def __init__(self, stream: IO[str], total_items: int, total_bytes: int | None,
                 unit: str = "files", delay: float = DEFAULT_DELAY) -> None:
        self.stream = stream
        self.total_items = total_items
        self.total_bytes = total_bytes
        self.unit = unit
        self.start = time.monotonic()
        self.show_after = self.start + delay
        self.last = 0.0
        self.items = 0
        self.bytes = 0
        self.shown = False

    def update(self, items: int = 1, nbytes: int = 0, force: bool = False) -> None:
        """Count ITEMS more items and NBYTES more bytes done; redraw if it is time."""
        self.items += items
        self.bytes += nbytes
        now = time.monotonic()
        if now < self.show_after or (now - self.last < 0.1 and not force):
            return
        self.last = now
        self.stream.write("\r\x1b[K" + self.line(now))
        self.stream.flush()
        self.shown = True

    def line(self, now: float) -> str:
        """The bar's text at time NOW."""
        elapsed = max(now - self.start, 1e-6)
        rate = self.bytes / elapsed / 1e6
        parts = []
        if self.total_bytes:
            frac = min(1.0, self.bytes / self.total_bytes)
            filled = int(frac * 24)
            parts.append("[" + "#" * filled + "." * (24 - filled) + f"] {frac:4.0%}")
        if self.total_items:
            parts.append(f"{self.items}/{self.total_items} {self.unit}")
        else:
            parts.append(f"{self.items} {self.unit}")
        parts.append(f"{rate:.1f} MB/s")
        if self.total_bytes and self.bytes and rate > 0:
            left = max(self.total_bytes - self.bytes, 0) / (rate * 1e6)
            parts.append(f"ETA {int(left) // 60}:{int(left) % 60:02d}")
        return "  ".join(parts)

    def clear(self) -> None:
        """Erase the bar (before a message is printed, and at the end)."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
            self.last = 0.0


def stderr_is_tty() -> bool:
    """Whether stderr is a terminal (the only place a bar is drawn)."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
