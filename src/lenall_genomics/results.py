"""Finding and reading the per-sample and cohort result files that cohort-scope steps use.

Per-sample files are looked up by name (`<sample>.<suffix>`) anywhere below the results folder, so
the same code works on `<outdir>/samples/<sample>/` and on a flat folder of staged files.
Tables are the pipeline's own TSVs (writers.write_tsv): `## ` comment lines, one header, `.` for
a missing value and `\\` escaping tabs inside values.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import LenallInputError
from .writers import MISSING


@dataclass
class Table:
    """A TSV read as text: its header, its rows (dicts) and its `## ` comment lines."""

    path: Path
    columns: tuple[str, ...]
    rows: list[dict[str, str]]
    comments: tuple[str, ...] = ()


@dataclass
class ResultFiles:
    """An index of the files below a results folder, by file name."""

    root: Path | None
    by_name: dict[str, Path] = field(default_factory=dict)
    duplicates: dict[str, tuple[Path, ...]] = field(default_factory=dict)

    def find(self, sample: str, suffix: str) -> Path | None:
        return self.by_name.get(f"{sample}.{suffix}")


def index_results(root: str | Path | None) -> ResultFiles:
    """Walk `root` once; a name found twice resolves to the first path in sorted order."""
    if root is None:
        return ResultFiles(None)
    base = Path(root)
    if not base.exists():  # no per-sample step ran (e.g. a samplesheet of metadata only)
        return ResultFiles(base)
    if not base.is_dir():
        raise LenallInputError("results path is a file, not a folder", file=base,
                               field="--results", hint="give the folder the per-sample steps "
                               "wrote to")
    seen: dict[str, list[str]] = {}
    folders = [str(base)]
    while folders:  # as os.walk: symlinked folders are not entered; unreadable ones skipped
        try:
            entries = os.scandir(folders.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    seen.setdefault(entry.name, []).append(entry.path)
                elif not entry.is_symlink():
                    folders.append(entry.path)
    index = ResultFiles(base)
    for name, found in seen.items():
        if len(found) == 1:
            index.by_name[name] = Path(found[0])
            continue
        paths = sorted(map(Path, found))
        index.by_name[name] = paths[0]
        index.duplicates[name] = tuple(paths)
    return index


def missing(value: str | None) -> bool:
    return value is None or value in ("", MISSING, "NA", "nan", "NaN")


class TableRows:
    """One of the pipeline's TSVs read row by row: `columns` and `comments` at once, then
    `dicts()` (or `lists()`) yields each row; a missing required column or a row of another
    width is an input error. Use as a context manager, or read it to the end."""

    def __init__(self, path: str | Path, required: Iterable[str] = ()) -> None:
        self.path = Path(path)
        self._handle = open(self.path, encoding="utf-8", newline="")
        comments: list[str] = []
        header = None
        for line in self._handle:
            if line.startswith("##"):
                comments.append(line[2:].strip())
            elif line.strip():
                header = line
                break
        self.comments = tuple(comments)
        self.columns: tuple[str, ...] = tuple(_split_row(header)) if header else ()
        absent = [name for name in required if name not in self.columns]
        if absent:
            self.close()
            raise LenallInputError(f"missing column(s) {', '.join(absent)}", file=self.path,
                                   line=1, field=absent[0],
                                   hint="was the file written by this pipeline?")

    def lists(self) -> Iterator[list[str]]:
        width = len(self.columns)
        number = 1 + len(self.comments)
        try:
            for line in self._handle:
                if line.isspace():  # blank (as `not line.strip()`, without a copy)
                    continue
                number += 1
                if "\\" in line or "\r" in line:
                    values = _split_row(line)
                else:  # _split_row's own fast path, without the call
                    values = line[:-1].split("\t") if line[-1:] == "\n" else line.split("\t")
                if len(values) != width:
                    raise LenallInputError(f"{len(values)} fields where the header has {width}",
                                           file=self.path, line=number,
                                           hint="the table is truncated or edited")
                yield values
        finally:
            self.close()

    def dicts(self) -> Iterator[dict[str, str]]:
        columns = self.columns
        for values in self.lists():
            yield dict(zip(columns, values, strict=False))  # widths checked in lists()

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> TableRows:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def _split_row(line: str) -> list[str]:
    """The fields of one line as csv reads it (tab-separated, no quoting, `\\` escapes)."""
    if "\\" not in line and "\r" not in line:
        return line[:-1].split("\t") if line.endswith("\n") else line.split("\t")
    return next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))


def read_table(path: str | Path, required: Iterable[str] = ()) -> Table:
    """Read one of the pipeline's TSVs; a missing required column is an input error."""
    with TableRows(path, required) as table:
        rows = list(table.dicts())
    return Table(table.path, table.columns, rows, table.comments)


def read_optional_table(path: Path | None, required: Iterable[str] = ()) -> Table | None:
    return read_table(path, required) if path is not None and path.is_file() else None


def read_json(path: Path | None) -> Any:
    """A JSON result, or None when absent; unreadable JSON is an input error."""
    if path is None or not path.is_file():
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except json.JSONDecodeError as error:
        raise LenallInputError(f"not valid JSON: {error.msg}", file=path, line=error.lineno,
                               hint="re-run the step that wrote it") from None
