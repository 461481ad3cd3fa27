"""Streaming sort of output lines by (chromosome order, position, ref, alt) in bounded memory.

Lines go to one temp file per chromosome, in input order; rows of one position are sorted when
the position changes. A chromosome whose positions ever go backwards is sorted in memory at the
end (only that chromosome). The final file is assembled in chromosome order and renamed into place.
"""

from __future__ import annotations

import operator
import re
import shutil
import tempfile
from pathlib import Path

from ..genome import CHROMOSOMES
from ..writers import atomic_open

_RANK = {name: i for i, name in enumerate(CHROMOSOMES + ("MT",))}
_SEP = "\x1f"
_KEY = re.compile(f"^[0-9]{{12}}{_SEP}[^{_SEP}\\n]*{_SEP}", re.MULTILINE)
_PENDING_LINES = 4096
_READ_CHARS = 1 << 20


def chrom_order(chrom: str) -> tuple[int, str]:
    return (_RANK.get(chrom, len(_RANK)), chrom)


def keyed(pos: int, tie: str, line: str) -> str:
    """A line with its sort key (position, then `tie`, e.g. 'REF\\tALT') in front, for `extend`."""
    return f"{pos:012d}{_SEP}{tie}{_SEP}{line}"


class SortedSpool:
    """Lines keyed by (chromosome, position, tie), written sorted by `write`."""

    def __init__(self, workdir: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=".spool.", dir=workdir))
        self.files: dict[str, Path] = {}
        self.last_pos: dict[str, int] = {}
        self.unsorted: set[str] = set()
        self.current: str | None = None
        self.group: list[str] = []
        self.group_pos = -1
        self.pending: list[str] = []  # sorted lines of the current chromosome, not yet written
        self.count = 0

    def add(self, chrom: str, pos: int, tie: str, line: str) -> None:
        self.extend(chrom, [pos], [keyed(pos, tie, line)])

    def extend(self, chrom: str, positions: list[int], lines: list[str]) -> None:
        """Add keyed lines (see `keyed`) of one chromosome, in input order."""
        self.count += len(lines)
        if (len(lines) > 1 and (chrom != self.current or positions[0] != self.group_pos)
                and all(map(operator.lt, positions, positions[1:]))):
            # increasing positions: each line is a group of its own, no sorting needed
            self._start_group(chrom, positions[0])
            self.pending += lines[:-1]
            self.group.append(lines[-1])
            self.group_pos = self.last_pos[chrom] = positions[-1]
            if len(self.pending) >= _PENDING_LINES:
                self._write_pending()
            return
        for pos, line in zip(positions, lines):
            if pos != self.group_pos or chrom != self.current:
                self._start_group(chrom, pos)
            self.group.append(line)

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
                group.sort()
            self.pending += group
            self.group = []
            if len(self.pending) >= _PENDING_LINES:
                self._write_pending()

    def _write_pending(self) -> None:
        if not self.pending:
            return
        path = self.files.get(self.current)
        if path is None:
            path = self.files[self.current] = self.dir / f"{len(self.files)}.part"
        with open(path, "a", encoding="utf-8", newline="") as part:
            part.write("\n".join(self.pending))
            part.write("\n")
        self.pending = []

    def write(self, path: Path, header_lines: list[str]) -> int:
        """Assemble the sorted output file at `path` (atomically) and remove the temp files."""
        self._close_group()
        self._write_pending()
        try:
            with atomic_open(path) as out:
                for line in header_lines:
                    out.write(line + "\n")
                for chrom in sorted(self.files, key=chrom_order):
                    with open(self.files[chrom], encoding="utf-8", newline="") as part:
                        if chrom in self.unsorted:
                            rows = part.read().splitlines()
                            rows.sort()
                            for row in rows:
                                out.write(row.split(_SEP, 2)[2] + "\n")
                        else:
                            while True:
                                lines = part.readlines(_READ_CHARS)
                                if not lines:
                                    break
                                out.write(_KEY.sub("", "".join(lines)))
        finally:
            self.close()
        return self.count

    def close(self) -> None:
        self.pending = []
        if self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)
