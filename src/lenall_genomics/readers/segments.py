"""Copy-number segment files -> one normalized segment table (model.SEGMENT_COLUMNS).

Formats (auto-detected from the header; an explicit format overrides):

- ``cnvkit``: CNVkit ``.cns`` / ``.call.cns`` (chromosome, start, end, gene, log2, [cn, cn1,
  cn2], depth, probes, weight). CNVkit coordinates are 0-based half-open: start + 1 here.
  total_cn = ``cn`` and minor_cn = min(cn1, cn2) when present.
- ``facets``: FACETS ``cncf`` table (chrom, seg, num.mark, nhet, cnlr.median, ..., start, end,
  cf.em, tcn.em, lcn.em); chromosome 23 is X. log2 = cnlr.median, total_cn = tcn.em,
  minor_cn = lcn.em (NA = unknown).
- ``ascat``: ASCAT segments (sample, chr, startpos, endpos, nMajor, nMinor; or nAraw/nBraw);
  total_cn = nMajor + nMinor, minor_cn = nMinor.
- ``seg``: IGV / cBioPortal / DNAcopy ``.seg`` (ID, chrom, loc.start, loc.end, num.mark,
  seg.mean; also Sample/Chromosome/Start/End/Num_Probes/Segment_Mean); log2 = seg.mean.
- ``purple``: PURPLE ``.purple.cnv.somatic.tsv`` (copyNumber, minorAlleleCopyNumber).

Values are kept as the tool gives them (floats allowed); unknown values are empty (None). When a
file only has log2, total_cn stays empty: the ploidy and event steps decide what log2 means.
Chromosomes are written without ``chr`` (1-22, X, Y). Files holding several samples (``seg``,
``ascat``) need the sample to be named unless they hold one.

Checks, each an error naming file and line: unknown contigs (alternative, unplaced and
mitochondrial contigs are skipped and counted in ``table.attrs["skipped"]``), start > end,
segments out of order within a chromosome or a chromosome split into separate blocks,
overlapping segments, segments past the end of the chromosome of the genome build.
An empty or header-only file gives an empty table.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LenallInputError
from ..genome import CHROMOSOMES, normalize_chrom
from ..model import SEGMENT_COLUMNS, SEGMENT_FORMATS
from .cells import parse_number

# contigs that are not chromosomes and carry no chromosome-level copy number
_NON_PRIMARY = re.compile(r"(_|^GL|^KI|^JH|^NC_|^HLA|^EBV|^HS37D5|^UN|RANDOM|DECOY|^MT$)",
                          re.IGNORECASE)
_NUMERIC_SEX = {"23": "X", "24": "Y"}


@dataclass
class _Layout:
    """Which source column feeds which normalized field, per format."""

    chrom: str
    start: str
    end: str
    log2: str | None = None
    total: str | None = None
    minor: str | None = None
    major: str | None = None  # ASCAT: total = major + minor
    allele1: str | None = None  # CNVkit cn1/cn2: minor = min of the two
    allele2: str | None = None
    markers: str | None = None
    sample: str | None = None
    zero_based: bool = False


@dataclass
class _Segments:
    rows: list[dict] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class SegmentRows:
    """A segment file read without pandas: rows (dicts with model.SEGMENT_COLUMNS, in genome
    order), and what `read_segments` puts in its table's attrs."""

    rows: list[dict]
    skipped: list[tuple[int, str]]
    format: str | None
    sample: str | None


def read_segments(path: str | Path, fmt: str | None = None, sample: str | None = None,
                  genome: str | None = None):
    """Read one segment file into a pandas DataFrame with model.SEGMENT_COLUMNS.

    `sample` picks one sample of a multi-sample file (seg, ascat). `genome`, when given, also
    checks that no segment runs past the end of its chromosome in that build.
    """
    import pandas as pd

    found = read_segment_rows(path, fmt, sample, genome)
    table = pd.DataFrame(found.rows, columns=list(SEGMENT_COLUMNS))
    table.attrs.update(skipped=found.skipped, format=found.format, sample=found.sample)
    return table


