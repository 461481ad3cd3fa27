"""The per-sample results a comparison reads: variants.tsv (+ its QC JSON for the genome build),
segments.tsv, cn_events.tsv and clonotypes.tsv, found under a results folder."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import LenallInputError
from ..genome import normalize_chrom
from ..model import SEGMENT_COLUMNS, VARIANT_COLUMNS, Sample
from ..readers.cells import parse_number
from ..results import index_results as all_results
from .sites import Key

RESULT_SUFFIXES = ("variants.tsv", "variants.qc.json", "segments.tsv", "cn_events.tsv",
                   "clonotypes.tsv")


@dataclass
class SampleData:
    sample: Sample
    variants: dict[Key, dict] | None = None
    variants_file: Path | None = None
    genome: str | None = None
    segments: list[dict] | None = None
    cn_labels: set[str] | None = None
    clonotypes: list[dict] | None = None
    covered: list[tuple[str, int, int]] | None = None  # panel gene extents; None = unknown
    panel_genes: frozenset[str] | None = None

    @property
    def name(self) -> str:
        return self.sample.sample


def index_results(results: Path, samples: Iterable[str]) -> dict[tuple[str, str], Path]:
    """(sample, suffix) -> file, searching `results` recursively; a name found twice is an error."""
    index = all_results(results)
    found: dict[tuple[str, str], Path] = {}
    for sample in samples:
        for suffix in RESULT_SUFFIXES:
            name = f"{sample}.{suffix}"
            if name in index.duplicates:
                first, second = index.duplicates[name][:2]
                raise LenallInputError(
                    f"two files named {name}", file=second, field="--results",
                    hint=f"also at {first}; keep one result folder per sample")
            if name in index.by_name:
                found[(sample, suffix)] = index.by_name[name]
    return found


def _number(text: str | None, path: Path, line: int, column: str) -> float | None:
    return parse_number(text, file=path, line=line, field=column,
                        hint="variants.tsv must be written by `lenall variants`")


def read_variants_tsv(path: Path, genome: str) -> dict[Key, dict]:
    from ..genome import chromosomes

    lengths = {name: c.length for name, c in chromosomes(genome).items()}
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#")]
    if not lines:
        raise LenallInputError("empty variants table", file=path, hint="re-run `lenall variants`")
    header_line, header = lines[0][0], lines[0][1].rstrip("\r\n").split("\t")
    missing = [c for c in ("chrom", "pos", "ref", "alt", "status", "t_depth", "t_alt_count")
               if c not in header]
    if missing:
        raise LenallInputError(f"missing column {missing[0]}", file=path, line=header_line,
                               field=missing[0], hint="expected the columns of "
                                                      f"{', '.join(VARIANT_COLUMNS[:4])}, ...")
    rows: dict[Key, dict] = {}
    for number, line in lines[1:]:
        values = line.rstrip("\r\n").split("\t")
        if not any(values):
            continue
        row = dict(zip(header, values, strict=False))
        chrom = normalize_chrom(row["chrom"])
        try:
            pos = int(row["pos"])
        except ValueError:
            raise LenallInputError(f"position '{row['pos']}' is not a whole number", file=path,
                                   line=number, field="pos", hint="re-run `lenall variants`"
                                   ) from None
        if chrom in lengths and not 1 <= pos <= lengths[chrom]:
            raise LenallInputError(
                f"position {chrom}:{pos} lies beyond {genome} chromosome {chrom} "
                f"({lengths[chrom]} bp)", file=path, line=number, field="pos",
                hint="the samples were processed with another genome build; re-run with the "
                     "same --genome for every sample")
        depth = _number(row.get("t_depth"), path, number, "t_depth")
        alt = _number(row.get("t_alt_count"), path, number, "t_alt_count")
        vaf = _number(row.get("t_vaf"), path, number, "t_vaf")
        if vaf is None and depth:
            vaf = (alt or 0.0) / depth
        key = (chrom, pos, row["ref"].upper(), row["alt"].upper())
        rows[key] = {
            "status": row["status"], "gene": _text(row.get("gene")),
            "hgvsp": _text(row.get("hgvsp")), "hotspot": _text(row.get("hotspot")),
            "depth": depth, "alt": alt, "vaf": vaf,
            "population_af": _number(row.get("population_af"), path, number, "population_af"),
        }
    return rows


def _text(value: str | None) -> str | None:
    return None if value in (None, "", ".") else value


def read_segments_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    missing = [c for c in SEGMENT_COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise LenallInputError(f"missing column {missing[0]}", file=path, line=1,
                               field=missing[0], hint="re-run `lenall copynumber`")
    segments = []
    for number, row in enumerate(reader, start=2):
        segments.append({
            "chrom": normalize_chrom(row["chrom"]),
            "start": int(float(row["start"])), "end": int(float(row["end"])),
            "log2": _number(row.get("log2"), path, number, "log2"),
            "total_cn": _number(row.get("total_cn"), path, number, "total_cn"),
            "minor_cn": _number(row.get("minor_cn"), path, number, "minor_cn"),
            "n_markers": _number(row.get("n_markers"), path, number, "n_markers"),
        })
    return segments


def read_cn_labels(path: Path) -> set[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    return {row["label"] for row in reader if row.get("label") not in (None, "", ".")}


def _genome_of(qc_path: Path) -> str | None:
    try:
        data = json.loads(qc_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise LenallInputError("cannot read the QC JSON", file=qc_path,
                               hint="re-run `lenall variants`") from None
    value = data.get("genome") if isinstance(data, dict) else None
    return str(value) if value else None


def _panel_coverage(sample: Sample, genome: str
                    ) -> tuple[frozenset[str] | None, list[tuple[str, int, int]] | None]:
    if not sample.dna_panel:
        return None, None
    try:
        from ..genome import genes
        from ..readers.panels import panel_genes
        names = panel_genes(sample.dna_panel, "dna")
        extents = genes(genome)
    except (ImportError, FileNotFoundError, LenallInputError):
        return None, None
    intervals = sorted((g.chrom, g.start, g.end) for n, g in extents.items() if n in names)
    return frozenset(names), intervals


def load_sample(sample: Sample, files: dict[tuple[str, str], Path], genome: str) -> SampleData:
    from ..readers.clonotypes import load_clonotypes_tsv

    data = SampleData(sample)
    name = sample.sample
    qc = files.get((name, "variants.qc.json"))
    if qc is not None:
        data.genome = _genome_of(qc)
        if data.genome and data.genome != genome:
            raise LenallInputError(
                f"sample {name} was processed with {data.genome}, this run uses {genome}",
                file=qc, field="genome",
                hint="all samples of a comparison must be of one genome build; re-run "
                     "`lenall variants` with the same --genome")
    if (name, "variants.tsv") in files:
        data.variants_file = files[(name, "variants.tsv")]
        data.variants = read_variants_tsv(data.variants_file, genome)
    if (name, "segments.tsv") in files:
        data.segments = read_segments_tsv(files[(name, "segments.tsv")])
    if (name, "cn_events.tsv") in files:
        data.cn_labels = read_cn_labels(files[(name, "cn_events.tsv")])
    if (name, "clonotypes.tsv") in files:
        data.clonotypes = load_clonotypes_tsv(files[(name, "clonotypes.tsv")])
    data.panel_genes, data.covered = _panel_coverage(sample, genome)
    return data


def has_results(data: SampleData) -> bool:
    return any(x is not None for x in (data.variants, data.segments, data.clonotypes))
