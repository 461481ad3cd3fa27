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
from collections.abc import Iterable
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
    seen: dict[str, list[Path]] = {}
    for folder, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                seen.setdefault(name, []).append(Path(folder) / name)
    index = ResultFiles(base)
    for name, paths in seen.items():
        paths.sort()
        index.by_name[name] = paths[0]
        if len(paths) > 1:
            index.duplicates[name] = tuple(paths)
    return index


def missing(value: str | None) -> bool:
    return value is None or value in ("", MISSING, "NA", "nan", "NaN")


def read_table(path: str | Path, required: Iterable[str] = ()) -> Table:
    """Read one of the pipeline's TSVs; a missing required column is an input error."""
    path = Path(path)
    comments: list[str] = []
    with open(path, encoding="utf-8", newline="") as handle:
        lines = []
        for line in handle:
            if line.startswith("##") and not lines:
                comments.append(line[2:].strip())
            elif line.strip():
                lines.append(line)
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
    records = list(reader)
    if not records:
        columns: tuple[str, ...] = ()
        body: list[list[str]] = []
    else:
        columns, body = tuple(records[0]), records[1:]
    absent = [name for name in required if name not in columns]
    if absent:
        raise LenallInputError(f"missing column(s) {', '.join(absent)}", file=path, line=1,
                               field=absent[0], hint="was the file written by this pipeline?")
    rows = []
    for number, values in enumerate(body, start=2 + len(comments)):
        if len(values) != len(columns):
            raise LenallInputError(f"{len(values)} fields where the header has {len(columns)}",
                                   file=path, line=number, hint="the table is truncated or edited")
        rows.append(dict(zip(columns, values, strict=True)))
    return Table(path, columns, rows, tuple(comments))


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
