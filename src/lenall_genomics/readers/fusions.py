"""Fusion caller outputs and DNA structural-variant VCFs -> one normalized table of calls.

Formats (auto-detected from the header; an explicit format overrides):

- ``arriba``: Arriba ``fusions.tsv`` and ``fusions.discarded.tsv`` (header ``#gene1 gene2 ...``;
  v1 and v2 column orders). gene1 is the 5' partner when Arriba could tell the transcript strand.
- ``star-fusion``: STAR-Fusion ``star-fusion.fusion_predictions(.abridged).tsv``, the older
  ``fusion_candidates.final(.abridged)(.FFPM)`` files, and CTAT-LR-Fusion (``num_LR``). Left = 5'.
- ``fusioncatcher``: FusionCatcher ``final-list_candidate-fusion-genes.txt``.
- ``archer``: Archer-style or any other TSV/CSV with recognisable 5'/3' gene columns (or one
  fusion-name column such as ``EML4::ALK`` / ``EML4--ALK``), optional breakpoints and reads.
- ``sv-vcf``: a DNA structural-variant VCF (Manta, GRIDSS, DELLY, LUMPY: BND and DEL/DUP/INV
  records); each breakpoint is mapped to the genes of the genome's gene table. A BND pair
  (record and its mate) is one call.

Columns of the returned table (``CALL_COLUMNS``):

- ``line``: 1-based line of the call in the file (for VCF: the record's line).
- ``caller``: arriba | star-fusion | fusioncatcher | archer | manta | gridss | delly | lumpy | sv.
- ``gene5``/``gene3``: gene names as the caller printed them, with Ensembl suffixes
  (``^ENSG...``) removed; Arriba's intergenic ``A(123),B(456)`` lists are kept as printed.
  For ``sv-vcf`` the genes overlapping each breakpoint (``;``-joined), empty when intergenic.
- ``chrom5``/``pos5``/``chrom3``/``pos3``: breakpoints (chromosome without ``chr``; 1-based).
- ``sv_type``: the caller's event type (Arriba ``type``, STAR-Fusion ``SpliceType``, VCF SVTYPE).
- ``split_reads``/``spanning_reads``: junction (split) reads and spanning/discordant pairs, or
  -1 when the caller does not report them.
- ``confidence``: high | medium | low as the caller says (Arriba ``confidence``; Archer strong/
  weak; VCF FILTER PASS -> high, other -> low); empty when the caller gives none.
- ``filters``: the caller's filter text (Arriba ``filters``, VCF FILTER), empty when none.
- ``frame``: reading frame / predicted effect when reported.
- ``oriented``: True when gene5 is known to be the 5' partner (False for DNA SVs).
- ``discarded``: True for calls from Arriba's ``fusions.discarded.tsv``.

Records that cannot be used (e.g. a BND mate already counted) are listed in
``table.attrs["skipped"]`` as ``(line, reason)``; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LenallInputError
from ..genome import normalize_chrom
from ..model import FUSION_FORMATS

SV_CALLERS = ("manta", "gridss", "delly", "lumpy", "svaba", "sv")
CALL_COLUMNS = (
    "line", "caller", "gene5", "gene3", "chrom5", "pos5", "chrom3", "pos3", "sv_type",
    "split_reads", "spanning_reads", "confidence", "filters", "frame", "oriented", "discarded",
)

_CONFIDENCE_WORDS = {
    "high": "high", "medium": "medium", "low": "low", "strong": "high", "weak": "low",
    "pass": "high", "true": "high", "yes": "high",
}


@dataclass
class _Calls:
    rows: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


# --- public ------------------------------------------------------------------------------------

@dataclass
class FusionCalls:
    """The calls of one fusion/SV file: one dict per call with CALL_COLUMNS, the records skipped
    (line, reason) and the format read."""
    rows: list[dict[str, Any]]
    skipped: list[tuple[int, str]]
    format: str | None


def read_fusion_calls(path: str | Path, fmt: str | None = None,
                      genome: str = "GRCh38") -> FusionCalls:
    """Read one fusion/SV file (without pandas: the fusions step is on the path of an added case)."""
    path = Path(path)
    if not path.is_file():
        raise LenallInputError("fusion file not found", file=path, field="--fusions")
    if fmt is not None and fmt not in FUSION_FORMATS:
        raise LenallInputError(f"unknown fusion format '{fmt}'", file=path, field="--format",
                               hint=f"use one of {', '.join(FUSION_FORMATS)}")
    fmt = fmt or detect_format(path)
    if fmt == "sv-vcf":
        calls = _read_sv_vcf(path, genome)
    elif fmt is None:  # empty file: nothing was called
        calls = _Calls()
    else:
        calls = _read_table(path, fmt)
    return FusionCalls(calls.rows, calls.skipped, fmt)


def read_fusions(path: str | Path, fmt: str | None = None, genome: str = "GRCh38"):
    """Read one fusion/SV file into a pandas DataFrame with CALL_COLUMNS (attrs: skipped, format)."""
    import pandas as pd

    calls = read_fusion_calls(path, fmt, genome)
    table = pd.DataFrame(calls.rows, columns=list(CALL_COLUMNS))
    table.attrs["skipped"] = calls.skipped
    table.attrs["format"] = calls.format
    return table


def detect_format(path: Path) -> str | None:
    """The format named by the file's header; None for an empty file; error when unknown."""
    with _open_text(path) as handle:
        first = handle.readline()
        if first.startswith("##fileformat=VCF"):
            return "sv-vcf"
        header = first
        number = 1
        while header and header.startswith("##"):
            header = handle.readline()
            number += 1
    if not header.strip():
        return None
    names = _header_names(header)
    keys = {_key(n) for n in names}
    if {"gene1", "gene2", "breakpoint1", "breakpoint2"} <= keys:
        return "arriba"
    if {"fusionname", "leftgene", "rightgene", "leftbreakpoint"} <= keys:
        return "star-fusion"
    if any(n.lower().startswith("gene_1_symbol(5end") for n in names):
        return "fusioncatcher"
    if _generic_columns(names) is not None:
        return "archer"
    raise LenallInputError(
        "unknown fusion file shape: header columns " + ", ".join(names[:8]), file=path,
        line=number, hint="give --format (arriba, star-fusion, fusioncatcher, archer, sv-vcf) or "
                          "a TSV with 5' gene and 3' gene columns")


