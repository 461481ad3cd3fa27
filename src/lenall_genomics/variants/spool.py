"""Streaming sort of output lines by (chromosome order, position, ref, alt) in bounded memory.

Lines go to one temp file per chromosome, in input order; rows of one position are sorted when
the position changes. A chromosome whose positions ever go backwards is sorted in memory at the
end (only that chromosome). The final file is assembled in chromosome order and renamed into place.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..genome import CHROMOSOMES
from ..writers import atomic_open

_RANK = {name: i for i, name in enumerate(CHROMOSOMES + ("MT",))}
_SEP = "\x1f"


def chrom_order(chrom: str) -> tuple[int, str]:
    return (_RANK.get(chrom, len(_RANK)), chrom)


class SortedSpool:
    def __init__(self, workdir: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=".spool.", dir=workdir))
        self.files: dict[str, Path] = {}
        self.last_pos: dict[str, int] = {}
        self.unsorted: set[str] = set()
        self.handle = None
        self.current: str | None = None
        self.group: list[str] = []
        self.group_pos = -1
        self.count = 0

    def add(self, chrom: str, pos: int, tie: str, line: str) -> None:
        if chrom != self.current:
            self._switch(chrom)
        if pos != self.group_pos:
            self._flush_group()
            if pos < self.last_pos.get(chrom, -1):
                self.unsorted.add(chrom)
            self.last_pos[chrom] = pos
            self.group_pos = pos
        self.group.append(f"{pos:012d}{_SEP}{tie}{_SEP}{line}")
        self.count += 1

    def _flush_group(self) -> None:
        if self.group:
            if len(self.group) > 1:
                self.group.sort()
            self.handle.write("\n".join(self.group))
            self.handle.write("\n")
            self.group = []

    def _switch(self, chrom: str) -> None:
        self._flush_group()
        if self.handle is not None:
            self.handle.close()
        path = self.files.get(chrom)
        if path is None:
            path = self.files[chrom] = self.dir / f"{len(self.files)}.part"
        self.handle = open(path, "a", encoding="utf-8", newline="")
        self.current = chrom
        self.group_pos = -1

    def write(self, path: Path, header_lines: list[str]) -> int:
        """Assemble the sorted output file at `path` (atomically) and remove the temp files."""
        self._flush_group()
        if self.handle is not None:
            self.handle.close()
            self.handle = None
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
                            for row in part:
                                out.write(row.split(_SEP, 2)[2])
        finally:
            self.close()
        return self.count

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        if self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)
