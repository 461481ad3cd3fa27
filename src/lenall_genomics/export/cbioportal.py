"""A cBioPortal study folder from the pipeline's results, following cBioPortal's File Formats page.

Files written (meta file + data file per profile; a profile no sample has is left out):
  meta_study.txt; meta/data_clinical_patient.txt; meta/data_clinical_sample.txt (4 '#' header rows);
  meta/data_mutations (MAF: the cohort's somatic calls); meta/data_cna (discrete -2..2, wide, from
  each sample's cn_events.tsv); meta/data_sv (cBioPortal SV columns, from fusion and rearrangement
  events); meta/data_seg (.seg from segments.tsv); data_gene_panel_<id>.txt per panel and
  meta/data_gene_panel_matrix.txt, so a gene off a sample's panel shows as "not profiled";
  case_lists/ (_sequenced, _cna, _sv, _cnaseq; `_all` comes from add_global_case_list).
cBioPortal ids may only hold letters, digits, '.', '_' and '-': other characters become '_' (a
clash after that is an input error); the original id is kept as SAMPLE_DISPLAY_NAME /
PATIENT_DISPLAY_NAME. Gene panels are imported into a portal before the study (cBioPortal's
importGenePanel.py); they are written here beside the study files.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..errors import LenallInputError
from ..genome import normalize_chrom
from ..model import EVENT_COLUMNS, SEGMENT_COLUMNS, Sample
from ..results import ResultFiles, TableRows, missing, read_optional_table
from .maf import CohortMaf, FileSink, MafSink

DEFAULT_STUDY_ID = "lenall_ball_cohort"
DEFAULT_STUDY_NAME = "B-ALL after lenalidomide for myeloma (lenall-genomics)"
REFERENCE_GENOME = {"GRCh38": "hg38", "GRCh37": "hg19"}
NA = "NA"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

# OncoTree codes: plasma cell myeloma and B-lymphoblastic leukemia/lymphoma.
ONCOTREE = {"MM": ("PCM", "Plasma Cell Myeloma", "Mature B-Cell Neoplasms"),
            "B-ALL": ("BLL", "B-Lymphoblastic Leukemia/Lymphoma", "B-Lymphoblastic Leukemia/Lymphoma"),
            "BALLLP": ("BLL", "B-Lymphoblastic Leukemia/Lymphoma",
                       "B-Lymphoblastic Leukemia/Lymphoma")}

# cn_events event_type words -> discrete level (first match wins; order matters).
CNA_WORDS = (("homozygous", -2), ("biallelic", -2), ("deep", -2), ("amplification", 2),
             ("amp", 2), ("gain", 1), ("duplication", 1), ("hemizygous", -1),
             ("heterozygous", -1), ("loss", -1), ("deletion", -1), ("del", -1))
SV_WORDS = ("fusion", "rearrangement", "translocation", "inversion", "sv")
_TOTAL_CN = re.compile(r"total_cn\s*[=:]\s*([0-9.]+)")

CNA_PROFILE = "cna"
MUTATION_PROFILE = "mutations"
SV_PROFILE = "structural_variants"

SV_COLUMNS = ("Sample_Id", "SV_Status", "Site1_Hugo_Symbol", "Site1_Chromosome",
              "Site1_Position", "Site2_Hugo_Symbol", "Site2_Chromosome", "Site2_Position", "NCBI_Build", "Class",
              "Event_Info", "Annotation", "DNA_Support", "RNA_Support", "Comments")
SEG_COLUMNS = ("ID", "chrom", "loc.start", "loc.end", "num.mark", "seg.mean")

PanelLookup = Callable[[str, str], frozenset[str]]


@dataclass
class StudySummary:
    """What was written and what was left out (and why), for the command's log and QC."""

    folder: Path
    files: list[str] = field(default_factory=list)
    samples: int = 0
    patients: int = 0
    renamed_ids: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count


@dataclass(frozen=True)
class StudyInfo:
    study_id: str = DEFAULT_STUDY_ID
    name: str = DEFAULT_STUDY_NAME
    description: str = ("Somatic variants, fusions, copy number and ploidy of B-ALL arising after "
                        "lenalidomide-treated multiple myeloma, produced by lenall-genomics.")
    type_of_cancer: str | None = None  # default: from the diagnoses ("mixed" when several)


