"""What the cohort step hands to subtypes.py: per-patient events, mutations, ploidy and evidence.

The cohort step passes every per-sample table it reads through a `SubtypeCollector` (the variants
stream is tapped, never read twice) and asks it for the subtype rows once evaluability is known.
Only records some subtype rule can use are kept, so memory grows with findings, not with calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .subtypes import (
    ANY_GENE,
    GENE_SCOPED,
    ROW_PREFIX,
    PatientEvidence,
    SubtypeRule,
    assign_subtypes,
    equivocal_for,
    load_rules,
    rule_hits,
)

# rna_panel values that name a whole-transcriptome assay (expression available); a samplesheet
# column `rna_expression` = yes says the same for any assay.
TRANSCRIPTOME_PANELS = ("transcriptome", "whole-transcriptome", "wts", "rna-seq", "rnaseq",
                        "total-rna", "mrna-seq")
PLOIDY_KEYS = ("class", "modal_number", "pre_doubling_count", "masked", "low_hypodiploid")
KARYOTYPE_SOURCE, CLINICAL_SOURCE = "karyotype", "clinical"


class SubtypeCollector:
    def __init__(self, rules: Sequence[SubtypeRule] | None = None) -> None:
        self.rules = tuple(rules) if rules is not None else load_rules()
        self.mutation_genes = {p.split(":", 1)[0] for r in self.rules if r.kind == "mutation"
                               for p in r.match}
        self.genes = sorted({g for r in self.rules for g in r.genes})
        self.events: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.mutations: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.ploidy: dict[str, list[dict[str, object]]] = defaultdict(list)
        self.sources: dict[str, set[str]] = defaultdict(set)  # sample -> event sources seen

    def keep_mutation(self, sample: str, record: Mapping[str, str]) -> None:
        """Keep the record when it is a somatic call in a subtype-defining gene."""
        if record.get("gene") in self.mutation_genes and record.get("status") == "somatic":
            self.mutations[sample].append({"gene": record.get("gene") or "",
                                           "hgvsp": record.get("hgvsp") or "",
                                           "sample": sample})

    def add_events(self, sample: str, records: Iterable[Mapping[str, str]]) -> None:
        for record in records:
            self.sources[sample].add((record.get("source") or "").strip().lower())
            event = {**record, "sample": sample}
            probe = PatientEvidence("", events=[event])
            if any(rule_hits(rule, probe) or equivocal_for(rule, probe) for rule in self.rules
                   if rule.kind in ("fusion", "karyotype", "ploidy")):
                self.events[sample].append(event)

    def add_ploidy(self, sample: str, data: Mapping[str, object]) -> None:
        self.ploidy[sample].append({**{k: data.get(k) for k in PLOIDY_KEYS}, "sample": sample})

    def assign(self, columns, found: Mapping[tuple[str, str], Path], panels,
               evaluability: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
        from .ploidy import classify, load_classes

        classes = load_classes()
        rows_evaluable: dict[str, set[str]] = defaultdict(set)
        for cell in evaluability:
            if cell.get("evaluated") == "yes":
                rows_evaluable[cell["patient"]].add(ROW_PREFIX + cell["row"])
        patients = []
        for column in columns:
            evidence = PatientEvidence(column.patient, available=set(rows_evaluable[column.patient]))
            for sample in column.samples:
                evidence.events += self.events.get(sample.sample, [])
                evidence.mutations += self.mutations.get(sample.sample, [])
                evidence.ploidy += self.ploidy.get(sample.sample, [])
                evidence.available |= self._available(sample, found, panels)
            patients.append(evidence)
        return assign_subtypes(patients, self.rules, classify=lambda n: classify(n, classes))

    def _available(self, sample, found, panels) -> set[str]:
        from .cohort import _basis_holds, _has_segments

        have: set[str] = set()
        for basis in GENE_SCOPED:
            for gene in self.genes:
                label = _basis_holds(basis, {gene}, sample, found, panels)
                if label:
                    have.add(f"{basis}:{ANY_GENE}" if label.endswith(":genome")
                             else f"{basis}:{gene}")
        if _has_segments(sample, found):
            have.add("segments")
        extra = {k.lower(): (v or "").strip() for k, v in (sample.extra or {}).items()}
        sources = self.sources.get(sample.sample, set())
        karyotype = extra.get("karyotype") or str(getattr(sample, "karyotype", "") or "").strip()
        if karyotype or KARYOTYPE_SOURCE in sources:
            have.add("karyotype")
        if CLINICAL_SOURCE in sources:
            have.add("clinical")
        if (extra.get("rna_expression", "").lower() in ("yes", "true", "1")
                or (sample.rna_panel or "").strip().lower() in TRANSCRIPTOME_PANELS):
            have.add("rna_expression")
        return have