# --- text tables -------------------------------------------------------------------------------

def _open_text(path: Path) -> io.TextIOBase:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _key(name: str) -> str:
    """Column name folded for matching: lower case, no punctuation or spaces."""
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("5'", "5").replace("3'", "3"))


def _header_names(line: str) -> list[str]:
    text = line.rstrip("\r\n").lstrip("#").strip()
    delimiter = "\t" if "\t" in text else ","
    return [n.strip().strip('"') for n in next(csv.reader([text], delimiter=delimiter))]


def _records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data line; header = first line not starting with '##'."""
    with _open_text(path) as handle:
        lines = iter(enumerate(handle, start=1))
        header = None
        for _number, line in lines:
            if not line.startswith("##") and line.strip():
                header = line
                break
        if header is None:
            return
        names = _header_names(header)
        delimiter = "\t" if "\t" in header else ","
        for number, line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            values = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter))
            if len(values) < len(names):
                values += [""] * (len(names) - len(values))
            yield number, dict(zip(names, values, strict=False))


def _read_table(path: Path, fmt: str) -> _Calls:
    parse = {"arriba": _arriba_row, "star-fusion": _star_fusion_row,
             "fusioncatcher": _fusioncatcher_row, "archer": None}[fmt]
    calls = _Calls()
    discarded = "discarded" in path.name.lower()
    columns = None
    if fmt == "archer":
        with _open_text(path) as handle:
            header = next((ln for ln in handle if not ln.startswith("##") and ln.strip()), "")
        columns = _generic_columns(_header_names(header))
        if columns is None:
            raise LenallInputError("no 5'/3' gene or fusion-name column in the header",
                                   file=path, line=1, hint="name the columns e.g. gene5, gene3")
    for number, row in _records(path):
        try:
            call = _generic_row(row, columns) if columns is not None else parse(row)
        except KeyError as missing:
            raise LenallInputError(f"column {missing} missing for format {fmt}", file=path,
                                   line=number, hint="check --format") from None
        except ValueError as bad:
            raise LenallInputError(str(bad), file=path, line=number) from None
        if call is None:
            calls.skipped.append((number, "no gene names"))
            continue
        call.update(line=number, discarded=discarded and fmt == "arriba")
        calls.rows.append(_complete(call))
    return calls


def _complete(call: dict[str, Any]) -> dict[str, Any]:
    base = {c: "" for c in CALL_COLUMNS}
    base.update(split_reads=-1, spanning_reads=-1, pos5=0, pos3=0, oriented=True,
                discarded=False)
    base.update({k: v for k, v in call.items() if v is not None})
    return base


def _int(text: str, name: str) -> int:
    text = (text or "").strip()
    if text in ("", ".", "NA", "-"):
        return -1
    try:
        return int(float(text))
    except ValueError:
        raise ValueError(f"field '{name}' is not a number: '{text}'") from None


def _breakpoint(text: str) -> tuple[str, int]:
    """'chr22:23632600(:+)' -> ('22', 23632600); '' or '.' -> ('', 0)."""
    text = (text or "").strip()
    if text in ("", ".", "NA"):
        return "", 0
    parts = text.split(":")
    if len(parts) < 2 or not parts[1].strip().isdigit():
        raise ValueError(f"breakpoint '{text}' is not chrom:position")
    return normalize_chrom(parts[0].strip()), int(parts[1])


def _strip_ensembl(name: str) -> str:
    return name.split("^")[0].strip()


def _confidence(text: str) -> str:
    return _CONFIDENCE_WORDS.get((text or "").strip().lower(), "")


def _arriba_row(row: dict[str, str]) -> dict[str, Any]:
    chrom5, pos5 = _breakpoint(row["breakpoint1"])
    chrom3, pos3 = _breakpoint(row["breakpoint2"])
    strands = row.get("strand1(gene/fusion)", "") + row.get("strand2(gene/fusion)", "")
    return {
        "caller": "arriba", "gene5": row["gene1"],
        "gene3": row["gene2"], "chrom5": chrom5, "pos5": pos5, "chrom3": chrom3, "pos3": pos3,
        "sv_type": row.get("type", ""),
        "split_reads": max(_int(row.get("split_reads1", ""), "split_reads1"), 0)
        + max(_int(row.get("split_reads2", ""), "split_reads2"), 0),
        "spanning_reads": _int(row.get("discordant_mates", ""), "discordant_mates"),
        "confidence": _confidence(row.get("confidence", "")),
        "filters": _clean(row.get("filters", "")), "frame": _clean(row.get("reading_frame", "")),
        # the fusion strand after '/' is '.' when Arriba could not tell which partner is 5'
        "oriented": "." not in strands.replace("/", "")[1::2] if strands else True,
    }


def _star_fusion_row(row: dict[str, str]) -> dict[str, Any]:
    chrom5, pos5 = _breakpoint(row["LeftBreakpoint"])
    chrom3, pos3 = _breakpoint(row["RightBreakpoint"])
    if "num_LR" in row:  # CTAT-LR-Fusion (long reads)
        split, spanning = _int(row["num_LR"], "num_LR"), -1
    else:
        split = _int(row["JunctionReadCount"], "JunctionReadCount")
        spanning = _int(row["SpanningFragCount"], "SpanningFragCount")
    extra = [f"{k}={row[k]}" for k in ("FFPM", "LargeAnchorSupport") if row.get(k)]
    return {
        "caller": "star-fusion", "gene5": _strip_ensembl(row["LeftGene"]),
        "gene3": _strip_ensembl(row["RightGene"]), "chrom5": chrom5, "pos5": pos5,
        "chrom3": chrom3, "pos3": pos3, "sv_type": row.get("SpliceType", ""),
        "split_reads": split, "spanning_reads": spanning, "filters": ",".join(extra),
        "frame": _clean(row.get("PROT_FUSION_TYPE", "")),
    }


def _fusioncatcher_row(row: dict[str, str]) -> dict[str, Any]:
    def column(prefix: str) -> str:
        for name, value in row.items():
            if name.lower().startswith(prefix):
                return value
        raise KeyError(prefix)

    chrom5, pos5 = _breakpoint(column("fusion_point_for_gene_1"))
    chrom3, pos3 = _breakpoint(column("fusion_point_for_gene_2"))
    return {
        "caller": "fusioncatcher", "gene5": column("gene_1_symbol").strip(),
        "gene3": column("gene_2_symbol").strip(), "chrom5": chrom5, "pos5": pos5,
        "chrom3": chrom3, "pos3": pos3, "sv_type": _clean(row.get("Fusion_description", "")),
        "split_reads": _int(row.get("Spanning_unique_reads", ""), "Spanning_unique_reads"),
        "spanning_reads": _int(row.get("Spanning_pairs", ""), "Spanning_pairs"),
        "frame": _clean(row.get("Predicted_effect", "")),
    }


def _clean(text: str) -> str:
    text = (text or "").strip()
    return "" if text == "." else text


# --- generic / Archer-style --------------------------------------------------------------------

_GENERIC = {
    "gene5": ("gene5", "5gene", "5primegene", "fiveprimegene", "genea", "gene1", "5partner",
              "5primepartner", "5pgene", "leftgene", "upstreamgene", "5genename", "genename1", "geneaname",
              "genesymbol1", "gene1symbol"),
    "gene3": ("gene3", "3gene", "3primegene", "threeprimegene", "geneb", "gene2", "3partner",
              "3primepartner", "3pgene", "rightgene", "downstreamgene", "3genename",
              "genename2", "genebname", "genesymbol2", "gene2symbol"),
    "name": ("fusion", "fusionname", "fusiongene", "fusiongenes", "fusedgenes", "fusions",
             "name"),
    "chrom5": ("chrom5", "5chrom", "chr1", "chrom1", "chromosome1", "chra", "chroma"),
    "chrom3": ("chrom3", "3chrom", "chr2", "chrom2", "chromosome2", "chrb", "chromb"),
    "bp5": ("breakpoint5", "5breakpoint", "breakpointa", "breakpoint1", "5primebreakpoint",
            "leftbreakpoint", "genomicbreakpoint5", "5junction", "5position", "base1", "pos1",
            "position1"),
    "bp3": ("breakpoint3", "3breakpoint", "breakpointb", "breakpoint2", "3primebreakpoint",
            "rightbreakpoint", "genomicbreakpoint3", "3junction", "3position", "base2", "pos2",
            "position2"),
    "split": ("splitreads", "junctionreads", "junctionreadcount", "supportingreads", "reads",
              "readcount", "totalreads", "fusionreads", "numreads", "uniquereads",
              "crossingreads", "splitcount"),
    "spanning": ("spanningreads", "spanningpairs", "spanningfragcount", "discordantreads",
                 "discordantmates", "spanningfrags", "paircount"),
    "confidence": ("confidence", "strength", "call", "callconfidence", "evidence"),
    "type": ("type", "fusiontype", "svtype"),
}


def _generic_columns(names: list[str]) -> dict[str, str] | None:
    by_key = {}
    for name in names:
        by_key.setdefault(_key(name), name)
    found = {}
    for role, aliases in _GENERIC.items():
        hit = next((by_key[a] for a in aliases if a in by_key), None)
        if hit is not None:
            found[role] = hit
    if ("gene5" in found and "gene3" in found) or "name" in found:
        return found
    return None


_NAME_SPLIT = re.compile(r"::|--|/|>|:|\s+-\s+")


def _generic_row(row: dict[str, str], columns: dict[str, str]) -> dict[str, Any] | None:
    if "gene5" in columns and "gene3" in columns:
        gene5, gene3 = row[columns["gene5"]].strip(), row[columns["gene3"]].strip()
    else:
        name = row[columns["name"]].strip()
        if name in ("", ".", "NA"):
            return None
        parts = _NAME_SPLIT.split(name)
        if len(parts) != 2 and name.count("-") == 1:
            parts = name.split("-")
        if len(parts) != 2:
            raise ValueError(f"fusion name '{name}' is not 5'::3' (or 5'--3')")
        gene5, gene3 = parts[0].strip(), parts[1].strip()
    if not gene5 or not gene3:
        return None
    chrom5, pos5 = _generic_breakpoint(row, columns, "5")
    chrom3, pos3 = _generic_breakpoint(row, columns, "3")
    return {
        "caller": "archer", "gene5": _strip_ensembl(gene5), "gene3": _strip_ensembl(gene3),
        "chrom5": chrom5, "pos5": pos5, "chrom3": chrom3, "pos3": pos3,
        "sv_type": row.get(columns.get("type", ""), ""),
        "split_reads": _int(row.get(columns.get("split", ""), ""), columns.get("split", "reads")),
        "spanning_reads": _int(row.get(columns.get("spanning", ""), ""), "spanning"),
        "confidence": _confidence(row.get(columns.get("confidence", ""), "")),
    }


def _generic_breakpoint(row: dict[str, str], columns: dict[str, str], end: str) -> tuple[str, int]:
    """'chr:pos' in one column, or a position column beside a chromosome column."""
    text = row.get(columns.get(f"bp{end}", ""), "").strip()
    chrom = row.get(columns.get(f"chrom{end}", ""), "").strip()
    if text.isdigit() and chrom:
        return normalize_chrom(chrom), int(text)
    return _breakpoint(text)


# --- DNA structural-variant VCF ----------------------------------------------------------------

_BND_ALT = re.compile(r"[\[\]]([^\[\]:]+):(\d+)[\[\]]")


def _read_sv_vcf(path: Path, genome: str) -> _Calls:
    from cyvcf2 import VCF

    from ..genome import check_contig_lengths, genes_overlapping

    try:
        vcf = VCF(str(path))
    except (OSError, Exception) as error:  # cyvcf2 raises plain Exception on a bad header
        raise LenallInputError(f"cannot read the VCF: {error}", file=path) from None
    try:
        lengths = dict(zip(vcf.seqnames, vcf.seqlens, strict=False))
    except Exception:  # no ##contig lines
        lengths = {}
    check_contig_lengths(lengths, genome, file=str(path))
    caller = _sv_caller(vcf.raw_header)
    header_lines = vcf.raw_header.count("\n")
    calls = _Calls()
    seen: set[tuple[str, int, str, int]] = set()
    for index, record in enumerate(vcf):
        line = header_lines + index + 1
        svtype = str(record.INFO.get("SVTYPE") or "")
        alt = record.ALT[0] if record.ALT else ""
        if svtype == "INS" or alt == "<INS>":
            calls.skipped.append((line, "insertion: no second breakpoint"))
            continue
        chrom, pos = normalize_chrom(record.CHROM), record.POS
        mate = _BND_ALT.search(alt)
        if mate:
            chrom2, pos2 = normalize_chrom(mate.group(1)), int(mate.group(2))
            svtype = svtype or "BND"
        elif record.INFO.get("CHR2") and svtype in ("BND", "TRA"):
            chrom2, pos2 = normalize_chrom(str(record.INFO["CHR2"])), int(record.INFO.get("END"))
        elif svtype in ("DEL", "DUP", "INV", "DUP:TANDEM", "CNV") or alt.startswith("<"):
            end = record.INFO.get("END")
            if end is None:
                calls.skipped.append((line, f"{svtype or alt} record without END"))
                continue
            chrom2, pos2 = chrom, int(end)
        else:
            calls.skipped.append((line, f"not a structural variant (ALT {alt[:20]})"))
            continue
        key = (chrom, pos, chrom2, pos2)
        if (chrom2, pos2, chrom, pos) in seen:
            calls.skipped.append((line, "BND mate of a call already read"))
            continue
        seen.add(key)
        split, spanning = _sv_support(record)
        filters = record.FILTER or "PASS"
        calls.rows.append(_complete({
            "line": line, "caller": caller,
            "gene5": ";".join(g.name for g in genes_overlapping(genome, chrom, pos, pos)),
            "gene3": ";".join(g.name for g in genes_overlapping(genome, chrom2, pos2, pos2)),
            "chrom5": chrom, "pos5": pos, "chrom3": chrom2, "pos3": pos2, "sv_type": svtype,
            "split_reads": split, "spanning_reads": spanning,
            "confidence": "high" if filters == "PASS" else "low", "filters": filters,
            "oriented": False,
        }))
    vcf.close()
    return calls


def _sv_caller(header: str) -> str:
    lower = header.lower()
    for name in ("manta", "gridss", "delly", "lumpy", "svaba"):
        if name in lower:
            return name
    return "sv"


def _sv_support(record) -> tuple[int, int]:
    """(split reads, spanning pairs) of the best-supported sample; -1 when not reported."""
    def alt_counts(tag: str) -> int:
        try:
            values = record.format(tag)
        except KeyError:
            return -1
        if values is None:
            return -1
        best = -1
        for sample in values:
            counts = [int(v) for v in sample if v is not None and int(v) >= 0]
            if counts:
                # Manta PR/SR are ref,alt pairs; DELLY DV/RV and GRIDSS VF are single values
                best = max(best, counts[-1])
        return best

    split = alt_counts("SR")
    spanning = alt_counts("PR")
    if split < 0 and spanning < 0:
        split, spanning = alt_counts("RV"), alt_counts("DV")
    if split < 0 and spanning < 0:
        split = alt_counts("VF")
    if split < 0 and spanning < 0 and record.INFO.get("SU") is not None:
        split = int(record.INFO.get("SU"))
    return split, spanning
