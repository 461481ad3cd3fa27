"""Per-sample outputs -> cohort tables: alterations, evaluability, frequencies (n/N) and ploidy.

A patient is one oncoprint column. It stands for the patient's B-ALL/BALLLP samples at the
earliest B-ALL/BALLLP timepoint (their union when there are several); later B-ALL samples
(relapses) and myeloma samples are left to the clonality step. A patient without a B-ALL/BALLLP
sample is not a column.

What makes a patient altered, and evaluable, in a row is data: `assets/figure1/rows.tsv` (or a
user file of the same form), and which variant classes / event types count is
`assets/display_classes.tsv`. Every altered cell is evaluable: an alteration found where the
row's rows-file basis does not reach makes the cell evaluable through the evidence that found it
(basis `detected:<source>`), listed in cohort.qc.json (`evaluable_through_detection`) and reported
as a warning.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import cytogenetics
from .assets import asset
from .cytogenetics import CytogeneticEvidence
from .errors import LenallInputError
from .model import (
    ALL_DIAGNOSES,
    ALTERATION_COLUMNS,
    DISPLAY_CLASSES,
    EVALUABILITY_COLUMNS,
    FREQUENCY_COLUMNS,
    Sample,
)
from .results import TableRows, index_results, read_table

ROW_KINDS = ("gene_mutation", "gene_mutation_or_loss", "cn_loss", "fusion", "rearrangement",
             "karyotype")
ROW_COLUMNS = ("row", "display", "kind", "genes", "match", "evaluable_by")
# How a row can be evaluable for a sample; each may name its own genes, `basis(GENE,GENE)`, else
# the row's genes count. New kinds of per-sample evidence are added here and in `_basis_holds`;
# `karyotype` and `clinical` are per patient (cytogenetics.py: a parsed samplesheet karyotype, a
# findings-table result for the row's target).
EVALUABILITY_BASES = ("dna_panel", "rna_panel", "segments", "dna_panel_segments",
                      "dna_fusion_panel", "sv_calls", "karyotype", "clinical", "any")
PATIENT_BASES = ("karyotype", "clinical")
CYTOGENETIC_ROW_KINDS = ("fusion", "rearrangement", "karyotype")  # reconciled across evidence
_ALL_BUT_ANY = tuple(b for b in EVALUABILITY_BASES if b != "any")
SV_FUSION_FORMATS = ("sv-vcf",)  # fusion inputs that are DNA structural-variant calls
DETECTED = "detected"  # basis prefix of a cell made evaluable by the evidence that altered it
RESULT_SUFFIXES = ("variants.tsv", "fusions.tsv", "cn_events.tsv", "ploidy.json")
COHORT_FILES = ("alterations.tsv", "evaluability.tsv", "frequencies.tsv", "ploidy.tsv",
                "evidence_discordance.tsv", "cytogenetic_events.tsv", "subtypes.tsv",
                "cohort.qc.json")
FALLBACK_PLOIDY_COLUMNS = (
    "patient", "sample", "diagnosis", "timepoint", "in_cohort", "class", "modal_number",
    "pre_doubling_count", "low_hypodiploid", "masked",
)
LOSS_CLASSES = ("cn_loss",)


# --- row definitions -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RowDef:
    """One oncoprint row: what counts as altered and what makes it evaluable."""

    row: str
    display: str
    kind: str
    genes: tuple[str, ...]
    match: tuple[str, ...]
    evaluable_by: tuple[str, ...]


def default_rows_path() -> Path:
    return asset("figure1", "rows.tsv")


def _data_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the non-comment, non-blank lines of a TSV asset."""
    try:
        with open(path, encoding="utf-8") as handle:
            return [(n, line.rstrip("\r\n")) for n, line in enumerate(handle, 1)
                    if line.strip() and not line.startswith("#")]
    except OSError as error:
        raise LenallInputError(f"cannot read: {error.strerror}", file=path) from error


def _split_list(text: str) -> tuple[str, ...]:
    if text.strip() in ("", "."):
        return ()
    return tuple(part.strip() for part in re.split(r"[,;]", text) if part.strip())


def load_rows(path: str | Path | None = None) -> tuple[RowDef, ...]:
    """Read a rows file (TSV, `#` comments; columns ROW_COLUMNS) in its given order."""
    path = Path(path) if path else default_rows_path()
    lines = _data_lines(path)
    if not lines:
        raise LenallInputError("rows file has no header and no rows", file=path,
                               hint=f"columns: {', '.join(ROW_COLUMNS)}")
    header_line, header_text = lines[0]
    header = header_text.split("\t")
    missing = [c for c in ("row", "kind", "genes") if c not in header]
    if missing:
        raise LenallInputError(f"rows file lacks column(s) {', '.join(missing)}", file=path,
                               line=header_line, hint=f"columns: {', '.join(ROW_COLUMNS)}")
    rows: list[RowDef] = []
    seen: set[str] = set()
    for number, text in lines[1:]:
        values = dict(zip(header, text.split("\t"), strict=False))
        rows.append(_row_from_record(values, path, number))
        if rows[-1].row in seen:
            raise LenallInputError(f"row '{rows[-1].row}' is defined twice", file=path,
                                   line=number, field="row")
        seen.add(rows[-1].row)
    if not rows:
        raise LenallInputError("rows file defines no rows", file=path)
    return tuple(rows)


