"""cohort.maf: the somatic calls of every sample in one MAF (maftools and cBioPortal read it).

The rows are the per-sample MAFs the variants step wrote (`<sample>.maf`, somatic rows only),
passed through as text, so reading cohort.maf back with the pipeline's MAF reader gives the
per-sample rows unchanged. Standard MAF columns come first, then any extra column in file order.
Rows are ordered by sample, then genomic position.

The per-sample MAFs are streamed once, to cohort.maf and to the cBioPortal study's mutation file
together (`CohortMaf.stream` feeds any number of sinks): memory does not grow with the number of
rows. A sample's rows are written as they are read while they come in position order (give or take
ORDER_WINDOW rows) with one barcode, as the variants step writes them; otherwise that sample's
part of every sink is written again from a merge sort through temporary files of at most
SORT_CHUNK rows.
"""

from __future__ import annotations

import bisect
import csv
import heapq
import itertools
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from ..errors import LenallInputError
from ..genome import normalize_chrom
from ..model import Sample
from ..readers.maf import MAF_COLUMNS, MAF_VERSION_LINE, MafText
from ..results import ResultFiles

_CHROM_ORDER = {str(i): i for i in range(1, 23)} | {"X": 23, "Y": 24, "MT": 25}
ORDER_WINDOW = 1_000  # rows held back to put neighbours in order while streaming
SORT_CHUNK = 20_000  # rows held at once when a sample's MAF is further out of order
GERMLINE_SKIP = "Mutation_Status Germline"


@dataclass
class MafSummary:
    """Counts for the QC json: rows kept, samples without a MAF, rows left out and why."""

    rows: int = 0
    samples_with_calls: int = 0
    samples_without_maf: list[str] = field(default_factory=list)
    barcodes_set_to_sample: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"rows": self.rows, "samples_with_calls": self.samples_with_calls,
                "samples_without_maf": self.samples_without_maf,
                "barcodes_set_to_sample": self.barcodes_set_to_sample, "skipped": self.skipped}


class MafSink(Protocol):
    """Where the cohort's MAF rows go. `values` are in `CohortMaf.columns` order; `line` is the
    input line itself when it already is exactly that row (else None)."""

    def start_sample(self, sample: str) -> None: ...
    def row(self, line: str | None, values: Callable[[], list[str]]) -> None: ...
    def mark(self) -> object: ...
    def rewind(self, mark: object) -> None: ...


class _NeedsSort(Exception):
    """A sample's MAF is not in position order, or holds more than one barcode."""


@dataclass
class _Source:
    sample: str
    path: Path
    columns: list[str]