def read_segment_rows(path: str | Path, fmt: str | None = None, sample: str | None = None,
                      genome: str | None = None) -> SegmentRows:
    """`read_segments` without the DataFrame (and without importing pandas, a third of a
    second): the copy-number step needs only the rows."""
    path = Path(path)
    if not path.is_file():
        raise LenallInputError("segment file not found", file=path, field="--segments")
    if fmt is not None and fmt not in SEGMENT_FORMATS:
        raise LenallInputError(f"unknown segment format '{fmt}'", file=path, field="--format",
                               hint=f"use one of {', '.join(SEGMENT_FORMATS)}")
    header, header_line, rows = _read_rows(path)
    if header is None:
        return SegmentRows([], [], fmt, sample)
    fmt = fmt or detect_format(header, path, header_line)
    layout = _layout(fmt, header, path, header_line)
    rows, chosen = _select_sample(rows, layout, sample, path)
    segments = _normalize(rows, layout, path, fmt)
    _check_order(segments.rows, path)
    if genome is not None:
        _check_lengths(segments.rows, genome, path)
    order = {c: i for i, c in enumerate(CHROMOSOMES)}
    segments.rows.sort(key=lambda r: (order[r["chrom"]], r["start"]))
    return SegmentRows([{c: r[c] for c in SEGMENT_COLUMNS} for r in segments.rows],
                       segments.skipped, fmt, chosen)


def detect_format(header: list[str], path: Path, line: int) -> str:
    keys = {_key(n) for n in header}
    if {"nmajor", "nminor"} <= keys or {"naraw", "nbraw"} <= keys:
        return "ascat"
    if "tcnem" in keys or ("cnlrmedian" in keys and "chrom" in keys):
        return "facets"
    if {"chromosome", "start", "end", "copynumber"} <= keys:
        return "purple"
    if {"chromosome", "start", "end", "log2"} <= keys:
        return "cnvkit"
    if _find(header, _SEG_MEAN) and _find(header, _SEG_START):
        return "seg"
    raise LenallInputError(
        "unknown segment file shape: header columns " + ", ".join(header[:8]), file=path,
        line=line, hint="give --format (cnvkit, facets, ascat, seg, purple)")


# --- reading -----------------------------------------------------------------------------------

def _open_text(path: Path) -> io.TextIOBase:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _read_rows(path: Path) -> tuple[list[str] | None, int, list[tuple[int, dict[str, str]]]]:
    """Header (first line not starting with '##'), its line number, and (line, row) pairs."""
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    header_line = 0
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if not text.strip() or text.startswith("##"):
                continue
            if header is None:
                delimiter = "\t" if "\t" in text else ","
                header = [n.strip().strip('"') for n in
                          next(csv.reader([text.lstrip("#")], delimiter=delimiter))]
                header_line = number
                continue
            values = [v.strip().strip('"') for v in
                      next(csv.reader([text], delimiter=delimiter))]
            if values == header:  # a repeated header from concatenated files
                continue
            if len(values) != len(header):
                raise LenallInputError(
                    f"{len(values)} fields where the header has {len(header)}", file=path,
                    line=number, hint="the file must be tab-separated with one header line")
            rows.append((number, dict(zip(header, values, strict=True))))
    return header, header_line, rows


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _find(header: list[str], aliases: tuple[str, ...]) -> str | None:
    by_key = {}
    for name in header:
        by_key.setdefault(_key(name), name)
    return next((by_key[a] for a in aliases if a in by_key), None)


_SEG_SAMPLE = ("id", "sample", "sampleid", "samplename", "tumorsamplebarcode", "name")
_SEG_CHROM = ("chrom", "chromosome", "chr", "contig")
_SEG_START = ("locstart", "start", "startbp", "startpos", "startposition")
_SEG_END = ("locend", "end", "endbp", "endpos", "endposition")
_SEG_MARKERS = ("nummark", "numprobes", "nummarkers", "probes", "nprobes", "markers",
                "numberofprobes", "nummarks")
