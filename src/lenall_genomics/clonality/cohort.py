"""The cohort: every patient's tumour samples ordered by timepoint, each pair compared."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import LenallInputError
from ..model import Sample
from .frequencies import load_frequencies
from .inputs import has_results, index_results, load_sample
from .pair import PairResult, analyse_pair
from .parameters import default_parameters
from .reads import ReadCounter
from .rules import load_rules

TABLE_SUFFIXES = ("variants.tsv", "segments.tsv", "clonotypes.tsv")  # what has_results looks at


def timepoint_order(samples: Sequence[Sample]) -> list[Sample]:
    """Earliest first: by ISO date when every sample has one, else by samplesheet row."""
    dates = [_iso_date(s.timepoint) for s in samples]
    if all(d is not None for d in dates):
        dated = sorted(zip(dates, samples, strict=True), key=lambda x: (x[0], x[1].row))
        return [s for _, s in dated]
    return sorted(samples, key=lambda s: s.row)


def _iso_date(text: str | None) -> date | None:
    if not text:
        return None
    match = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", text.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def parse_bams(values: Iterable[str]) -> dict[str, Path]:
    bams: dict[str, Path] = {}
    for value in values:
        sample, sep, path = value.partition("=")
        if not sep or not sample or not path:
            raise LenallInputError(f"cannot read --bam '{value}'", field="--bam",
                                   hint="write --bam SAMPLE=PATH (repeat for more samples)")
        bams[sample] = Path(path)
    return bams


@dataclass
class CohortClonality:
    pairs: list[PairResult]
    skipped: dict[str, str]


def run_clonality(samples: Sequence[Sample], results: Path, genome: str, *,
                  params: dict[str, float] | None = None, bams: dict[str, Path] | None = None,
                  reference: Path | None = None, rules_path: Path | None = None,
                  frequencies_path: Path | None = None, cn_tolerance_bp: int | None = None
                  ) -> CohortClonality:
    params = {**default_parameters(), **(params or {})}
    rules = load_rules(rules_path)
    freqs = load_frequencies(frequencies_path)
    tumours = [s for s in samples if s.is_tumour]
    files = index_results(Path(results), [s.sample for s in tumours])
    unknown = sorted(set(bams or {}) - {s.sample for s in tumours})
    if unknown:
        raise LenallInputError(f"--bam names sample '{unknown[0]}', not a tumour sample of the "
                               "samplesheet", field="--bam", hint="write --bam SAMPLE=PATH")
    counters = {name: ReadCounter(path, reference) for name, path in sorted((bams or {}).items())}
    per_patient: dict[str, list[Sample]] = {}
    for s in tumours:
        per_patient.setdefault(s.patient, []).append(s)
    skipped: dict[str, str] = {}
    pairs = []
    for patient in sorted(per_patient):
        if len(per_patient[patient]) < 2:  # nothing to compare: no table is read
            for s in per_patient[patient]:
                if not any((s.sample, suffix) in files for suffix in TABLE_SUFFIXES):
                    skipped[s.sample] = "no variants, segments or clonotypes results found"
            continue
        # one patient at a time, so that memory holds one patient's variant tables
        loaded = {s.sample: load_sample(s, files, genome) for s in per_patient[patient]}
        for name, data in sorted(loaded.items()):
            if not has_results(data):
                skipped[name] = "no variants, segments or clonotypes results found"
        ordered = timepoint_order([s for s in per_patient[patient] if s.sample not in skipped])
        for i, first in enumerate(ordered):
            for second in ordered[i + 1:]:
                pairs.append(analyse_pair(patient, loaded[first.sample], loaded[second.sample],
                                          genome=genome, freqs=freqs, rules=rules,
                                          params=params, counters=counters,
                                          cn_tolerance_bp=cn_tolerance_bp))
        for data in loaded.values():
            if data.variants is not None:
                data.variants = {}  # compared already; the pair keeps its evidence rows
    return CohortClonality(pairs, skipped)