class CohortMaf:
    """The cohort's MAF rows: `columns` is known at once, rows come from `stream(sinks)`."""

    def __init__(self, samples: Sequence[Sample], results: ResultFiles) -> None:
        self.summary = MafSummary()
        columns = list(MAF_COLUMNS)
        self._sources: list[_Source] = []
        for s in sorted((s for s in samples if s.is_tumour), key=lambda s: (s.patient, s.sample)):
            path = results.find(s.sample, "maf")
            if path is None:
                if s.vcf or s.maf:
                    self.summary.samples_without_maf.append(s.sample)
                continue
            with MafText(path) as maf:
                own = maf.columns
            columns += [c for c in own if c not in columns]
            self._sources.append(_Source(s.sample, path, own))
        self.columns = tuple(columns)
        self._sources.sort(key=lambda source: source.sample)  # stable: rows sort by sample first
        self.streamed = False

    def stream(self, sinks: Sequence[MafSink]) -> MafSummary:
        """Every kept row, in order, to every sink; fills and returns the summary."""
        for source in self._sources:
            for sink in sinks:
                sink.start_sample(source.sample)
            marks = [sink.mark() for sink in sinks]
            try:
                counts = self._write_sample(source, sinks, in_order=True)
            except _NeedsSort:
                for sink, mark in zip(sinks, marks, strict=True):
                    sink.rewind(mark)
                counts = self._write_sample(source, sinks, in_order=False)
            self._count(source.sample, counts)
        self.streamed = True
        return self.summary

    def _count(self, sample: str, counts: _SampleCounts) -> None:
        summary = self.summary
        summary.rows += counts.kept
        if counts.barcode is not None and counts.barcode != sample:
            summary.barcodes_set_to_sample[counts.barcode or "(empty)"] = sample
        if counts.germline:
            summary.skipped[GERMLINE_SKIP] = summary.skipped.get(GERMLINE_SKIP, 0) + counts.germline
        summary.samples_with_calls += bool(counts.read)

    def _write_sample(self, source: _Source, sinks: Sequence[MafSink], *, in_order: bool
                      ) -> _SampleCounts:
        layout = _Layout(source, self.columns)
        counts = _SampleCounts()
        with MafText(source.path) as maf:
            rows: Iterable[tuple[int, str, list[str]]] = maf.rows()
            if in_order:
                rows = _in_order(rows, layout)
            else:
                keep = _barcode_filter(source, layout)
                rows = _sorted(((n, line, fields) for n, line, fields in rows
                                if keep(fields[layout.barcode] if layout.barcode is not None
                                        else "")), layout)
            barcode_at, status_at, sample = layout.barcode, layout.status, source.sample
            identity = layout.identity
            read = kept = germline = 0
            for _number, line, fields in rows:
                barcode = fields[barcode_at] if barcode_at is not None else ""
                if counts.barcode is None:  # the rows kept all carry one barcode
                    counts.barcode = barcode
                read += 1
                if status_at is not None and fields[status_at].strip().lower() == "germline":
                    germline += 1
                    continue
                kept += 1
                same = line if identity and barcode == sample else None
                values = _values_of(fields, layout, sample)
                for sink in sinks:
                    sink.row(same, values)
        counts.read, counts.kept, counts.germline = read, kept, germline
        return counts


@dataclass
class _SampleCounts:
    read: int = 0
    kept: int = 0
    germline: int = 0
    barcode: str | None = None  # a barcode other than the sample's, when the rows carry one


class _Layout:
    """Where the cohort columns are in one sample's rows."""

    def __init__(self, source: _Source, columns: Sequence[str]) -> None:
        own = {name: i for i, name in enumerate(source.columns)}
        self.sample = source.sample
        self.width = len(columns)
        self.take = [own.get(name) for name in columns]
        self.identity = tuple(source.columns) == tuple(columns)
        self.barcode = own.get("Tumor_Sample_Barcode")
        self.barcode_out = list(columns).index("Tumor_Sample_Barcode")
        self.status = own.get("Mutation_Status")
        self.chrom, self.start = own["Chromosome"], own["Start_Position"]
        self.ref, self.alt = own["Reference_Allele"], own["Tumor_Seq_Allele2"]
        self.gene = own.get("Hugo_Symbol")
        self._chroms: dict[str, tuple[int, str]] = {}

    def key(self, fields: list[str]) -> tuple:
        """The cohort order within one sample: chromosome, start, alleles, gene."""
        raw = fields[self.chrom]
        chrom = self._chroms.get(raw)
        if chrom is None:
            name = normalize_chrom(raw)
            chrom = self._chroms[raw] = (_CHROM_ORDER.get(name, 99), name)
        start = fields[self.start]
        return (chrom, int(start) if start.isdigit() else 0, start, fields[self.ref],
                fields[self.alt], fields[self.gene] if self.gene is not None else "")


def _values_of(fields: list[str], layout: _Layout, sample: str) -> Callable[[], list[str]]:
    def values() -> list[str]:
        row = [fields[i] if i is not None else "" for i in layout.take]
        row[layout.barcode_out] = sample
        return row

    return values


def _in_order(rows: Iterable[tuple[int, str, list[str]]], layout: _Layout
              ) -> Iterator[tuple[int, str, list[str]]]:
    """The rows in cohort order, as long as they come under one barcode and no row belongs more
    than ORDER_WINDOW rows earlier (the variants step writes by VCF position: a deletion's MAF
    start is one past it, so neighbours can swap)."""
    window: list[tuple[tuple, int, tuple[int, str, list[str]]]] = []
    last = None  # key of the last row given out
    barcode = None
    barcode_at, key_of = layout.barcode, layout.key
    for seq, row in enumerate(rows):
        fields = row[2]
        here = fields[barcode_at] if barcode_at is not None else ""
        if barcode is None:
            barcode = here
        elif here != barcode:
            raise _NeedsSort
        key = key_of(fields)
        if not window or key >= window[-1][0]:
            window.append((key, seq, row))
        elif last is not None and key < last:
            raise _NeedsSort
        else:
            bisect.insort(window, (key, seq, row), key=lambda item: (item[0], item[1]))
        if len(window) >= 2 * ORDER_WINDOW:
            last = window[ORDER_WINDOW - 1][0]
            for item in window[:ORDER_WINDOW]:
                yield item[2]
            del window[:ORDER_WINDOW]
    for item in window:
        yield item[2]