_SEG_MEAN = ("segmean", "segmentmean", "segcn", "log2ratio", "log2", "segmentlog2",
             "mean", "value")


def _layout(fmt: str, header: list[str], path: Path, line: int) -> _Layout:
    def need(aliases: tuple[str, ...], what: str) -> str:
        found = _find(header, aliases)
        if found is None:
            raise LenallInputError(f"no {what} column for format {fmt}", file=path, line=line,
                                   field=aliases[0], hint="check --format")
        return found

    if fmt == "cnvkit":
        return _Layout(need(("chromosome",), "chromosome"), need(("start",), "start"),
                       need(("end",), "end"), log2=need(("log2",), "log2"),
                       total=_find(header, ("cn",)), allele1=_find(header, ("cn1",)),
                       allele2=_find(header, ("cn2",)), markers=_find(header, ("probes",)),
                       zero_based=True)
    if fmt == "facets":
        return _Layout(need(("chrom",), "chrom"), need(("start", "locstart"), "start"),
                       need(("end", "locend"), "end"),
                       log2=_find(header, ("cnlrmedian",)),
                       total=_find(header, ("tcnem", "tcn")),
                       minor=_find(header, ("lcnem", "lcn")),
                       markers=_find(header, ("nummark",)))
    if fmt == "ascat":
        raw = _find(header, ("nmajor",)) is None
        return _Layout(need(("chr", "chrom", "chromosome"), "chr"),
                       need(("startpos", "start"), "startpos"), need(("endpos", "end"), "endpos"),
                       major=need(("naraw",) if raw else ("nmajor",), "nMajor"),
                       minor=need(("nbraw",) if raw else ("nminor",), "nMinor"),
                       sample=_find(header, ("sample",)))
    if fmt == "purple":
        return _Layout(need(("chromosome",), "chromosome"), need(("start",), "start"),
                       need(("end",), "end"), total=need(("copynumber",), "copyNumber"),
                       minor=_find(header, ("minorallelecopynumber",)),
                       markers=_find(header, ("depthwindowcount",)))
    sample = _find(header, _SEG_SAMPLE)
    if sample is None and _key(header[0]) not in {_key(c) for c in
                                                  _SEG_CHROM + _SEG_START + _SEG_END}:
        sample = header[0]  # .seg files name their first column freely
    return _Layout(need(_SEG_CHROM, "chromosome"), need(_SEG_START, "start"),
                   need(_SEG_END, "end"), log2=need(_SEG_MEAN, "segment mean"),
                   markers=_find(header, _SEG_MARKERS), sample=sample)


def _select_sample(rows: list[tuple[int, dict[str, str]]], layout: _Layout, sample: str | None,
                   path: Path) -> tuple[list[tuple[int, dict[str, str]]], str | None]:
    if layout.sample is None:
        return rows, sample
    names = list(dict.fromkeys(row[layout.sample] for _, row in rows))
    if len(names) <= 1:
        return rows, names[0] if names else sample
    if sample in names:
        return [(n, r) for n, r in rows if r[layout.sample] == sample], sample
    shown = ", ".join(names[:10]) + (f", ... ({len(names)} in all)" if len(names) > 10 else "")
    problem = f"sample '{sample}' is not in the file" if sample else "the file holds several samples"
    raise LenallInputError(f"{problem}; samples: {shown}", file=path, field=layout.sample,
                           hint="name the sample to use (samplesheet sample id or --sample)")


# --- normalizing and checking ------------------------------------------------------------------

def _number(text: str, column: str, path: Path, line: int) -> float | None:
    return parse_number(text, file=path, line=line, field=column)


def _position(text: str, column: str, path: Path, line: int) -> int:
    value = _number(text, column, path, line)
    if value is None or value != int(value) or value < 0:
        raise LenallInputError(f"'{text}' is not a genomic position", file=path, line=line,
                               field=column)
    return int(value)


