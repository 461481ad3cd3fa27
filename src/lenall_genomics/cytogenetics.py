"""Clinical cytogenetics as evidence: samplesheet karyotypes and clinical findings tables.

Both become `Finding`s (readers/findings.py) about one patient: a karyotype's abnormalities
(ISCN, parsed by readers/karyotype.py) with test `karyotype` and source `karyotype`, and the rows
of findings tables (per sample, `findings` column; or one cohort-wide table) with source
`clinical`. The cohort step (cohort.py) uses them three ways:

- evaluability: basis `karyotype` (an analysable karyotype of a column sample) and `clinical` (a
  positive, negative or equivocal finding for the row's target);
- alterations: a positive finding alters its row; when other evidence already altered the cell,
  the finding's source is added to that cell's `source` (who decided it);
- discordance: positive and negative evidence about one cell are listed with an explanation
  (assets/evidence_discordance.tsv), never resolved silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .assets import asset, read_commented_tsv
from .model import EVENT_COLUMNS, Sample
from .readers.findings import Finding, check_conflicts, lookup_target, read_findings

KARYOTYPE = "karyotype"
CLINICAL = "clinical"
CYTOGENETIC_EVENT_COLUMNS = ("patient", "sample", *EVENT_COLUMNS, "result", "test", "date")
DISCORDANCE_COLUMNS = ("patient", "row", "decided_by", "positive", "negative", "explanation",
                       "source")
_CONFIDENCE = {"high": "high", "medium": "medium", "low": "low"}
_KARYOTYPE_CALLS = {True: "positive", False: "negative", None: "equivocal"}


@dataclass(frozen=True)
class Karyotype:
    sample: str
    text: str
    modal_number: int | None
    is_normal: bool


@dataclass
class CytogeneticEvidence:
    findings: list[Finding] = field(default_factory=list)
    karyotypes: dict[str, Karyotype] = field(default_factory=dict)  # sample -> parsed
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    warnings: list[str] = field(default_factory=list)
    _by_patient: tuple[list, dict] = field(default_factory=lambda: ([], {}), repr=False)

    def for_column(self, patient: str, samples: Sequence[Sample]) -> list[Finding]:
        """Findings about the patient's column: patient-level or about one of its samples."""
        if len(self._by_patient[0]) != len(self.findings):  # (re)index after additions
            index: dict[str, list[Finding]] = defaultdict(list)
            for f in self.findings:
                index[f.patient].append(f)
            self._by_patient = (list(self.findings), index)
        names = {s.sample for s in samples}
        return [f for f in self._by_patient[1].get(patient, ())
                if f.sample is None or f.sample in names]

    def karyotyped(self, samples: Sequence[Sample]) -> list[Karyotype]:
        return [self.karyotypes[s.sample] for s in samples if s.sample in self.karyotypes]


# --- collecting --------------------------------------------------------------------------------

def collect_evidence(samples: Sequence[Sample], findings_file: str | Path | None = None,
                     samplesheet: str | Path | None = None) -> CytogeneticEvidence:
    """Parse every karyotype and read every findings table of the cohort (each file once)."""
    evidence = CytogeneticEvidence()
    sample_patients = {s.sample: s.patient for s in samples}
    tables = sorted({Path(s.findings) for s in samples if s.findings is not None})
    if findings_file:
        tables.append(Path(findings_file))
    for table in dict.fromkeys(tables):
        read = read_findings(table, sample_patients)
        evidence.counts["findings_read"] += len(read)
        evidence.findings += read
    check_conflicts(evidence.findings)  # across tables too
    for sample in samples:
        if sample.karyotype:
            karyotype, found = parse_sample_karyotype(sample, samplesheet)
            if karyotype is None:
                evidence.counts["karyotypes_not_parsed"] += 1
                continue
            evidence.karyotypes[sample.sample] = karyotype
            evidence.counts["karyotypes_parsed"] += 1
            evidence.findings += found
    if evidence.counts["karyotypes_not_parsed"]:
        evidence.warnings.append(
            f"{evidence.counts['karyotypes_not_parsed']} karyotype(s) not used: the ISCN parser "
            "(lenall_genomics.readers.karyotype) is not installed")
    for finding in evidence.findings:
        evidence.counts[f"findings_{finding.call}"] += 1
        if finding.row is None:
            evidence.counts["findings_without_row"] += 1
    return evidence


def parse_sample_karyotype(sample: Sample, samplesheet: str | Path | None
                           ) -> tuple[Karyotype | None, list[Finding]]:
    """The parsed karyotype and its findings; (None, []) without the parser."""
    try:
        from .readers.karyotype import parse_karyotype
    except ImportError:
        return None, []
    where = str(samplesheet) if samplesheet else "samplesheet"
    parsed = parse_karyotype(sample.karyotype, source=where, row=sample.row)
    karyotype = Karyotype(sample.sample, sample.karyotype or "", parsed.modal_number,
                          bool(parsed.is_normal))
    findings = []
    for item in parsed.findings():
        target = lookup_target(_event_name(item.event))
        cells = f"[{item.cells}]" if getattr(item, "cells", None) else ""
        # an ish/nuc ish result may be negative; a karyotype appearance alone (idic(21) without
        # RUNX1 FISH) is possible, not shown: equivocal
        call = _KARYOTYPE_CALLS[getattr(item, "positive", True)]
        findings.append(Finding(
            patient=sample.patient, sample=sample.sample, test=KARYOTYPE, target=item.event,
            event=target.event if target else item.event,
            event_type=target.event_type if target else item.kind,
            row=target.row if target else None, result=call, call=call,
            confidence=getattr(item, "confidence", "high") if call == "positive" else ".",
            detail=f"{item.detail}{cells}".strip(), date="", file=where, line=sample.row,
            source=KARYOTYPE))
    return karyotype, findings


