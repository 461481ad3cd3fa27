"""Streaming sort of output lines by (chromosome order, position, ref, alt) in bounded memory.

Lines go to one temp file per chromosome, in input order, and their sort keys (position, then a
tie-breaker such as 'REF\\tALT') to a parallel file; rows of one position are sorted when the
position changes. A chromosome whose positions ever go backwards is sorted in memory at the end
(only that chromosome, by key then line); the others are copied as they are. The final file is
assembled in chromosome order and renamed into place.
"""

from __future__ import annotations

import shutil
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Callable
from itertools import compress, islice
from operator import eq, le
from pathlib import Path
from typing import NamedTuple

from ..genome import CHROMOSOMES
from ..writers import atomic_open

_RANK = {name: i for i, name in enumerate(CHROMOSOMES + ("MT",))}
_SEP = "\x1f"
_SEP_BYTES = _SEP.encode()
_PENDING_LINES = 4096
_COPY_BYTES = 1 << 20


def chrom_order(chrom: str) -> tuple[int, str]:
    return (_RANK.get(chrom, len(_RANK)), chrom)


def sort_key(pos: int, tie: str) -> str:
    """The key of a line at `pos`; `tie` orders lines of one position (e.g. 'REF\\tALT')."""
    return f"{pos:012d}{_SEP}{tie}"


def _key_then_line(item: tuple[bytes, bytes]) -> bytes:
    return item[0] + _SEP_BYTES + item[1]


class Block(NamedTuple):
    """Lines of one chromosome in input order, ready to send between processes: positions, and
    the keys and lines each joined by newlines, as UTF-8. `grouped`: positions never go down and
    the lines of one position are already in spool order, so `SortedSpool.add_block` can take
    the text without looking at each line."""

    chrom: str
    positions: array
    keys: bytes  # empty when the spool derives keys from lines
    lines: bytes
    grouped: bool


KeyOfLine = Callable[[bytes], bytes]


def block(chrom: str, positions: list[int], keys: list[str], lines: list[str],
          key_of_line: KeyOfLine | None = None) -> Block:
    """A Block of lines (in input order) with their positions and `sort_key`s, or with no keys
    and the `key_of_line` of the spool they are for."""
    grouped = all(map(le, positions, islice(positions, 1, None)))
    if grouped:  # sort the lines of each repeated position (a split multi-allelic record)
        for start, end in _repeats(positions):
            encoded = [line.encode() for line in lines[start:end]]
            stretch_keys = ([key.encode() for key in keys[start:end]] if key_of_line is None
                            else list(map(key_of_line, encoded)))
            pairs = sorted(zip(stretch_keys, encoded, strict=True), key=_key_then_line)
            lines[start:end] = [line.decode() for _, line in pairs]
            if key_of_line is None:
                keys[start:end] = [key.decode() for key, _ in pairs]
    return Block(chrom, array("q", positions), "\n".join(keys).encode(),
                 "\n".join(lines).encode(), grouped)


def _repeats(positions: list[int]) -> list[list[int]]:
    """[start, end) of each stretch of one repeated position, in positions that never go down."""
    stretches: list[list[int]] = []
    for i in compress(range(1, len(positions)), map(eq, positions, islice(positions, 1, None))):
        if stretches and stretches[-1][1] == i:
            stretches[-1][1] = i + 1
        else:
            stretches.append([i - 1, i + 1])
    return stretches