def _row_from_record(values: Mapping[str, str], path: Path, number: int) -> RowDef:
    row_id = (values.get("row") or "").strip()
    if not row_id:
        raise LenallInputError("empty row id", file=path, line=number, field="row")
    kind = (values.get("kind") or "").strip()
    if kind not in ROW_KINDS:
        raise LenallInputError(f"unknown row kind '{kind}'", file=path, line=number,
                               field="kind", hint=f"use one of {', '.join(ROW_KINDS)}")
    genes = _split_list(values.get("genes", ""))
    match = _split_list(values.get("match", ""))
    default_basis = "segments" if kind == "karyotype" else (
        "rna_panel" if kind == "fusion" else "dna_panel")
    bases = tuple(b.strip() for b in (values.get("evaluable_by") or default_basis).split("|")
                  if b.strip() and b.strip() != ".") or (default_basis,)
    for basis in bases:
        try:
            name, _genes = parse_basis(basis)
        except ValueError as error:
            raise LenallInputError(str(error), file=path, line=number, field="evaluable_by",
                                   hint="write basis or basis(GENE,GENE), e.g. "
                                        "dna_panel_segments(CRLF2,P2RY8)") from error
        if name not in EVALUABILITY_BASES:
            raise LenallInputError(f"unknown evaluability basis '{name}'", file=path,
                                   line=number, field="evaluable_by",
                                   hint=f"use one or more of {', '.join(EVALUABILITY_BASES)}, "
                                        "separated by |")
    if kind == "karyotype" and not match:
        raise LenallInputError("a karyotype row needs the ploidy.json key in 'match'",
                               file=path, line=number, field="match",
                               hint="e.g. low_hypodiploid")
    if kind != "karyotype" and not genes:
        raise LenallInputError(f"a {kind} row needs at least one gene", file=path, line=number,
                               field="genes")
    if kind == "fusion":
        match = match or tuple(f"*::{g}" for g in genes)
        for pattern in match:
            if pattern.count("::") != 1:
                raise LenallInputError(f"fusion pattern '{pattern}' is not 5'::3'", file=path,
                                       line=number, field="match",
                                       hint="e.g. BCR::ABL1 or *::CRLF2")
    display = (values.get("display") or "").strip()
    return RowDef(row_id, display if display not in ("", ".") else row_id, kind, genes, match,
                  bases)


_BASIS = re.compile(r"^([a-z_]+)(?:\(([^()]*)\))?$")


@lru_cache(maxsize=1024)
def parse_basis(text: str) -> tuple[str, tuple[str, ...]]:
    """`rna_panel(CRLF2,P2RY8)` -> ("rna_panel", ("CRLF2", "P2RY8")); `segments` -> ("segments", ())."""
    found = _BASIS.match(text.strip())
    if not found:
        raise ValueError(f"evaluability basis '{text}' is not name or name(GENE,GENE)")
    return found.group(1), _split_list(found.group(2) or "")


def check_row_genes(rows: Sequence[RowDef], known: Iterable[str], *, file: str | Path) -> None:
    """Fail with the unknown gene names (and close matches) when a rows file names genes that
    neither the genome's gene table, the panels nor the data know."""
    known_set = {g.upper() for g in known}
    wanted = {g for r in rows for g in r.genes}
    wanted |= {g for r in rows for b in r.evaluable_by for g in parse_basis(b)[1]}
    wanted |= {side for r in rows if r.kind == "fusion" for p in r.match
               for side in p.split("::") if side != "*"}
    unknown = sorted(g for g in wanted if g.upper() not in known_set)
    if unknown:
        close = {g: sorted(difflib.get_close_matches(g.upper(), known_set, n=3, cutoff=0.7))
                 for g in unknown}
        hint = "; ".join(f"{g}: did you mean {' or '.join(c)}?" for g, c in close.items() if c)
        raise LenallInputError(
            f"rows file names unknown gene(s): {', '.join(unknown)}", file=file, field="genes",
            hint=hint or "use HGNC symbols that appear in the gene table, the panels or the data")


# --- display classes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DisplayClasses:
    variant: Mapping[str, str]  # MAF Variant_Classification -> display class
    event: Mapping[str, str]  # event_type -> display class

    def for_variant(self, classification: str) -> str | None:
        return self.variant.get(classification)

    def for_event(self, event_type: str) -> str:
        return self.event.get(event_type.strip().lower(), "other")


def load_display_classes(path: str | Path | None = None) -> DisplayClasses:
    path = Path(path) if path else asset("display_classes.tsv")
    lines = _data_lines(path)
    header = lines[0][1].split("\t") if lines else []
    if header[:3] != ["source", "value", "display_class"]:
        raise LenallInputError("display classes file needs columns source, value, "
                               "display_class", file=path, line=lines[0][0] if lines else None)
    variant: dict[str, str] = {}
    event: dict[str, str] = {}
    for number, text in lines[1:]:
        source, value, display, *_ = (text.split("\t") + ["", "", ""])[:3]
        if display not in DISPLAY_CLASSES:
            raise LenallInputError(f"unknown display class '{display}'", file=path, line=number,
                                   field="display_class",
                                   hint=f"use one of {', '.join(DISPLAY_CLASSES)}")
        if source == "variant":
            variant[value] = display
        elif source == "event":
            event[value.lower()] = display
        else:
            raise LenallInputError(f"unknown source '{source}'", file=path, line=number,
                                   field="source", hint="use variant or event")
    return DisplayClasses(variant, event)


# --- which samples make a patient's column -----------------------------------------------------

