"""The demo cohort's design: the tables in assets/figure1/ turned into patients, samples and their
planned alterations, plus the germline genotypes each person carries.

Everything random here is drawn from `random.Random(<fixed text seed>)`, which is stable across
runs and Python processes, so the demo files are the same bytes every time.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass, field
from functools import cache

from ..assets import asset

BUILD = "GRCh38"
ALL_DIAGNOSIS_FIRST = datetime.date(2008, 5, 1)  # B-ALL diagnoses span May 2008 - Feb 2022
ALL_DIAGNOSIS_SPAN_DAYS = 5030
MYELOID_PANEL_GENES = frozenset({"ASXL1", "DNMT3A", "ETV6", "FLT3", "JAK2", "NOTCH1", "NRAS",
                                 "SF3B1", "RUNX1"})  # on the RainDance myeloid panel (assets/panels)
# Genes carrying the identity SNP sites: panel genes outside every Figure 1 row and outside the
# predisposition list (assets/predisposition_genes.tsv), whose germline-looking calls are kept.
IDENTITY_GENES = ("ATM", "KMT2D", "ARID1A", "ASXL1", "DNMT3A", "PPM1D", "NOTCH1", "EP300", "SETD2",
                  "NF1", "JAK2", "FLT3", "SF3B1", "NRAS", "BIRC3", "IRF4", "DIS3")
IDENTITY_SITES = 40
OTHER_PERSON = "X1"  # the person whose sample was swapped in (identity mismatch)


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of an assets/figure1 TSV ('#' lines are comments, '.' means empty)."""
    with open(asset("figure1", name), encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        return [{k: ("" if v == "." else v) for k, v in row.items()}
                for row in csv.DictReader(lines, delimiter="\t")]


@dataclass(frozen=True)
class Patient:
    patient: str
    sex: str
    age_all: int
    centre: str
    diagnosis: str
    mm_to_all_years: float
    relapse: str

    @property
    def all_date(self) -> datetime.date:
        index = int(self.patient) - 1
        return ALL_DIAGNOSIS_FIRST + datetime.timedelta(days=round(index * ALL_DIAGNOSIS_SPAN_DAYS / 31))

    @property
    def mm_date(self) -> datetime.date:
        return self.all_date - datetime.timedelta(days=round(self.mm_to_all_years * 365.25))


@dataclass(frozen=True)
class DemoSample:
    patient: str
    sample: str
    diagnosis: str
    timepoint: str  # ISO date
    dna_panel: str
    rna_panel: str
    vcf: str  # writer kind or ""
    normal: str
    fusions: str
    segments: str
    clonotypes: str
    purity: str
    germline: str  # whose germline genotypes this sample carries
    note: str

    @property
    def is_diagnostic_all(self) -> bool:
        return self.diagnosis in ("B-ALL", "BALLLP") and "_REL" not in self.sample


@dataclass(frozen=True)
class Variant:
    id: str
    patient: str
    vafs: dict[str, float]
    gene: str
    chrom: str
    pos: int
    ref: str
    alt: str
    consequence: str
    hgvsc: str
    hgvsp: str
    protein_position: str
    amino_acids: str
    codons: str
    exon: str
    intron: str
    alt_transcript: str
    alt_consequence: str
    alt_hgvsc: str
    alt_hgvsp: str
    alt_protein_position: str
    alt_amino_acids: str
    figure_row: str
    role: str
    note: str
    population_af: float | None = None


@dataclass(frozen=True)
class Transcript:
    gene: str
    gene_id: str
    chrom: str
    start: int
    end: int
    strand: int
    transcript: str
    tx_version: str
    protein: str
    protein_version: str
    biotype: str
    canonical: bool
    mane_select: str
    exons: int
    protein_offset: str


@dataclass(frozen=True)
class IdentitySite:
    gene: str
    chrom: str
    pos: int
    ref: str
    alt: str
    population_af: float
    intronic: bool


@dataclass
class Design:
    patients: dict[str, Patient]
    samples: list[DemoSample]
    variants: list[Variant]
    transcripts: dict[str, list[Transcript]]
    karyotypes: list[dict[str, str]]
    fusions: list[dict[str, str]]
    identity_sites: list[IdentitySite]
    genotypes: dict[str, dict[int, int]] = field(default_factory=dict)  # person -> site -> 0/1/2
    findings: list[dict[str, str]] = field(default_factory=list)  # figure1/findings.tsv rows

    def findings_of(self, patient: str) -> list[dict[str, str]]:
        return [f for f in self.findings if f["patient"] == patient]

    def karyotype_of(self, sample: str) -> str:
        """The sample's ISCN karyotype ('' when it was not karyotyped)."""
        row = next((k for k in self.karyotypes if k["sample"] == sample), {})
        text = row.get("iscn", "")
        return "" if text in ("", ".") else text

    def sample(self, name: str) -> DemoSample:
        return next(s for s in self.samples if s.sample == name)

    def variants_of(self, sample: str) -> list[Variant]:
        return [v for v in self.variants if sample in v.vafs]

    def genes(self, gene: str) -> list[Transcript]:
        return self.transcripts[gene]


def _timepoint(spec: str, patient: Patient) -> str:
    if spec == "mm":
        return patient.mm_date.isoformat()
    if spec.startswith("all+"):
        return (patient.all_date + datetime.timedelta(days=int(spec[4:]))).isoformat()
    return patient.all_date.isoformat()


def _patients() -> dict[str, Patient]:
    return {r["patient"]: Patient(r["patient"], r["sex"], int(r["age_all"]), r["centre"],
                                  r["diagnosis"], float(r["mm_to_all_years"]), r["relapse"])
            for r in read_table("patients.tsv")}


def _samples(patients: dict[str, Patient]) -> list[DemoSample]:
    out = []
    for r in read_table("samples.tsv"):
        r = dict(r)
        r["timepoint"] = _timepoint(r["timepoint"] or "all", patients[r["patient"]])
        out.append(DemoSample(**r))
    return out


def _variants() -> list[Variant]:
    out = []
    for r in read_table("variants.tsv"):
        r = dict(r)
        vafs = {}
        for item in r.pop("vafs").split(";"):
            sample, vaf = item.split(":")
            vafs[sample] = float(vaf)
        out.append(Variant(vafs=vafs, pos=int(r.pop("pos")), **r))
    return out


def _transcripts() -> dict[str, list[Transcript]]:
    out: dict[str, list[Transcript]] = {}
    for r in read_table("transcripts.tsv"):
        out.setdefault(r["gene"], []).append(Transcript(
            r["gene"], r["gene_id"], r["chrom"], int(r["start"]), int(r["end"]), int(r["strand"]),
            r["transcript"], r["tx_version"], r["protein"], r["protein_version"], r["biotype"],
            r["canonical"] == "YES", r["mane_select"], int(r["exons"]), r["protein_offset"]))
    return out


_TRANSITIONS = {"A": "G", "G": "A", "C": "T", "T": "C"}


def _identity_sites(transcripts: dict[str, list[Transcript]],
                    taken: set[tuple[str, int]]) -> list[IdentitySite]:
    """~40 common SNP sites inside non-Figure-1 panel genes (fixed by seed)."""
    rng = random.Random("lenall-demo identity sites")
    sites = []
    for index in range(IDENTITY_SITES):
        gene = IDENTITY_GENES[index % len(IDENTITY_GENES)]
        tx = transcripts[gene][0]
        while True:
            pos = rng.randint(tx.start + 200, tx.end - 200)
            if all(abs(pos - p) > 50 for c, p in taken if c == tx.chrom):
                break
        ref = rng.choice("ACGT")
        taken.add((tx.chrom, pos))
        sites.append(IdentitySite(gene, tx.chrom, pos, ref, _TRANSITIONS[ref],
                                  round(rng.uniform(0.18, 0.62), 4), rng.random() < 0.6))
    return sorted(sites, key=lambda s: (chrom_rank(s.chrom), s.pos))


def _genotypes(persons: list[str], sites: list[IdentitySite]) -> dict[str, dict[int, int]]:
    out = {}
    for person in persons:
        rng = random.Random(f"lenall-demo germline {person}")
        out[person] = {i: int(rng.random() < s.population_af) + int(rng.random() < s.population_af)
                       for i, s in enumerate(sites)}
    return out


def chrom_rank(chrom: str) -> int:
    order = [str(i) for i in range(1, 23)] + ["X", "Y", "MT"]
    return order.index(chrom) if chrom in order else len(order)


@cache
def load_design() -> Design:
    patients = _patients()
    samples = _samples(patients)
    variants = _variants()
    transcripts = _transcripts()
    taken = {(v.chrom, v.pos) for v in variants}
    sites = _identity_sites(transcripts, taken)
    persons = sorted({s.germline for s in samples})
    return Design(patients, samples, variants, transcripts, read_table("karyotypes.tsv"),
                  read_table("fusions.tsv"), sites, _genotypes(persons, sites),
                  read_table("findings.tsv"))