class SortedSpool:
    """Lines with (chromosome, position, key), written sorted by `write`."""

    def __init__(self, workdir: Path, key_of_line: KeyOfLine | None = None) -> None:
        """`key_of_line`: the lines carry their keys (variants.tsv: POS, REF, ALT); keys are then
        made only when needed (lines of one position, a chromosome out of order), not stored."""
        self.key_of_line = key_of_line
        self.dir = Path(tempfile.mkdtemp(prefix=".spool.", dir=workdir))
        self.files: dict[str, tuple[Path, Path]] = {}  # chrom -> (lines, keys)
        self.last_pos: dict[str, int] = {}
        self.unsorted: set[str] = set()
        self.current: str | None = None
        self.group: list[tuple[bytes, bytes]] = []  # (key, line) at group_pos, UTF-8
        self.group_pos = -1
        self.pending_keys: list[bytes] = []  # sorted, of the current chromosome, not yet written
        self.pending_lines: list[bytes] = []
        self.pending_count = 0  # lines in pending_lines
        self.count = 0

    def add(self, chrom: str, pos: int, tie: str, line: str) -> None:
        self.extend(chrom, [pos], [sort_key(pos, tie).encode()], [line.encode()])

    def add_block(self, lines: Block) -> None:
        """Add a Block. A grouped one that starts a new position goes in as text: the lines of
        its last position stay open (the next block may go on with them), the rest is pending."""
        chrom, positions, keys_text, lines_text, grouped = lines
        count = len(positions)
        if not count:
            return
        first, last = positions[0], positions[-1]
        if (not grouped or first < self.last_pos.get(chrom, -1)
                or (chrom == self.current and first == self.group_pos)):
            lines = lines_text.split(b"\n")
            keys = (keys_text.split(b"\n") if self.key_of_line is None
                    else list(map(self.key_of_line, lines)))
            self.extend(chrom, positions, keys, lines)
            return
        self.count += count
        self._start_group(chrom, first)
        tail = count - bisect_left(positions, last)  # lines at the last position
        head_lines, tail_lines = _cut_tail(lines_text, tail)
        if self.key_of_line is None:
            head_keys, tail_keys = _cut_tail(keys_text, tail)
        else:
            head_keys, tail_keys = None, list(map(self.key_of_line, tail_lines))
        if head_lines is not None:  # pending items may hold several lines: joined by newlines
            if head_keys is not None:
                self.pending_keys.append(head_keys)
            self.pending_lines.append(head_lines)
            self.pending_count += count - tail
        self.group = list(zip(tail_keys, tail_lines, strict=True))
        self.group_pos = self.last_pos[chrom] = last
        if self.pending_count >= _PENDING_LINES:
            self._write_pending()

    def extend(self, chrom: str, positions: list[int], keys: list[bytes],
               lines: list[bytes]) -> None:
        """Add lines of one chromosome in input order, with their `sort_key`s (UTF-8)."""
        self.count += len(lines)
        if not lines:
            return
        # stretches of strictly increasing positions (a multi-allelic record repeats one)
        cuts = list(compress(range(1, len(positions)),
                             map(le, islice(positions, 1, None), positions)))
        start = 0
        for end in cuts + [len(lines)]:
            self._extend_increasing(chrom, positions[start:end], keys[start:end],
                                    lines[start:end])
            start = end

    def _extend_increasing(self, chrom: str, positions: list[int], keys: list[bytes],
                           lines: list[bytes]) -> None:
        if chrom == self.current and positions[0] == self.group_pos:
            self.group.append((keys[0], lines[0]))
            if len(lines) == 1:
                return
            positions, keys, lines = positions[1:], keys[1:], lines[1:]
        # each line is a group of its own but the last, which may go on in the next call
        self._start_group(chrom, positions[0])
        if self.key_of_line is None:
            self.pending_keys += keys[:-1]
        self.pending_lines += lines[:-1]
        self.pending_count += len(lines) - 1
        self.group.append((keys[-1], lines[-1]))
        self.group_pos = self.last_pos[chrom] = positions[-1]
        if self.pending_count >= _PENDING_LINES:
            self._write_pending()

    def _start_group(self, chrom: str, pos: int) -> None:
        self._close_group()
        if chrom != self.current:
            self._write_pending()
            self.current = chrom
        if pos < self.last_pos.get(chrom, -1):
            self.unsorted.add(chrom)
        self.last_pos[chrom] = pos
        self.group_pos = pos

    def _close_group(self) -> None:
        group = self.group
        if group:
            if len(group) > 1:
                group.sort(key=_key_then_line)
            if self.key_of_line is None:
                self.pending_keys += [key for key, _ in group]
            self.pending_lines += [line for _, line in group]
            self.pending_count += len(group)
            self.group = []
            if self.pending_count >= _PENDING_LINES:
                self._write_pending()

    def _write_pending(self) -> None:
        if not self.pending_lines:
            return
        paths = self.files.get(self.current)
        if paths is None:
            stem = self.dir / str(len(self.files))
            paths = self.files[self.current] = (stem.with_suffix(".lines"),
                                                stem.with_suffix(".keys"))
        for path, items in zip(paths, (self.pending_lines, self.pending_keys), strict=True):
            if items:  # no keys file when keys are made from lines
                with open(path, "ab") as part:
                    part.write(b"\n".join(items) + b"\n")
        self.pending_keys, self.pending_lines, self.pending_count = [], [], 0

    def write(self, path: Path, header_lines: list[str]) -> int:
        """Assemble the sorted output file at `path` (atomically) and remove the temp files."""
        self._close_group()
        self._write_pending()
        try:
            with atomic_open(path, "wb") as out:
                out.write("".join(line + "\n" for line in header_lines).encode())
                for chrom in sorted(self.files, key=chrom_order):
                    lines_path, keys_path = self.files[chrom]
                    if chrom in self.unsorted:
                        _write_sorted(out, lines_path, keys_path, self.key_of_line)
                        continue
                    with open(lines_path, "rb") as part:  # UTF-8 already: copied as bytes
                        shutil.copyfileobj(part, out, _COPY_BYTES)
        finally:
            self.close()
        return self.count

    def close(self) -> None:
        self.group, self.pending_keys, self.pending_lines, self.pending_count = [], [], [], 0
        if self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)


def _cut_tail(text: bytes, tail: int) -> tuple[bytes | None, list[bytes]]:
    """(the text before its last `tail` lines, or None when that is all of it; those lines)."""
    parts = text.rsplit(b"\n", tail)
    if len(parts) > tail:
        return parts[0], parts[1:]
    return None, parts


def _write_sorted(out, lines_path: Path, keys_path: Path,
                  key_of_line: KeyOfLine | None) -> None:
    """One chromosome's lines sorted by key, then line (in memory: this chromosome only)."""
    lines = lines_path.read_bytes().split(b"\n")[:-1]
    keys = (keys_path.read_bytes().split(b"\n")[:-1] if key_of_line is None
            else list(map(key_of_line, lines)))
    rows = list(zip(keys, lines, strict=True))
    rows.sort(key=_key_then_line)
    out.write(b"".join(line + b"\n" for _, line in rows))