_RELAPSE = re.compile(r"relapse|recurr|progress|^rel\b|^r\d*$", re.IGNORECASE)
_DIAGNOSTIC = re.compile(r"diag|^dx|initial|baseline|primary|presentation|^d\d*$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def _timepoint_key(timepoint: str | None) -> tuple:
    """Order timepoints: ISO dates by date; labels diagnostic < other < relapse, then natural."""
    text = (timepoint or "").strip()
    found = _ISO_DATE.match(text)
    if found:
        year, month, day = (int(g) if g else 1 for g in found.groups())
        return (0, date(year, month, day).toordinal(), ())
    rank = 0 if _DIAGNOSTIC.search(text) else (2 if _RELAPSE.search(text) else 1)
    return (1, rank, natural_key(text))


def natural_key(text: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)


@dataclass(frozen=True)
class PatientColumn:
    patient: str
    samples: tuple[Sample, ...]  # the B-ALL/BALLLP samples at the earliest timepoint
    excluded: tuple[tuple[str, str], ...] = ()  # (sample, why)


def select_columns(samples: Sequence[Sample]) -> tuple[PatientColumn, ...]:
    """One column per patient with a B-ALL/BALLLP sample, in natural patient order."""
    by_patient: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        if sample.diagnosis in ALL_DIAGNOSES:
            by_patient[sample.patient].append(sample)
    columns = []
    for patient in sorted(by_patient, key=natural_key):
        candidates = by_patient[patient]
        dated = [s for s in candidates if _timepoint_key(s.timepoint)[0] == 0]
        if dated and len(dated) < len(candidates):
            undated = [s for s in candidates if s not in dated]
            # Only dates can be compared with dates; an undated sample is diagnostic only when
            # its label says so.
            candidates = dated + [s for s in undated if _DIAGNOSTIC.search(s.timepoint or "")]
        first = min(_timepoint_key(s.timepoint) for s in candidates)
        chosen = tuple(sorted((s for s in candidates if _timepoint_key(s.timepoint) == first),
                              key=lambda s: natural_key(s.sample)))
        excluded = tuple(sorted(
            (s.sample, f"later B-ALL/BALLLP timepoint '{s.timepoint}' (clonality only)")
            for s in by_patient[patient] if s not in chosen))
        columns.append(PatientColumn(patient, chosen, excluded))
    return tuple(columns)


# --- per-sample result files -------------------------------------------------------------------

def find_results(results: str | Path, suffixes: Sequence[str] = RESULT_SUFFIXES,
                 ) -> tuple[dict[tuple[str, str], Path], list[str]]:
    """Map (sample, suffix) -> file, searching `results` recursively; duplicates are warnings."""
    index = index_results(results)
    warnings = [] if Path(results).is_dir() else [
        f"{results}: results folder not found; no per-sample results used"]
    found: dict[tuple[str, str], Path] = {}
    dotted = tuple("." + suffix for suffix in suffixes)
    for name, path in sorted(index.by_name.items()):
        if not name.endswith(dotted):
            continue
        for suffix in suffixes:
            if name.endswith("." + suffix):
                found[(name[: -len(suffix) - 1], suffix)] = path
                if name in index.duplicates:
                    warnings.append(f"{', '.join(map(str, index.duplicates[name][1:]))}: "
                                    f"duplicate {suffix} for sample {name[: -len(suffix) - 1]}; "
                                    f"using {path}")
    return found, warnings


def read_tsv(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    """Rows of a per-sample contract TSV, read as `writers.write_tsv` writes it."""
    return read_table(path, required).rows


def read_json(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as error:
        raise LenallInputError(f"not valid JSON: {error.msg}", file=path,
                               line=error.lineno) from error
    if not isinstance(data, dict):
        raise LenallInputError("expected a JSON object", file=path)
    return data


# --- matching evidence to rows -----------------------------------------------------------------

def expand_genes(text: str) -> tuple[str, ...]:
    """'CDKN2A/B' -> (CDKN2A, CDKN2B); 'IKZF1,IKZF3' -> both; one name passes through."""
    genes: list[str] = []
    for token in (t.strip() for t in re.split(r"[/,;]", text or "") if t.strip()):
        if genes and len(token) < len(genes[-1]) and len(token) <= 2:
            token = genes[-1][: -len(token)] + token
        genes.append(token)
    return tuple(genes)


def fusion_partners(event: Mapping[str, str]) -> tuple[str, str]:
    """(5' gene, 3' gene) of a fusion event: from a `A::B` label, else gene and partner."""
    label = (event.get("label") or "").split(" (")[0].strip()
    if "::" in label:
        five, three = label.split("::", 1)
        return five.strip(), three.strip().split(" ")[0]
    return (event.get("gene") or "").strip(), (event.get("partner") or "").strip()


def fusion_matches(pattern: str, five: str, three: str) -> bool:
    want_five, want_three = pattern.split("::")
    return want_five in ("*", five) and want_three in ("*", three)


@dataclass
class Alteration:
    patient: str
    sample: str
    row: str
    gene: str
    alteration: str
    display_class: str
    source: str
    detail: str

    def key(self) -> tuple:
        return (self.patient, self.row, self.gene, self.alteration, self.display_class)


def variant_alterations(rows: Sequence[RowDef], records: Iterable[Mapping[str, str]],
                        classes: DisplayClasses, patient: str, sample: str,
                        counts: dict[str, int]) -> list[Alteration]:
    mutation_rows = [r for r in rows if r.kind in ("gene_mutation", "gene_mutation_or_loss")]
    found = []
    for record in records:
        counts["variants_read"] += 1
        skipped = _variant_skip(record.get("status") or "",
                                record.get("variant_classification") or "", classes)
        if skipped:
            counts[skipped] += 1
            continue
        display = classes.for_variant(record.get("variant_classification") or "")
        gene = record.get("gene") or ""
        for row in mutation_rows:
            if gene in row.genes:
                hgvsp = record.get("hgvsp") or ""
                name = hgvsp if hgvsp not in ("", ".") else (record.get("hgvsc") or "")
                detail = ";".join(p for p in (
                    record.get("variant_classification"), f"vaf={record.get('t_vaf', '.')}",
                    f"flags={record.get('flags')}" if record.get("flags") not in (None, "", ".")
                    else "") if p)
                found.append(Alteration(patient, sample, row.row, gene,
                                        name or f"{record.get('chrom')}:{record.get('pos')}",
                                        display, "dna", detail))
                counts["variants_counted"] += 1
    return found


def _variant_skip(status: str, classification: str, classes: DisplayClasses) -> str | None:
    """The count a variant that can alter no row goes to (not somatic, or a class the figure does
    not count); None for a variant that counts."""
    if status != "somatic":
        return "variants_not_somatic"
    if classes.for_variant(classification) is None:
        return "variants_class_not_counted"
    return None


def event_alterations(rows: Sequence[RowDef], records: Iterable[Mapping[str, str]],
                      classes: DisplayClasses, patient: str, sample: str,
                      counts: dict[str, int]) -> list[Alteration]:
    found = []
    for record in records:
        counts["events_read"] += 1
        display = classes.for_event(record.get("event_type") or "")
        if display == "other":
            counts["events_type_unmapped"] += 1
        genes = set(expand_genes(record.get("gene") or ""))
        genes |= set(expand_genes(record.get("partner") or ""))
        five, three = fusion_partners(record)
        label = record.get("label") or ""
        if label in ("", ".", "other"):  # a fusion outside the curated list: name it
            label = f"{five}::{three}" if five and three else (record.get("event_type") or "")
        detail = ";".join(p for p in (record.get("event_type"), record.get("evidence"),
                                      record.get("confidence")) if p not in (None, "", "."))
        source = record.get("source") or "."
        matched = False
        for row in rows:
            hit_gene = None
            if row.kind in ("gene_mutation_or_loss", "cn_loss") and display in LOSS_CLASSES:
                hit_gene = next((g for g in row.genes if g in genes), None)
            elif row.kind == "fusion" and (display == "fusion" or "::" in label):
                if any(fusion_matches(p, five, three) for p in row.match):
                    hit_gene = f"{five}::{three}"
            elif row.kind == "rearrangement" and (
                    display == "fusion" or "::" in label or "rearrang" in label.lower()):
                hit_gene = next((g for g in row.genes if g in genes or g in (five, three)
                                 or g in label), None)
            if hit_gene:
                matched = True
                found.append(Alteration(patient, sample, row.row, hit_gene, label,
                                        "fusion" if row.kind in ("fusion", "rearrangement")
                                        else display, source, detail))
        counts["events_counted" if matched else "events_not_in_rows"] += 1
    return found


def ploidy_alterations(rows: Sequence[RowDef], ploidy: Mapping, patient: str, sample: str,
                       ) -> list[Alteration]:
    found = []
    for row in rows:
        if row.kind != "karyotype":
            continue
        for key in row.match:
            if _truthy(ploidy.get(key)):
                detail = ";".join(f"{k}={_fmt(ploidy.get(k))}" for k in
                                  ("class", "modal_number", "pre_doubling_count", "masked")
                                  if k in ploidy)
                found.append(Alteration(patient, sample, row.row, ".", key, "karyotype",
                                        "dna_cn", detail))
    return found


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "." if value is None else str(value)


# --- evaluability -------------------------------------------------------------------------------

def make_panel_lookup(base_dir: Path | None):
    """panel_genes(spec, kind) with a cache; the panels reader is imported when first needed."""
    cache: dict[tuple[str, str], frozenset[str]] = {}

    def lookup(spec: str, kind: str) -> frozenset[str]:
        key = (spec, kind)
        if key not in cache:
            from .readers.panels import panel_genes
            cache[key] = frozenset(g.upper() for g in panel_genes(spec, kind, base_dir))
        return cache[key]

    return lookup


def _has(found: Mapping[tuple[str, str], Path], sample: str, *suffixes: str) -> bool:
    return any((sample, s) in found for s in suffixes)


def sample_bases(row: RowDef, sample: Sample, found: Mapping[tuple[str, str], Path],
                 panels) -> list[str]:
    """The bases (e.g. `dna_panel:MSK-IMPACT-Heme`) on which `row` is evaluable in `sample`."""
    bases = []
    for spec in row.evaluable_by:
        name, own_genes = parse_basis(spec)
        genes = {g.upper() for g in (own_genes or row.genes)}
        for basis_name in (_ALL_BUT_ANY if name == "any" else (name,)):
            if basis_name in PATIENT_BASES:
                continue  # per patient: _evaluability, cytogenetics.bases
            label = _basis_holds(basis_name, genes, sample, found, panels)
            if label:
                bases.append(label)
        if name == "any" and _has(found, sample.sample, *RESULT_SUFFIXES):
            bases.append("results")
    return list(dict.fromkeys(bases))


def _has_segments(sample: Sample, found: Mapping[tuple[str, str], Path]) -> bool:
    return sample.segments is not None or _has(found, sample.sample, "ploidy.json",
                                               "cn_events.tsv")


def _basis_holds(name: str, genes: set[str], sample: Sample,
                 found: Mapping[tuple[str, str], Path], panels) -> str | None:
    """The basis label when `name` makes the row (about `genes`) evaluable in `sample`."""
    dna, rna = sample.dna_panel, sample.rna_panel
    if name == "dna_panel" and dna and (not genes or genes & panels(dna, "dna")):
        return f"dna_panel:{dna}"
    if name == "rna_panel" and rna and (not genes or genes & panels(rna, "rna")):
        return f"rna_panel:{rna}"
    if name == "segments" and _has_segments(sample, found):
        return "segments"
    if name == "dna_panel_segments" and dna and _has_segments(sample, found) and (
            genes <= panels(dna, "dna")):
        # every gene on the panel: a deletion spanning them (PAR1 P2RY8..CRLF2) is visible
        return f"segments+dna_panel:{dna}"
    if name == "dna_fusion_panel" and dna and genes & panels(dna, "fusion_introns"):
        return f"dna_fusion_panel:{dna}"
    if name == "sv_calls" and _has_sv_calls(sample) and (
            not dna or genes & panels(dna, "fusion_introns")):
        # SV calls without a DNA panel are genome-wide; on a panel, only baited introns
        return "sv_calls" + (f":{dna}" if dna else ":genome")
    return None


def _has_sv_calls(sample: Sample) -> bool:
    """DNA structural-variant calls: by the declared fusion format, else a VCF file name (the
    fusion file itself is not read here: the cohort step may run where only results are)."""
    if sample.fusions is None:
        return False
    if sample.fusion_format:
        return sample.fusion_format in SV_FUSION_FORMATS
    return Path(sample.fusions).name.lower().endswith((".vcf", ".vcf.gz", ".bcf"))


# --- the cohort ---------------------------------------------------------------------------------

@dataclass
class CohortTables:
    columns: tuple[PatientColumn, ...]
    rows: tuple[RowDef, ...]
    alterations: list[Alteration]
    evaluability: list[dict[str, str]]
    frequencies: list[dict[str, object]]
    ploidy: list[dict[str, object]]
    ploidy_columns: tuple[str, ...]
    qc: dict = field(default_factory=dict)
    discordance: list[dict[str, str]] = field(default_factory=list)
    cytogenetic_events: list[dict[str, str]] = field(default_factory=list)
    subtypes: list[dict[str, str]] = field(default_factory=list)  # subtype_inputs / subtypes.py


def build_cohort(samples: Sequence[Sample], results: str | Path, *,
                 rows: Sequence[RowDef] | None = None, rows_file: str | Path | None = None,
                 classes: DisplayClasses | None = None, panels=None,
                 base_dir: Path | None = None, known_genes: Iterable[str] | None = None,
                 evidence: CytogeneticEvidence | None = None) -> CohortTables:
    """Merge per-sample outputs and cytogenetic evidence into the cohort tables (nothing is
    written here)."""
    evidence = evidence if evidence is not None else CytogeneticEvidence()
    rows = tuple(rows) if rows is not None else load_rows(rows_file)
    classes = classes or load_display_classes()
    panels = panels or make_panel_lookup(base_dir)
    found, warnings = find_results(results)
    columns = select_columns(samples)
    counts: dict[str, int] = defaultdict(int)
    from .subtype_inputs import SubtypeCollector

    subtype_inputs = SubtypeCollector()

    alterations: dict[tuple, Alteration] = {}
    for column in columns:
        for sample in column.samples:
            for alteration in _sample_alterations(rows, column.patient, sample.sample, found,
                                                  classes, counts, subtype_inputs):
                key = alteration.key()
                if key in alterations:
                    merged = alterations[key]
                    if sample.sample not in merged.sample.split(";"):
                        merged.sample = f"{merged.sample};{sample.sample}"
                else:
                    alterations[key] = alteration
    positives = _positive_evidence(alterations.values())
    _add_cytogenetic(alterations, _cytogenetic_alterations(columns, rows, evidence, positives))

    if known_genes is not None:
        check_row_genes(rows, set(known_genes) | _data_genes(alterations.values()),
                        file=rows_file or default_rows_path())

    evaluability, evaluable = _evaluability(columns, rows, found, panels, evidence)
    patient_keys = {c.patient: natural_key(c.patient) for c in columns}
    row_at = {r.row: i for i, r in reversed(list(enumerate(rows)))}  # the first of a name
    ordered = sorted(alterations.values(), key=lambda a: (
        patient_keys.get(a.patient) or natural_key(a.patient), row_at.get(a.row, len(rows)),
        a.gene, a.alteration, a.display_class))
    through_detection = evaluable_through_detection(ordered, evaluability, evaluable)
    for cell in through_detection:
        warnings.append(f"patient {cell['patient']}: {cell['row']} is not evaluable by its "
                        f"rows-file basis but {cell['alteration']} was detected by "
                        f"{cell['evidence']} in sample {cell['sample']}; evaluable through "
                        "that evidence")
    check_altered_cells_evaluable(ordered, evaluable)
    frequencies = _frequencies(columns, rows, ordered, evaluable)
    ploidy_columns, ploidy_rows = _ploidy_table(samples, columns, found)
    missing_results = _missing_results(columns, found)
    warnings.extend(missing_results)
    warnings.extend(evidence.warnings)
    discordance = _discordance(columns, rows, evaluability, evidence, positives, found)
    for item in discordance:
        warnings.append(f"patient {item['patient']}: {item['row']}: evidence disagrees "
                        f"(positive {item['decided_by']}; negative "
                        f"{item['negative'].split(':')[0]}...); see evidence_discordance.tsv")
    qc = {
        "patients": len(columns),
        "samples_used": {c.patient: [s.sample for s in c.samples] for c in columns},
        "samples_excluded": {c.patient: dict(c.excluded) for c in columns if c.excluded},
        "patients_without_b_all_sample": sorted(
            {s.patient for s in samples} - {c.patient for c in columns}, key=natural_key),
        "counts": dict(sorted(counts.items())),
        "evaluable_through_detection": through_detection,
        "cytogenetics": dict(sorted(evidence.counts.items())),
        "equivocal_findings": [
            {"patient": f.patient, "target": f.target, "test": f.test, "result": f.result,
             "where": f"{f.file}:{f.line}"} for f in evidence.findings if f.call == "equivocal"],
        "evidence_discordance": discordance,
        "warnings": warnings,
    }
    cytogenetic_events = cytogenetics.event_rows(evidence)
    for sample, events in cytogenetics.subtype_events(cytogenetic_events, columns):
        subtype_inputs.add_events(sample, events)
    subtypes = subtype_inputs.assign(columns, found, panels, evaluability)
    return CohortTables(columns, rows, ordered, evaluability, frequencies, ploidy_rows,
                        ploidy_columns, qc, discordance=discordance,
                        cytogenetic_events=cytogenetic_events, subtypes=subtypes)


def _data_genes(alterations: Iterable[Alteration]) -> set[str]:
    return {g for a in alterations for g in a.gene.split("::")}


def _sample_alterations(rows, patient, sample, found, classes, counts,
                        subtype_inputs=None) -> list[Alteration]:
    result: list[Alteration] = []
    if (sample, "variants.tsv") in found:  # streamed: a sample's calls are never all held
        result += _variant_file_alterations(rows, found[sample, "variants.tsv"], classes,
                                            patient, sample, counts, subtype_inputs)
    for suffix in ("fusions.tsv", "cn_events.tsv"):
        if (sample, suffix) in found:
            records = read_tsv(found[sample, suffix], ("gene", "event_type", "label"))
            if subtype_inputs is not None:
                subtype_inputs.add_events(sample, records)
            result += event_alterations(rows, records, classes, patient, sample, counts)
    if (sample, "ploidy.json") in found:
        ploidy = read_json(found[sample, "ploidy.json"])
        if subtype_inputs is not None:
            subtype_inputs.add_ploidy(sample, ploidy)
        result += ploidy_alterations(rows, ploidy, patient, sample)
    return result


def _variant_file_alterations(rows, path, classes, patient, sample, counts,
                              subtype_inputs=None) -> list[Alteration]:
    """`variant_alterations` of one variants.tsv, read row by row. A row that can neither alter
    a mutation row nor feed a subtype rule (not somatic, or another gene) is only counted, as
    `variant_alterations` counts it, without being made into a record."""
    genes = {g for r in rows if r.kind in ("gene_mutation", "gene_mutation_or_loss")
             for g in r.genes}
    if subtype_inputs is not None:
        genes |= subtype_inputs.mutation_genes
    found: list[Alteration] = []
    with TableRows(path, ("gene", "variant_classification", "status")) as table:
        columns = table.columns
        gene_at, status_at, class_at = (columns.index(c) for c in (
            "gene", "status", "variant_classification"))
        for values in table.lists():
            if values[status_at] == "somatic" and values[gene_at] in genes:
                record = dict(zip(columns, values, strict=True))
                if subtype_inputs is not None:
                    subtype_inputs.keep_mutation(sample, record)
                found += variant_alterations(rows, (record,), classes, patient, sample, counts)
                continue
            counts["variants_read"] += 1
            skipped = _variant_skip(values[status_at], values[class_at], classes)
            if skipped:
                counts[skipped] += 1
    return found


def _evaluability(columns, rows, found, panels, evidence):
    table: list[dict[str, str]] = []
    evaluable: set[tuple[str, str]] = set()
    for column in columns:
        for row in rows:
            bases: list[str] = []
            for sample in column.samples:
                bases += sample_bases(row, sample, found, panels)
            bases += cytogenetics.bases(evidence, row.row,
                                        (parse_basis(b)[0] for b in row.evaluable_by),
                                        column.patient, column.samples)
            bases = list(dict.fromkeys(bases))
            if bases:
                evaluable.add((column.patient, row.row))
            table.append({"patient": column.patient, "row": row.row,
                          "evaluated": "yes" if bases else "no",
                          "basis": ";".join(bases) if bases else _why_not(row, column)})
    return table, evaluable


def evaluable_through_detection(alterations: Sequence[Alteration],
                                evaluability: list[dict[str, str]],
                                evaluable: set[tuple[str, str]]) -> list[dict[str, str]]:
    """Make every altered cell evaluable: a cell its rows-file basis does not cover becomes
    evaluable through the evidence that detected the alteration (basis `detected:<source>`).
    Returns the cells so promoted, in alteration order, for cohort.qc.json."""
    cells = {(e["patient"], e["row"]): e for e in evaluability}
    promoted: dict[tuple[str, str], dict[str, str]] = {}
    for a in alterations:
        key = (a.patient, a.row)
        if key in evaluable and key not in promoted:
            continue
        basis = f"{DETECTED}:{a.source}"
        cell = cells[key]
        if key not in promoted:
            cell.update(evaluated="yes", basis=basis)
            promoted[key] = {"patient": a.patient, "row": a.row, "evidence": a.source,
                             "alteration": a.alteration, "sample": a.sample}
        elif basis not in cell["basis"].split(";"):
            cell["basis"] += f";{basis}"
            promoted[key]["evidence"] += f";{a.source}"
    evaluable.update(promoted)
    return list(promoted.values())


# --- cytogenetic evidence (cytogenetics.py) ------------------------------------------------------

Cell = tuple[str, str]  # (patient, row)


def _positive_evidence(alterations: Iterable[Alteration]) -> dict[Cell, dict[str, str]]:
    """Per cell: evidence kind -> what it found, from the per-sample results."""
    found: dict[Cell, dict[str, str]] = defaultdict(dict)
    for a in alterations:
        text = f"{a.alteration} in {a.sample}"
        cell = found[a.patient, a.row]
        cell[a.source] = f"{cell[a.source]}, {text}" if a.source in cell else text
    return found


def _cytogenetic_alterations(columns: Sequence[PatientColumn], rows: Sequence[RowDef],
                             evidence: CytogeneticEvidence,
                             positives: dict[Cell, dict[str, str]]) -> list[Alteration]:
    """Alterations from positive karyotype / clinical findings (recorded in `positives`)."""
    by_id = {r.row: r for r in rows}
    found = []
    for column in columns:
        for f in evidence.for_column(column.patient, column.samples):
            row = by_id.get(f.row or "")
            if row is None or f.call != "positive":
                continue
            if row.kind == "karyotype":
                gene, name, display = ".", row.match[0], "karyotype"
            elif row.kind == "fusion" or "::" in f.event:
                gene, name, display = f.event, f.event, "fusion"
            else:
                gene, name, display = row.genes[0], f"{f.event} rearrangement", "fusion"
            found.append(Alteration(column.patient, f.sample or column.samples[0].sample,
                                    row.row, gene, name, display, f.source,
                                    cytogenetics.describe(f)))
            label = f.source if f.source == cytogenetics.KARYOTYPE else f"{f.source}:{f.test}"
            positives[column.patient, row.row][label] = cytogenetics.describe(f)
    return found


def _add_cytogenetic(alterations: dict[tuple, Alteration], new: Iterable[Alteration]) -> None:
    """A finding in a cell other evidence already altered adds its source to that cell (the
    cell's `source` says every kind of evidence that decided it); else it is the cell's call."""
    cells: dict[Cell, list[Alteration]] = defaultdict(list)
    for a in alterations.values():
        cells[a.patient, a.row].append(a)
    for alteration in new:
        existing = cells[alteration.patient, alteration.row]
        if not existing:
            alterations[alteration.key()] = alteration
            existing.append(alteration)
            continue
        for a in existing:
            if alteration.source not in a.source.split(";"):
                a.source = f"{a.source};{alteration.source}"
            if alteration.detail not in a.detail:
                a.detail = f"{a.detail} | {alteration.detail}" if a.detail else alteration.detail


def _discordance(columns, rows, evaluability, evidence, positives, found
                 ) -> list[dict[str, str]]:
    """Cells of fusion / rearrangement / ploidy rows where one kind of evidence found the
    alteration and another evaluated the cell and did not (cytogenetics.discordance_record)."""
    rules = cytogenetics.load_discordance_rules()
    bases = {(e["patient"], e["row"]): e["basis"].split(";") for e in evaluability}
    records = []
    for column in columns:
        if not any(row.kind in CYTOGENETIC_ROW_KINDS and positives.get((column.patient, row.row))
                   for row in rows):
            continue  # nothing found in a cell other evidence could contradict
        findings = evidence.for_column(column.patient, column.samples)
        ploidy = {s.sample: read_json(found[s.sample, "ploidy.json"]) for s in column.samples
                  if (s.sample, "ploidy.json") in found}
        conditions = {"masked"} if any(_truthy(p.get("masked")) for p in ploidy.values()) \
            else set()
        for row in rows:
            positive = positives.get((column.patient, row.row), {})
            if row.kind not in CYTOGENETIC_ROW_KINDS or not positive:
                continue
            negative = _negative_evidence(row, column, findings, evidence, ploidy,
                                          bases.get((column.patient, row.row), []), positive)
            if negative:
                records.append(cytogenetics.discordance_record(
                    column.patient, row.row, row.kind, positive, negative, conditions, rules))
    return records


def _negative_evidence(row, column, findings, evidence, ploidy, cell_bases, positive
                       ) -> dict[str, str]:
    """Evidence kind -> what it said, for evidence that evaluated the cell and found nothing."""
    kinds = {cytogenetics.evidence_kind(p) for p in positive}
    negative: dict[str, str] = {}
    for f in findings:
        if f.row == row.row and f.call == "negative":
            negative[f"{f.source}:{f.test}"] = cytogenetics.describe(f)
    karyotyped = evidence.karyotyped(column.samples)
    if karyotyped and "karyotype" not in kinds and any(
            b.startswith("karyotype:") for b in cell_bases):
        negative["karyotype"] = "; ".join(k.text for k in karyotyped)
    if row.kind == "karyotype" and "dna_cn" not in kinds:
        for sample, data in sorted(ploidy.items()):
            if any(data.get(key) is False or str(data.get(key)).lower() == "false"
                   for key in row.match):
                negative["dna_cn"] = (f"{sample}: class {data.get('class')}, modal "
                                      f"{data.get('modal_number')}")
    if row.kind != "karyotype":
        for prefix, kind, what in (("rna_panel:", "rna", "no fusion on"),
                                   ("sv_calls:", "dna_sv", "no structural variant in")):
            if kind not in kinds:
                tested = [b.split(":", 1)[1] for b in cell_bases if b.startswith(prefix)]
                if tested:
                    negative[kind] = f"{what} {', '.join(tested)}"
    return {k: v for k, v in negative.items() if k not in positive}


def check_altered_cells_evaluable(alterations: Iterable[Alteration],
                                  evaluable: set[tuple[str, str]]) -> None:
    """The cohort invariant: no alteration sits in a cell that is not evaluable."""
    outside = sorted({(a.patient, a.row) for a in alterations} - evaluable)
    if outside:
        raise AssertionError(f"altered but not evaluable: {outside}")


def _why_not(row: RowDef, column: PatientColumn) -> str:
    names = {parse_basis(b)[0] for b in row.evaluable_by}
    kinds = {"rna_panel"} if names & {"rna_panel", "any"} else set()
    if names & {"dna_panel", "dna_panel_segments", "dna_fusion_panel", "sv_calls", "any"}:
        kinds.add("dna_panel")
    panels = [f"{kind}:{spec}" for s in column.samples
              for kind, spec in (("dna_panel", s.dna_panel), ("rna_panel", s.rna_panel))
              if spec and kind in kinds]
    return f"not_on_panel:{'|'.join(panels)}" if panels else "no_data"


def _frequencies(columns, rows, alterations, evaluable) -> list[dict[str, object]]:
    altered: dict[str, set[str]] = defaultdict(set)
    for a in alterations:
        if (a.patient, a.row) in evaluable:
            altered[a.row].add(a.patient)
    result = []
    for row in rows:
        n = len(altered[row.row])
        total = sum(1 for c in columns if (c.patient, row.row) in evaluable)
        result.append({"row": row.row, "altered": n, "evaluable": total,
                       "percent": round(100.0 * n / total, 1) if total else None,
                       "label": f"{n}/{total}"})
    return result


def _ploidy_table(samples, columns, found):
    used = {s.sample for c in columns for s in c.samples}
    with_ploidy = [s for s in sorted(samples, key=lambda s: (natural_key(s.patient),
                                                             natural_key(s.sample)))
                   if (s.sample, "ploidy.json") in found]
    try:
        from .ploidy import PLOIDY_TABLE_COLUMNS, cohort_ploidy_table
    except ImportError:
        PLOIDY_TABLE_COLUMNS = cohort_ploidy_table = None  # noqa: N806
    if PLOIDY_TABLE_COLUMNS and cohort_ploidy_table:
        paths = [found[s.sample, "ploidy.json"] for s in with_ploidy]
        try:  # each file read once, by the ploidy module
            return tuple(PLOIDY_TABLE_COLUMNS), list(cohort_ploidy_table(paths))
        except (AttributeError, TypeError):
            for path in paths:  # a file that is JSON but not an object: say which
                read_json(path)
            raise
    rows = []
    for sample in with_ploidy:
        data = read_json(found[sample.sample, "ploidy.json"])
        in_cohort = sample.sample in used
        rows.append({
            "patient": sample.patient, "sample": sample.sample, "diagnosis": sample.diagnosis,
            "timepoint": sample.timepoint, "in_cohort": "yes" if in_cohort else "no",
            "class": data.get("class"),
            "modal_number": data.get("modal_number", data.get("modal_chromosome_number")),
            "pre_doubling_count": data.get("pre_doubling_count"),
            "low_hypodiploid": _bool_or_none(data.get("low_hypodiploid")),
            "masked": _bool_or_none(data.get("masked")),
        })
    return FALLBACK_PLOIDY_COLUMNS, rows


def _bool_or_none(value: object) -> bool | None:
    return None if value is None else _truthy(value)


def _missing_results(columns, found) -> list[str]:
    notes = []
    for column in columns:
        for s in column.samples:
            if s.dna_panel and not _has(found, s.sample, "variants.tsv"):
                notes.append(f"sample {s.sample}: dna_panel {s.dna_panel} declared but no "
                             f"{s.sample}.variants.tsv found; evaluable by panel content only")
    return notes


# --- writing ------------------------------------------------------------------------------------

def write_cohort(tables: CohortTables, outdir: str | Path) -> dict[str, Path]:
    from .writers import write_json, write_tsv

    out = Path(outdir)
    paths = {name: out / name for name in COHORT_FILES}
    write_tsv(paths["evidence_discordance.tsv"], cytogenetics.DISCORDANCE_COLUMNS,
              tables.discordance)
    write_tsv(paths["cytogenetic_events.tsv"], cytogenetics.CYTOGENETIC_EVENT_COLUMNS,
              tables.cytogenetic_events)
    write_tsv(paths["alterations.tsv"], ALTERATION_COLUMNS,
              (vars(a) for a in tables.alterations))
    write_tsv(paths["evaluability.tsv"], EVALUABILITY_COLUMNS, tables.evaluability)
    write_tsv(paths["frequencies.tsv"], FREQUENCY_COLUMNS, tables.frequencies, digits=1)
    write_tsv(paths["ploidy.tsv"], tables.ploidy_columns, tables.ploidy)
    from .subtypes import SUBTYPE_COLUMNS, SUBTYPES_COMMENTS

    write_tsv(paths["subtypes.tsv"], SUBTYPE_COLUMNS, tables.subtypes,
              comments=SUBTYPES_COMMENTS)
    write_json(paths["cohort.qc.json"], tables.qc)
    return paths


def known_gene_names(genome: str, samples: Sequence[Sample], panels) -> set[str]:
    """Gene names a rows file may use: the genome's gene table plus every panel in use."""
    names: set[str] = set()
    try:
        from .genome import genes
        names |= set(genes(genome))
    except (FileNotFoundError, OSError):
        pass  # gene table not installed: panels and data still define the known names
    for sample in samples:
        for kind, spec in (("dna", sample.dna_panel), ("rna", sample.rna_panel)):
            if spec:
                names |= panels(spec, kind)
    return names


def run_cohort(samplesheet: str | Path, results: str | Path, outdir: str | Path,
               genome: str, rows_file: str | Path | None = None,
               findings_file: str | Path | None = None) -> CohortTables:
    """`lenall cohort`: load the samplesheet, merge results and cytogenetic evidence (karyotypes,
    findings tables), write the cohort tables (COHORT_FILES)."""
    from .samplesheet import load_samplesheet

    samples = load_samplesheet(samplesheet, check_files=False)
    base_dir = Path(samplesheet).resolve().parent
    panels = make_panel_lookup(base_dir)
    rows = load_rows(rows_file)
    known = known_gene_names(genome, samples, panels) if rows_file else None
    evidence = cytogenetics.collect_evidence(samples, findings_file, samplesheet)
    tables = build_cohort(samples, results, rows=rows, rows_file=rows_file, panels=panels,
                          base_dir=base_dir, known_genes=known, evidence=evidence)
    write_cohort(tables, outdir)
    for warning in tables.qc["warnings"]:
        print(f"lenall cohort: warning: {warning}", file=sys.stderr)
    return tables