def _event_name(event: str) -> str:
    """Ploidy class names come as 'low hypodiploid' or 'low_hypodiploid'."""
    return event.replace(" ", "_").replace("-", "_") if "::" not in event else event


# --- evaluability ------------------------------------------------------------------------------

def bases(evidence: CytogeneticEvidence, row_id: str, basis_names: Iterable[str], patient: str,
          samples: Sequence[Sample]) -> list[str]:
    """The karyotype / clinical bases on which a row is evaluable for a patient's column."""
    names = set(basis_names)
    labels = []
    if names & {KARYOTYPE, "any"}:
        labels += [f"{KARYOTYPE}:{k.sample}" for k in evidence.karyotyped(samples)]
    if names & {CLINICAL, "any"}:
        labels += [f"{CLINICAL}:{f.test}" for f in evidence.for_column(patient, samples)
                   if f.row == row_id and f.source == CLINICAL and f.call in ("positive", "negative", "equivocal")]
    return list(dict.fromkeys(labels))


def describe(finding: Finding) -> str:
    parts = [f"{finding.test} {finding.target} {finding.result}"]
    parts += [p for p in (finding.detail, finding.date) if p]
    return "; ".join(parts)


# --- per-patient events ------------------------------------------------------------------------

def event_rows(evidence: CytogeneticEvidence) -> list[dict[str, str]]:
    """Every finding as a model.EVENT_COLUMNS event (plus patient, sample, result, test, date),
    in patient, event, test order: the cytogenetic events other steps (subtypes) read."""
    from .cohort import natural_key

    rows = []
    for f in evidence.findings:
        five, _, three = f.event.partition("::")
        rows.append({
            "patient": f.patient, "sample": f.sample or ".", "gene": five,
            "event_type": f.event_type, "partner": three or ".", "label": f.event,
            "source": f.source, "evidence": describe(f),
            "confidence": _CONFIDENCE.get(f.confidence, ".") if f.call == "positive" else ".",
            "result": f.call, "test": f.test, "date": f.date or "."})
    rows.sort(key=lambda r: (natural_key(r["patient"]), r["label"], r["test"], r["sample"],
                             r["evidence"]))
    return rows


def subtype_events(rows: Sequence[Mapping[str, str]], columns) -> list[tuple[str, list[dict]]]:
    """Per column sample, the cytogenetic events subtypes.py reads (model.EVENT_COLUMNS): positive
    ones as they are, negative ones labelled '<event> negative' (they make a subtype assessable,
    never call it), equivocal ones labelled '<event> equivocal' (they call nothing and keep the
    subtype from being excluded); failed results are left out."""
    by_patient: dict[str, list[Mapping[str, str]]] = defaultdict(list)
    for row in rows:
        by_patient[row["patient"]].append(row)
    out = []
    for column in columns:
        names = [s.sample for s in column.samples]
        per_sample: dict[str, list[dict]] = defaultdict(list)
        for row in by_patient.get(column.patient, ()):
            sample = row["sample"] if row["sample"] in names else names[0]
            if row["sample"] not in (".", sample) or row["result"] not in (
                    "positive", "negative", "equivocal"):
                continue
            event = {c: row[c] for c in EVENT_COLUMNS}
            if row["result"] in ("negative", "equivocal"):
                event["label"] = f"{row['label']} {row['result']}"
            per_sample[sample].append(event)
        out += sorted(per_sample.items())
    return out


# --- discordance -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DiscordanceRule:
    kind: str
    positive: str
    negative: str
    condition: str
    explanation: str
    source: str

    def matches(self, kind: str, positive: set[str], negative: set[str],
                conditions: set[str]) -> bool:
        return (self.kind in ("*", kind) and (self.positive == "*" or self.positive in positive)
                and (self.negative == "*" or self.negative in negative)
                and (self.condition in ("*", ".") or self.condition in conditions))


def load_discordance_rules(path: str | Path | None = None) -> tuple[DiscordanceRule, ...]:
    rows = read_commented_tsv(path or asset("evidence_discordance.tsv"))
    return tuple(DiscordanceRule(r["kind"], r["positive"], r["negative"], r["condition"],
                                 r["explanation"], r["source"]) for r in rows)


def explain(rules: Sequence[DiscordanceRule], kind: str, positive: set[str],
            negative: set[str], conditions: set[str]) -> DiscordanceRule | None:
    """The first rule for this kind of disagreement (the table lists specific rules first)."""
    return next((r for r in rules if r.matches(kind, positive, negative, conditions)), None)


def evidence_kind(label: str) -> str:
    """`clinical:FISH` -> clinical, `dna_cn` -> dna_cn (rules name evidence kinds)."""
    return label.split(":", 1)[0]


def discordance_record(patient: str, row: str, kind: str, positive: Mapping[str, str],
                       negative: Mapping[str, str], conditions: set[str],
                       rules: Sequence[DiscordanceRule]) -> dict[str, str]:
    """One line of evidence_discordance.tsv; positive/negative map evidence -> what it said."""
    pos_kinds = {evidence_kind(p) for p in positive}
    neg_kinds = {evidence_kind(n) for n in negative}
    rule = explain(rules, kind, pos_kinds, neg_kinds, conditions)
    return {
        "patient": patient, "row": row, "decided_by": ";".join(sorted(positive)),
        "positive": "; ".join(f"{k}: {v}" for k, v in sorted(positive.items())),
        "negative": "; ".join(f"{k}: {v}" for k, v in sorted(negative.items())),
        "explanation": rule.explanation if rule else "evidence disagrees; review the records",
        "source": rule.source if rule else ".",
    }