def _chrom(text: str, path: Path, line: int, column: str) -> str | None:
    """Bare chromosome name, None for a contig to skip; error for an unknown name."""
    name = normalize_chrom(text.strip())
    name = _NUMERIC_SEX.get(name, name)
    if name in CHROMOSOMES:
        return name
    if name == "MT" or _NON_PRIMARY.search(name):
        return None
    raise LenallInputError(f"unknown contig '{text}'", file=path, line=line, field=column,
                           hint="chromosomes must be 1-22, X, Y (with or without 'chr')")


def _normalize(rows: list[tuple[int, dict[str, str]]], layout: _Layout, path: Path,
               fmt: str) -> _Segments:
    out = _Segments()
    for line, row in rows:
        chrom = _chrom(row[layout.chrom], path, line, layout.chrom)
        if chrom is None:
            out.skipped.append((line, f"contig {row[layout.chrom]} is not a chromosome"))
            continue
        start = _position(row[layout.start], layout.start, path, line)
        end = _position(row[layout.end], layout.end, path, line)
        if layout.zero_based:
            start += 1
        markers = _number(row[layout.markers], layout.markers, path, line) \
            if layout.markers else None
        if start > end and markers == 0:  # CNVkit writes empty (0-probe) segments like this
            out.skipped.append((line, "segment without markers and with start after end"))
            continue
        if start > end:
            raise LenallInputError(f"segment start {start} is after its end {end}", file=path,
                                   line=line, field=layout.start)

        def value(column: str | None, row=row, line=line) -> float | None:
            return _number(row[column], column, path, line) if column else None

        total, minor = value(layout.total), value(layout.minor)
        if layout.major is not None:
            major = value(layout.major)
            total = None if major is None or minor is None else major + minor
            minor = None if major is None or minor is None else min(major, minor)
        if layout.allele1 is not None and layout.allele2 is not None:
            a, b = value(layout.allele1), value(layout.allele2)
            minor = None if a is None or b is None else min(a, b)
        if total is not None and minor is not None and minor > total:
            raise LenallInputError(
                f"minor copy number {_tidy(minor)} is above the total copy number {_tidy(total)}",
                file=path, line=line, field=layout.minor or layout.allele1,
                hint="the minor (lesser) allele's copies cannot exceed the segment's total "
                     "copies; check the columns or re-run the caller")
        out.rows.append({
            "line": line, "chrom": chrom, "start": start, "end": end, "log2": value(layout.log2),
            "total_cn": _tidy(total), "minor_cn": _tidy(minor),
            "n_markers": None if markers is None else int(markers),
        })
    return out


def _tidy(value: float | None) -> float | int | None:
    """Whole numbers as int so that they are written as given (3, not 3.0)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _check_order(rows: list[dict], path: Path) -> None:
    finished: set[str] = set()
    previous: dict | None = None
    for row in rows:
        if previous is not None and row["chrom"] != previous["chrom"]:
            finished.add(previous["chrom"])
            if row["chrom"] in finished:
                raise LenallInputError(
                    f"chromosome {row['chrom']} appears again after other chromosomes",
                    file=path, line=row["line"], hint="sort the segments by chromosome and start")
            previous = None
        if previous is not None:
            if row["start"] < previous["start"]:
                raise LenallInputError(
                    f"segment starts at {row['start']}, before the previous one "
                    f"({previous['start']}, line {previous['line']})", file=path,
                    line=row["line"], hint="sort the segments by chromosome and start")
            if row["start"] <= previous["end"]:
                raise LenallInputError(
                    f"segment {row['chrom']}:{row['start']}-{row['end']} overlaps the previous "
                    f"one ending at {previous['end']} (line {previous['line']})", file=path,
                    line=row["line"], hint="segments of one sample must not overlap")
        previous = row


def _check_lengths(rows: list[dict], genome: str, path: Path) -> None:
    from ..genome import chromosomes

    lengths = chromosomes(genome)
    for row in rows:
        chrom = lengths.get(row["chrom"])
        if chrom is not None and row["end"] > chrom.length:
            raise LenallInputError(
                f"segment ends at {row['end']}, past the end of {genome} chromosome "
                f"{row['chrom']} ({chrom.length})", file=path, line=row["line"],
                hint="check that the file and --genome are of the same reference")
