"""Where a run's documents come from: stdin, files and folders (see
:func:`boilerstrip.pipeline.files.collect`), and the records of a JSONL input.

Records go to the workers in batches of lines; :class:`Position` turns the
records done into the bytes of the input done, compressed or not, for the
progress bar.
"""

from __future__ import annotations

from typing import Iterable, Iterator

BATCH_LINES = 256
BATCH_BYTES = 4 << 20


class Position:
    """How far into a JSONL input the records *done* are, in input bytes.

    The reader runs ahead of the workers, and a compressed input is read in
    large chunks, so the bytes read say little about the records done. The
    position is the compressed bytes read so far scaled by the share of the
    decompressed lines read that are done: it moves with every record and ends
    at the input's size exactly when the last record is done.
    """

    def __init__(self, counter) -> None:
        self.counter = counter   # has ``count``: the input bytes read so far
        self.read = 0            # decompressed bytes handed to the workers
        self.done = 0            # decompressed bytes of the records done
        self.at = 0              # the position last reported

    def advance(self, nbytes: int) -> int:
        """A record of NBYTES (decompressed) is done: the input bytes it moved on."""
        self.done += nbytes
        if not self.read:
            return 0
        now = min(self.counter.count * self.done // self.read, self.counter.count)
        step = max(0, now - self.at)
        self.at += step
        return step


def record_batches(lines: Iterable[tuple[int, bytes]], position: Position | None = None
                   ) -> Iterator[list[tuple[int, bytes]]]:
    """Numbered lines in batches of at most BATCH_LINES lines or BATCH_BYTES bytes."""
    batch: list[tuple[int, bytes]] = []
    size = 0
    for item in lines:
        batch.append(item)
        size += len(item[1])
        if len(batch) >= BATCH_LINES or size >= BATCH_BYTES:
            if position is not None:
                position.read += size
            yield batch
            batch, size = [], 0
    if batch:
        if position is not None:
            position.read += size
        yield batch
