"""Column contracts between steps, controlled vocabularies and the Sample record.

Every per-sample and cohort table is written with exactly these headers (docs/design.md, "Outputs").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

GENOMES = ("GRCh38", "GRCh37")
DEFAULT_GENOME = "GRCh38"

# --- samplesheet -------------------------------------------------------------------------------
SAMPLESHEET_COLUMNS = (
    "patient", "sample", "diagnosis", "timepoint", "sex", "dna_panel", "rna_panel", "vcf", "maf",
    "normal", "fusions", "fusion_format", "segments", "segments_format", "clonotypes", "purity",
    "karyotype", "findings",
)
SAMPLESHEET_FILE_COLUMNS = ("vcf", "maf", "fusions", "segments", "clonotypes", "findings")
DIAGNOSES = ("MM", "B-ALL", "BALLLP", "normal")
TUMOUR_DIAGNOSES = ("MM", "B-ALL", "BALLLP")
ALL_DIAGNOSES = ("B-ALL", "BALLLP")  # the samples an oncoprint column stands for
SEXES = ("male", "female", "unknown")
# Samplesheet sex codes, any case: clinical sheets write M/F, nf-core sarek writes XX/XY; NA is
# unknown (an empty cell stays unset). assets/schema_input.json accepts exactly these.
SEX_CODES = {"male": "male", "m": "male", "xy": "male", "female": "female", "f": "female",
             "xx": "female", "unknown": "unknown", "na": "unknown"}

FUSION_FORMATS = ("arriba", "star-fusion", "fusioncatcher", "archer", "sv-vcf")
SEGMENT_FORMATS = ("cnvkit", "facets", "ascat", "seg", "purple")
CLONOTYPE_FORMATS = ("airr", "changeo", "mixcr")

# --- per-sample outputs ------------------------------------------------------------------------
VARIANT_COLUMNS = (
    "chrom", "pos", "ref", "alt", "gene", "transcript", "hgvsc", "hgvsp", "consequence",
    "variant_classification", "t_depth", "t_alt_count", "t_vaf", "n_depth", "n_alt_count",
    "n_vaf", "population_af", "status", "reason", "hotspot", "flags",
)
# undetermined: tumour-only call whose VAF does not tell somatic from germline (docs/methods.md a);
# not in the somatic MAF and not counted as a driver mutation.
VARIANT_STATUSES = ("somatic", "germline", "likely_germline", "undetermined", "artifact",
                    "filtered")

EVENT_COLUMNS = ("gene", "event_type", "partner", "label", "source", "evidence", "confidence")
# karyotype: the samplesheet's ISCN string; clinical: a findings table (FISH, RT-PCR, SNP array)
EVENT_SOURCES = ("rna", "dna_cn", "dna_sv", "karyotype", "clinical")

SEGMENT_COLUMNS = ("chrom", "start", "end", "log2", "total_cn", "minor_cn", "n_markers")

CLONOTYPE_COLUMNS = ("clone_id", "locus", "v_gene", "j_gene", "cdr3_nt", "cdr3_aa", "count",
                     "fraction")

# --- cohort outputs ----------------------------------------------------------------------------
ALTERATION_COLUMNS = ("patient", "sample", "row", "gene", "alteration", "display_class",
                      "source", "detail")
EVALUABILITY_COLUMNS = ("patient", "row", "evaluated", "basis")
# Alteration sources that are not sequencing: a cell altered only by these is marked as such on
# the oncoprints (figure and report).
CYTOGENETIC_SOURCES = frozenset({"karyotype", "clinical"})
FREQUENCY_COLUMNS = ("row", "altered", "evaluable", "percent", "label")
DISPLAY_CLASSES = (
    "missense", "truncating", "inframe", "splice", "insertion", "deletion", "cn_loss",
    "amplification", "fusion", "karyotype", "other",
)


def sample_output(outdir: Path, sample: str, suffix: str) -> Path:
    """Where a per-sample output lives: <outdir>/samples/<sample>/<sample>.<suffix>."""
    return Path(outdir) / "samples" / sample / f"{sample}.{suffix}"


@dataclass(frozen=True)
class Sample:
    """One samplesheet row, paths resolved against the samplesheet's folder."""

    patient: str
    sample: str
    diagnosis: str
    row: int = 0  # 1-based data row number in the samplesheet (header is row 0)
    timepoint: str | None = None
    sex: str | None = None
    dna_panel: str | None = None
    rna_panel: str | None = None
    vcf: Path | None = None
    maf: Path | None = None
    normal: str | None = None
    fusions: Path | None = None
    fusion_format: str | None = None
    segments: Path | None = None
    segments_format: str | None = None
    clonotypes: Path | None = None
    purity: float | None = None
    karyotype: str | None = None  # ISCN 2020 string, as written
    findings: Path | None = None  # clinical findings table (readers/findings.py)
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_tumour(self) -> bool:
        return self.diagnosis in TUMOUR_DIAGNOSES