def cbioportal_id(value: str) -> str:
    return _UNSAFE.sub("_", value.strip()) or "_"


def export_cbioportal(
    samples: Sequence[Sample],
    results: ResultFiles,
    folder: str | Path,
    genome: str,
    mutations: CohortMaf,
    *,
    info: StudyInfo | None = None,
    panel_genes: PanelLookup | None = None,
    panel_base: str | Path | None = None,
    also: Sequence[MafSink] = (),
    subtypes: Mapping[str, str] | None = None,
) -> StudySummary:
    """Write the study into `folder` (replaced as a whole, so no stale file survives). The
    mutation rows are streamed from `mutations` once, to data_mutations.txt and to `also`.
    `subtypes` (patient -> genetic subtype, cohort/subtypes.tsv) fills the SUBTYPE attribute."""
    info = info or StudyInfo()
    if not re.fullmatch(r"[A-Za-z0-9._-]+", info.study_id):
        raise LenallInputError(f"study id '{info.study_id}' has characters cBioPortal refuses",
                               field="--study-id", hint="use letters, digits, '.', '_' and '-'")
    lookup = panel_genes or _default_panels(panel_base)
    target = Path(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the study is an ordinary folder
    try:
        summary = _write_study(staging, samples, results, genome, mutations, info, lookup, also,
                               subtypes or {})
        _swap_in(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    summary.folder = target
    return summary


def _default_panels(base: str | Path | None) -> PanelLookup:
    """Panel ids from assets/panels; gene-list or BED paths relative to `base` (the samplesheet's
    folder)."""
    from ..readers.panels import panel_genes

    return lambda spec, kind: panel_genes(spec, kind, base)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _swap_in(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old.{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old)


# --- the study -------------------------------------------------------------------------------------

@dataclass
class _Profiled:
    """Per sample: the cBioPortal id and the panel each profile was measured with (None = absent)."""

    sample: Sample
    cbio_id: str
    mutations: str | None = None  # panel stable id, or "" = profiled without a declared panel
    cna: str | None = None
    sv: str | None = None


def _write_study(folder: Path, samples: Sequence[Sample], results: ResultFiles, genome: str,
                 mutations: CohortMaf, info: StudyInfo, lookup: PanelLookup,
                 also: Sequence[MafSink], subtypes: Mapping[str, str]) -> StudySummary:
    summary = StudySummary(folder)
    tumours = sorted((s for s in samples if s.is_tumour), key=lambda s: (s.patient, s.sample))
    summary.skip("non-tumour samples left out", len(samples) - len(tumours))
    ids = _ids(tumours, summary)
    patient_ids = _patient_ids(tumours, summary)
    panels: dict[str, frozenset[str]] = {}
    profiled = [_profile(s, ids[s.sample], results, lookup, panels) for s in tumours]
    summary.samples, summary.patients = len(tumours), len(patient_ids)
    write = _Writer(folder, summary, info.study_id)

    types = sorted({ONCOTREE.get(s.diagnosis, ("mixed",))[0].lower() for s in tumours})
    write.meta("meta_study.txt", {
        "type_of_cancer": info.type_of_cancer or (types[0] if len(types) == 1 else "mixed"),
        "cancer_study_identifier": info.study_id, "name": info.name,
        "description": info.description, "add_global_case_list": "true",
        "reference_genome": REFERENCE_GENOME[genome]}, study_line=False)
    _clinical(write, tumours, ids, patient_ids, subtypes)

    p_mut = [p for p in profiled if p.mutations is not None]
    if p_mut:
        _mutations(write, mutations, ids, p_mut, summary, also)
    p_cna = [p for p in profiled if p.cna is not None]
    if p_cna:
        _cna(write, p_cna, results, panels, summary)
        _seg(write, p_cna, results, genome, summary)
    p_sv = [p for p in profiled if p.sv is not None]
    if p_sv:
        _sv(write, p_sv, results, genome, summary)
    _panels(write, profiled, panels)
    _case_lists(write, p_mut, p_cna, p_sv, info.study_id)
    return summary


def _ids(tumours: Sequence[Sample], summary: StudySummary) -> dict[str, str]:
    ids: dict[str, str] = {}
    owner: dict[str, str] = {}
    for s in tumours:
        safe = cbioportal_id(s.sample)
        if safe in owner and owner[safe] != s.sample:
            raise LenallInputError(
                f"samples '{owner[safe]}' and '{s.sample}' both become '{safe}' in cBioPortal",
                field="sample", line=s.row, hint="cBioPortal ids allow letters, digits, . _ -")
        owner[safe] = s.sample
        ids[s.sample] = safe
        if safe != s.sample:
            summary.renamed_ids[s.sample] = safe
    return ids


def _patient_ids(tumours: Sequence[Sample], summary: StudySummary) -> dict[str, str]:
    ids: dict[str, str] = {}
    owner: dict[str, str] = {}  # cBioPortal id -> the first patient given it
    for s in tumours:
        safe = cbioportal_id(s.patient)
        clash = owner.setdefault(safe, s.patient)
        if clash != s.patient:
            raise LenallInputError(f"patients '{clash}' and '{s.patient}' both become '{safe}' "
                                   "in cBioPortal", field="patient", line=s.row)
        ids[s.patient] = safe
        if safe != s.patient:
            summary.renamed_ids[s.patient] = safe
    return ids


def _panel_id(spec: str, kind: str) -> str:
    stem = Path(spec).stem if ("/" in spec or "." in spec) else spec
    return cbioportal_id(stem) + ("" if kind == "dna" else "-RNA")


def _use_panel(spec: str | None, kind: str, lookup: PanelLookup,
               panels: dict[str, frozenset[str]]) -> str:
    """The panel's stable id (registering its genes), or "" when the sample declares none."""
    if not spec:
        return ""
    stable = _panel_id(spec, kind)
    if stable not in panels:
        panels[stable] = lookup(spec, kind)
    return stable


def _profile(s: Sample, cbio_id: str, results: ResultFiles, lookup: PanelLookup,
             panels: dict[str, frozenset[str]]) -> _Profiled:
    p = _Profiled(s, cbio_id)
    if s.vcf or s.maf or results.find(s.sample, "maf"):
        p.mutations = _use_panel(s.dna_panel, "dna", lookup, panels)
    if s.segments or results.find(s.sample, "cn_events.tsv"):
        p.cna = _use_panel(s.dna_panel, "dna", lookup, panels)
    if s.fusions or results.find(s.sample, "fusions.tsv"):
        dna = s.fusion_format == "sv-vcf"
        p.sv = _use_panel(s.dna_panel if dna else s.rna_panel, "dna" if dna else "rna", lookup,
                          panels)
    return p


class _Writer:
    def __init__(self, folder: Path, summary: StudySummary, study_id: str) -> None:
        self.folder, self.summary, self.study_id = folder, summary, study_id

    def text(self, name: str, text: str) -> None:
        with self.open(name) as handle:
            handle.write(text)

    @contextmanager
    def open(self, name: str) -> Iterator[IO[str]]:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            yield handle
        self.summary.files.append(name)

    def meta(self, name: str, fields: Mapping[str, str], *, study_line: bool = True) -> None:
        lines = [f"cancer_study_identifier: {self.study_id}"] if study_line else []
        lines += [f"{key}: {_one_line(value)}" for key, value in fields.items()]
        self.text(name, "\n".join(lines) + "\n")

    def table(self, name: str, columns: Sequence[str], rows: Iterable[Mapping[str, object]],
              header: Sequence[str] = (), *, empty: str = NA) -> None:
        lines = list(header) + ["\t".join(columns)]
        for row in rows:
            lines.append("\t".join(_field(row.get(c), empty) for c in columns))
        self.text(name, "\n".join(lines) + "\n")


def _one_line(value: object) -> str:
    return " ".join(str(value).splitlines())


def _field(value: object, empty: str = NA) -> str:
    if value is None:
        return empty
    if isinstance(value, float):
        return empty if math.isnan(value) else f"{value:.4f}".rstrip("0").rstrip(".")
    text = " ".join(str(value).replace("\t", " ").splitlines())
    return empty if text == "" else text


# --- clinical --------------------------------------------------------------------------------------

def _clinical_header(columns: Sequence[tuple[str, str, str, str, str]]) -> list[str]:
    """The four '#' rows (display name, description, datatype, priority)."""
    return ["#" + "\t".join(c[1] for c in columns), "#" + "\t".join(c[2] for c in columns),
            "#" + "\t".join(c[3] for c in columns), "#" + "\t".join(c[4] for c in columns)]


PATIENT_ATTRIBUTES = (
    ("PATIENT_ID", "Patient Identifier", "Patient identifier", "STRING", "1"),
    ("PATIENT_DISPLAY_NAME", "Patient Display Name", "Patient id as given in the samplesheet",
     "STRING", "0"),
    ("SEX", "Sex", "Sex of the patient", "STRING", "1"),
    ("SUBTYPE", "Genetic Subtype", "B-ALL genetic subtype (WHO-HAEM5/ICC 2022) from "
     "lenall-genomics cohort/subtypes.tsv", "STRING", "1"),
)
SAMPLE_ATTRIBUTES = (
    ("PATIENT_ID", "Patient Identifier", "Patient identifier", "STRING", "1"),
    ("SAMPLE_ID", "Sample Identifier", "Sample identifier", "STRING", "1"),
    ("SAMPLE_DISPLAY_NAME", "Sample Display Name", "Sample id as given in the samplesheet",
     "STRING", "0"),
    ("CANCER_TYPE", "Cancer Type", "Cancer type (OncoTree)", "STRING", "1"),
    ("CANCER_TYPE_DETAILED", "Cancer Type Detailed", "Cancer type detailed (OncoTree)", "STRING",
     "1"),
    ("ONCOTREE_CODE", "Oncotree Code", "OncoTree code of the diagnosis", "STRING", "1"),
    ("DIAGNOSIS", "Diagnosis", "Diagnosis of the sample (MM, B-ALL, BALLLP)", "STRING", "1"),
    ("TIMEPOINT", "Timepoint", "Sampling date or label", "STRING", "1"),
    ("DNA_PANEL", "DNA Panel", "DNA sequencing panel", "STRING", "1"),
    ("RNA_PANEL", "RNA Panel", "RNA fusion panel", "STRING", "1"),
    ("TUMOR_PURITY", "Tumor Purity", "Tumour cell fraction given in the samplesheet", "NUMBER",
     "1"),
)
_SEX = {"male": "Male", "female": "Female"}


def _clinical(write: _Writer, tumours: Sequence[Sample], ids: Mapping[str, str],
              patient_ids: Mapping[str, str], subtypes: Mapping[str, str]) -> None:
    patients: dict[str, dict[str, object]] = {}
    for s in tumours:
        record = patients.setdefault(s.patient, {
            "PATIENT_ID": patient_ids[s.patient], "PATIENT_DISPLAY_NAME": s.patient, "SEX": None,
            "SUBTYPE": subtypes.get(s.patient)})
        if s.sex in _SEX:
            record["SEX"] = _SEX[s.sex]
    write.meta("meta_clinical_patient.txt", {"genetic_alteration_type": "CLINICAL",
                                             "datatype": "PATIENT_ATTRIBUTES",
                                             "data_filename": "data_clinical_patient.txt"})
    columns = [c[0] for c in PATIENT_ATTRIBUTES]
    write.table("data_clinical_patient.txt", columns,
                (patients[p] for p in sorted(patients, key=lambda p: patient_ids[p])),
                _clinical_header(PATIENT_ATTRIBUTES))
    rows = []
    for s in tumours:
        code, name, detailed = ONCOTREE.get(s.diagnosis, (None, None, None))
        rows.append({"PATIENT_ID": patient_ids[s.patient], "SAMPLE_ID": ids[s.sample],
                     "SAMPLE_DISPLAY_NAME": s.sample, "CANCER_TYPE": name,
                     "CANCER_TYPE_DETAILED": detailed, "ONCOTREE_CODE": code,
                     "DIAGNOSIS": s.diagnosis, "TIMEPOINT": s.timepoint, "DNA_PANEL": s.dna_panel,
                     "RNA_PANEL": s.rna_panel, "TUMOR_PURITY": s.purity})
    write.meta("meta_clinical_sample.txt", {"genetic_alteration_type": "CLINICAL",
                                            "datatype": "SAMPLE_ATTRIBUTES",
                                            "data_filename": "data_clinical_sample.txt"})
    write.table("data_clinical_sample.txt", [c[0] for c in SAMPLE_ATTRIBUTES],
                sorted(rows, key=lambda r: (r["PATIENT_ID"], r["SAMPLE_ID"])),
                _clinical_header(SAMPLE_ATTRIBUTES))


# --- mutations -------------------------------------------------------------------------------------

def _mutations(write: _Writer, mutations: CohortMaf, ids: Mapping[str, str],
               profiled: Sequence[_Profiled], summary: StudySummary,
               also: Sequence[MafSink]) -> None:
    columns = mutations.columns
    if "Tumor_Sample_Barcode" not in columns:
        raise LenallInputError("the cohort MAF has no Tumor_Sample_Barcode column",
                               field="Tumor_Sample_Barcode")
    write.meta("meta_mutations.txt", {
        "genetic_alteration_type": "MUTATION_EXTENDED", "datatype": "MAF",
        "stable_id": MUTATION_PROFILE, "show_profile_in_analysis_tab": "true",
        "profile_name": "Mutations",
        "profile_description": "Somatic mutations (germline and artifacts removed) called by "
                               "lenall-genomics from the samples' VCF or MAF files.",
        "data_filename": "data_mutations.txt"})
    with write.open("data_mutations.txt") as handle:
        handle.write("\t".join(columns) + "\n")
        sink = _StudyMutations(handle, columns, ids, {p.sample.sample for p in profiled}, summary)
        mutations.stream([sink, *also])


class _StudyMutations(FileSink):
    """data_mutations.txt: the cohort MAF's rows as text, barcodes as cBioPortal ids."""

    def __init__(self, handle: IO[str], columns: Sequence[str], ids: Mapping[str, str],
                 wanted: set[str], summary: StudySummary) -> None:
        super().__init__(handle)
        self.barcode = list(columns).index("Tumor_Sample_Barcode")
        self.ids, self.wanted, self.summary = ids, wanted, summary
        self.keep, self.cbio_id, self.same_id = False, "", False

    def start_sample(self, sample: str) -> None:
        self.keep = sample in self.wanted
        self.cbio_id = self.ids.get(sample, sample)
        self.same_id = self.cbio_id == sample  # a line given as is carries the sample's id

    def row(self, line: str | None, values: Callable[[], list[str]]) -> None:
        if not self.keep:
            self.summary.skip("mutations of samples not in the study")
        elif line is not None and self.same_id:
            self.handle.write(line)
        else:
            row = values()
            row[self.barcode] = self.cbio_id
            self.handle.write("\t".join(row) + "\n")

    def mark(self) -> object:
        return super().mark(), dict(self.summary.skipped)

    def rewind(self, mark: object) -> None:
        position, skipped = mark  # type: ignore[misc]
        super().rewind(position)
        self.summary.skipped = skipped


# --- copy number -----------------------------------------------------------------------------------

def cna_level(event_type: str, evidence: str = "") -> int | None:
    """Discrete level of a copy-number event (None: not a copy-number change)."""
    kind = event_type.lower()
    if any(word in kind for word in SV_WORDS):
        return None
    level = next((value for word, value in CNA_WORDS if word in kind), None)
    found = _TOTAL_CN.search(evidence or "")
    if level is not None and level < 0 and found and float(found.group(1)) == 0:
        level = -2
    return level


def expand_symbols(gene: str) -> list[str]:
    """'CDKN2A/B' -> CDKN2A, CDKN2B; 'IKZF1' -> IKZF1."""
    parts = [p.strip() for p in gene.split("/") if p.strip()]
    if not parts:
        return []
    symbols = [parts[0]]
    for part in parts[1:]:
        symbols.append(part if len(part) > 2 else parts[0][: -len(part)] + part)
    return symbols


def _events(results: ResultFiles, sample: str, suffix: str) -> list[dict[str, str]]:
    found = read_optional_table(results.find(sample, suffix), EVENT_COLUMNS)
    return found.rows if found else []


def _cna(write: _Writer, profiled: Sequence[_Profiled], results: ResultFiles,
         panels: Mapping[str, frozenset[str]], summary: StudySummary) -> None:
    levels: dict[str, dict[str, int]] = {}
    for p in profiled:
        calls: dict[str, int] = {}
        for event in _events(results, p.sample.sample, "cn_events.tsv"):
            level = cna_level(event["event_type"], event.get("evidence", ""))
            if level is None:
                continue  # rearrangements go to data_sv
            for gene in expand_symbols(event["gene"]):
                old = calls.get(gene)
                if old is None or (abs(level), -level) > (abs(old), -old):
                    calls[gene] = level
        levels[p.cbio_id] = calls
    genes = sorted({g for calls in levels.values() for g in calls}
                   | {g for p in profiled if p.cna for g in panels[p.cna]})
    columns = ["Hugo_Symbol"] + [p.cbio_id for p in profiled]
    rows = []
    for gene in genes:
        row: dict[str, object] = {"Hugo_Symbol": gene}
        for p in profiled:
            on_panel = not p.cna or gene in panels[p.cna]
            level = levels[p.cbio_id].get(gene)
            row[p.cbio_id] = level if level is not None else (0 if on_panel else NA)
        rows.append(row)
    write.meta("meta_cna.txt", {
        "genetic_alteration_type": "COPY_NUMBER_ALTERATION", "datatype": "DISCRETE",
        "stable_id": CNA_PROFILE, "show_profile_in_analysis_tab": "true",
        "profile_name": "Putative copy-number alterations",
        "profile_description": "Gene-level copy-number events from lenall-genomics. Values: -2 = "
                               "homozygous deletion; -1 = hemizygous deletion; 0 = neutral / no "
                               "change; 1 = gain; 2 = high level amplification.",
        "data_filename": "data_cna.txt"})
    write.table("data_cna.txt", columns, rows)


def _seg(write: _Writer, profiled: Sequence[_Profiled], results: ResultFiles, genome: str,
         summary: StudySummary) -> None:
    """data_seg.seg, one sample at a time: samples by id, each one's segments by position."""
    write.meta("meta_seg.txt", {
        "genetic_alteration_type": "COPY_NUMBER_ALTERATION", "datatype": "SEG",
        "reference_genome_id": REFERENCE_GENOME[genome],
        "description": "Copy-number segments (log2 ratio) normalized by lenall-genomics.",
        "data_filename": "data_seg.seg"})
    order = {str(i): i for i in range(1, 23)} | {"X": 23, "Y": 24, "MT": 25}
    with write.open("data_seg.seg") as handle:
        handle.write("\t".join(SEG_COLUMNS) + "\n")
        for p in sorted(profiled, key=lambda p: p.cbio_id):  # ids are unique (_ids)
            path = results.find(p.sample.sample, "segments.tsv")
            if path is None or not path.is_file():
                continue
            rows = []
            with TableRows(path, SEGMENT_COLUMNS) as found:
                for seg in found.dicts():
                    mean = _seg_mean(seg)
                    if mean is None:
                        summary.skip("segments without log2 or total copy number")
                        continue
                    chrom = normalize_chrom(seg["chrom"])
                    start = int(seg["start"])
                    rows.append(((order.get(chrom, 99), chrom, start), (
                        p.cbio_id, chrom, start, int(seg["end"]),
                        None if missing(seg["n_markers"]) else seg["n_markers"], mean)))
            rows.sort(key=lambda row: row[0])
            handle.writelines("\t".join(_field(value) for value in row) + "\n"
                              for _key, row in rows)


def _seg_mean(seg: Mapping[str, str]) -> float | None:
    if not missing(seg.get("log2")):
        return float(seg["log2"])
    if not missing(seg.get("total_cn")):
        # No log2 given: the ratio to two copies, floored so a homozygous loss stays finite.
        return math.log2(max(float(seg["total_cn"]), 0.1) / 2)
    return None


# --- structural variants ---------------------------------------------------------------------------

_LOCUS = re.compile(r"^(?:chr)?([0-9XYM]{1,2}|MT):(\d+)$", re.IGNORECASE)


def _sv_sites(event: Mapping[str, str]) -> tuple[str, str]:
    """5' and 3' genes: from a `5'::3'` label (`P2RY8::CRLF2 (inferred from DNA)`), else the
    event's gene and partner (events package: the 5' gene for non-curated fusions)."""
    label = event.get("label", "")
    if "::" in label:
        five, three = label.split("::", 1)
        return five.strip().split()[-1], (three.strip().split() or [""])[0]
    partner = "" if missing(event.get("partner")) else event["partner"]
    return event["gene"], partner


def _sv(write: _Writer, profiled: Sequence[_Profiled], results: ResultFiles, genome: str,
        summary: StudySummary) -> None:
    from ..genome import genes as gene_table

    try:
        located = gene_table(genome)
    except (FileNotFoundError, LenallInputError):
        located = {}
    rows: dict[tuple[str, str, str], dict[str, object]] = {}
    for p in profiled:
        events = _events(results, p.sample.sample, "fusions.tsv")
        events += [e for e in _events(results, p.sample.sample, "cn_events.tsv")
                   if cna_level(e["event_type"], e.get("evidence", "")) is None
                   and any(word in e["event_type"].lower() for word in SV_WORDS)]
        for event in events:
            site1, site2 = _sv_sites(event)
            (chrom1, pos1), (chrom2, pos2) = _breakpoints(event.get("evidence", ""), site1,
                                                          site2, located)
            site1, chrom1, pos1 = _site(site1, chrom1, pos1, located)
            site2, chrom2, pos2 = _site(site2, chrom2, pos2, located)
            if not site1 and not site2:
                summary.skip("structural variants with no gene at either breakpoint")
                continue
            source = event.get("source", "")
            key = (p.cbio_id, site1, site2)
            record = rows.get(key)
            if record is not None:  # the same fusion from RNA and DNA: one row, both supports
                record["DNA_Support"] = "Yes" if source.startswith("dna") else record["DNA_Support"]
                record["RNA_Support"] = "Yes" if source == "rna" else record["RNA_Support"]
                summary.skip("duplicate structural variants merged")
                continue
            rows[key] = {
                "Sample_Id": p.cbio_id, "SV_Status": "SOMATIC", "Site1_Hugo_Symbol": site1,
                "Site1_Chromosome": chrom1, "Site1_Position": pos1, "Site2_Hugo_Symbol": site2,
                "Site2_Chromosome": chrom2, "Site2_Position": pos2, "NCBI_Build": genome,
                "Class": _sv_class(event, chrom1, chrom2),
                "Event_Info": "Fusion" if event["event_type"] == "fusion" else event["event_type"],
                "Annotation": (event["label"] if event.get("label") not in ("", ".", "other", None)
                               else f"{site1 or chrom1}::{site2 or chrom2}"),
                "DNA_Support": "Yes" if source.startswith("dna") else "No",
                "RNA_Support": "Yes" if source == "rna" else "No",
                "Comments": "; ".join(v for v in (event.get("evidence"), event.get("confidence"))
                                      if v and not missing(v)) or None,
            }
    write.meta("meta_sv.txt", {
        "genetic_alteration_type": "STRUCTURAL_VARIANT", "datatype": "SV",
        "stable_id": SV_PROFILE, "show_profile_in_analysis_tab": "true",
        "profile_name": "Structural variants",
        "profile_description": "Fusions and rearrangements from RNA fusion callers, DNA structural "
                               "variants and copy-number breakpoints (lenall-genomics).",
        "data_filename": "data_sv.txt"})
    # An absent site is left empty: "NA" could be read as a gene symbol.
    write.table("data_sv.txt", SV_COLUMNS, (rows[k] for k in sorted(rows)), empty="")


_EVIDENCE_BREAKPOINTS = re.compile(r"breakpoints=([^;>\s]+):(\d+)>([^;,>\s]+):(\d+)")
_EVIDENCE_TYPE = re.compile(r"(?:^|;\s*)type=([^;]+)")
# caller SV types (Arriba, STAR-Fusion, Manta SVTYPE) -> cBioPortal's advised Class terms
_CLASS_WORDS = (("translocation", "TRANSLOCATION"), ("deletion", "DELETION"),
                ("duplication", "DUPLICATION"), ("inversion", "INVERSION"),
                ("insertion", "INSERTION"), ("del", "DELETION"), ("dup", "DUPLICATION"),
                ("inv", "INVERSION"), ("ins", "INSERTION"))


def _breakpoints(evidence: str, site1: str, site2: str, located: Mapping
                 ) -> tuple[tuple[str | None, str | None], ...]:
    """Both breakpoints from the evidence `breakpoints=chrA:posA>chrB:posB` (the first pair), in
    site order: they follow the caller's gene order, which a curated label may have reversed."""
    found = _EVIDENCE_BREAKPOINTS.search(evidence or "")
    if not found:
        return (None, None), (None, None)
    first = (normalize_chrom(found.group(1)), found.group(2))
    second = (normalize_chrom(found.group(3)), found.group(4))
    chrom1 = located[site1].chrom if site1 in located else None
    chrom2 = located[site2].chrom if site2 in located else None
    if (chrom1 and chrom1 == second[0] != first[0]) or (chrom2 and chrom2 == first[0] != second[0]):
        first, second = second, first
    return first, second


def _site(name: str, chrom: str | None, pos: str | None, located: Mapping
          ) -> tuple[str, str | None, str | None]:
    """Gene symbol, chromosome and position of one breakpoint; a `chrom:pos` name has no gene."""
    locus = _LOCUS.match(name)
    if locus:
        return "", normalize_chrom(locus.group(1)), locus.group(2)
    if chrom is None and name in located:
        chrom = located[name].chrom
    return name, chrom, pos


def _sv_class(event: Mapping[str, str], chrom1: str | None, chrom2: str | None) -> str:
    if chrom1 and chrom2 and chrom1 != chrom2:
        return "TRANSLOCATION"
    found = _EVIDENCE_TYPE.search(event.get("evidence", "") or "")
    for text in ((found.group(1) if found else ""), event["event_type"]):
        lowered = text.lower()
        for word, term in _CLASS_WORDS:
            if word in lowered:
                return term
    return "FUSION" if event["event_type"] == "fusion" else "UNKNOWN"


# --- gene panels and case lists --------------------------------------------------------------------

def _panels(write: _Writer, profiled: Sequence[_Profiled],
            panels: Mapping[str, frozenset[str]]) -> None:
    for stable in sorted(panels):
        write.text(f"data_gene_panel_{stable}.txt",
                   f"stable_id: {stable}\n"
                   f"description: Genes evaluable on {stable} (lenall-genomics panel table)\n"
                   "gene_list: " + "\t".join(sorted(panels[stable])) + "\n")
    present = [(MUTATION_PROFILE, "mutations"), (CNA_PROFILE, "cna"), (SV_PROFILE, "sv")]
    present = [(name, attr) for name, attr in present
               if any(getattr(p, attr) is not None for p in profiled)]
    if not present:
        return
    write.meta("meta_gene_panel_matrix.txt", {"genetic_alteration_type": "GENE_PANEL_MATRIX",
                                              "datatype": "GENE_PANEL_MATRIX",
                                              "data_filename": "data_gene_panel_matrix.txt"})
    rows = []
    for p in sorted(profiled, key=lambda p: p.cbio_id):
        row: dict[str, object] = {"SAMPLE_ID": p.cbio_id}
        for name, attr in present:
            row[name] = getattr(p, attr) or NA
        rows.append(row)
    write.table("data_gene_panel_matrix.txt", ["SAMPLE_ID"] + [n for n, _ in present], rows)


def _case_lists(write: _Writer, mut: Sequence[_Profiled], cna: Sequence[_Profiled],
                sv: Sequence[_Profiled], study_id: str) -> None:
    with_cna = {q.cbio_id for q in cna}
    both = [p for p in mut if p.cbio_id in with_cna]
    lists = (
        ("sequenced", "Samples profiled for mutations", "all_cases_with_mutation_data", mut),
        ("cna", "Samples profiled for copy-number alterations", "all_cases_with_cna_data", cna),
        ("sv", "Samples profiled for structural variants", "all_cases_with_sv_data", sv),
        ("cnaseq", "Samples profiled for mutations and copy number",
         "all_cases_with_mutation_and_cna_data", both),
    )
    for suffix, name, category, members in lists:
        if not members:
            continue
        ids = sorted(p.cbio_id for p in members)
        write.meta(f"case_lists/cases_{suffix}.txt", {
            "stable_id": f"{study_id}_{suffix}", "case_list_name": name,
            "case_list_description": f"{name} ({len(ids)} samples)",
            "case_list_category": category, "case_list_ids": "\t".join(ids)})