def _barcode_filter(source: _Source, layout: _Layout) -> Callable[[str], bool]:
    """Which rows of a MAF belong to the sample: its barcode's when the file has several, all of
    them when it has one (per-sample MAFs often say TUMOR)."""
    if layout.barcode is None:
        return lambda _barcode: True
    with MafText(source.path) as maf:
        barcodes = sorted({fields[layout.barcode] for _n, _line, fields in maf.rows()})
    if source.sample in barcodes:
        return lambda barcode: barcode == source.sample
    if len(barcodes) > 1:
        shown = ", ".join(barcodes[:10]) + (" ..." if len(barcodes) > 10 else "")
        raise LenallInputError(f"sample '{source.sample}' is not a Tumor_Sample_Barcode of the "
                               f"MAF (barcodes: {shown})", file=source.path,
                               field="Tumor_Sample_Barcode",
                               hint="give the per-sample MAF or the matching barcode")
    return lambda _barcode: True


def _sorted(rows: Iterable[tuple[int, str, list[str]]], layout: _Layout
            ) -> Iterator[tuple[int, str, list[str]]]:
    """The rows in cohort order: a stable merge sort through temporary files of SORT_CHUNK rows,
    each holding its rows as text only."""
    keyed = ((layout.key(fields), number, line) for number, line, fields in rows)
    with tempfile.TemporaryDirectory(prefix="lenall-maf-sort.") as tmp:
        runs: list[Path] = []
        while chunk := list(itertools.islice(keyed, SORT_CHUNK)):
            chunk.sort(key=lambda item: item[0])
            if not runs and len(chunk) < SORT_CHUNK:  # all of it fits in one chunk
                yield from ((n, line, line[:-1].split("\t")) for _key, n, line in chunk)
                return
            run = Path(tmp) / f"run{len(runs)}.txt"
            with open(run, "w", encoding="utf-8", newline="") as out:
                out.writelines(f"{n}\t{line}" for _key, n, line in chunk)
            runs.append(run)
            del chunk
        handles = [open(run, encoding="utf-8", newline="") for run in runs]
        try:
            yield from heapq.merge(*(_run_rows(h) for h in handles),
                                   key=lambda row: layout.key(row[2]))
        finally:
            for handle in handles:
                handle.close()


def _run_rows(handle: IO[str]) -> Iterator[tuple[int, str, list[str]]]:
    for text in handle:
        number, line = text.split("\t", 1)
        yield int(number), line, line[:-1].split("\t")


# --- sinks -----------------------------------------------------------------------------------------

class FileSink:
    """A sink writing to an open text file, which can be rewound to a mark."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle

    def start_sample(self, sample: str) -> None:
        pass

    def mark(self) -> object:
        return self.handle.tell()

    def rewind(self, mark: object) -> None:
        self.handle.seek(mark)  # type: ignore[arg-type]
        self.handle.truncate()


class CohortMafSink(FileSink):
    """cohort.maf: `#version 2.4`, the header, rows written as write_maf writes them."""

    def __init__(self, handle: IO[str], columns: Sequence[str]) -> None:
        super().__init__(handle)
        self.writer = csv.writer(handle, delimiter="\t", lineterminator="\n",
                                 quoting=csv.QUOTE_NONE, escapechar="\\")
        handle.write(MAF_VERSION_LINE + "\n")
        self.writer.writerow(columns)

    def row(self, line: str | None, values: Callable[[], list[str]]) -> None:
        if line is not None and "\\" not in line and '"' not in line:
            self.handle.write(line)  # nothing for the csv writer to escape: the same bytes
        else:
            self.writer.writerow(values())

