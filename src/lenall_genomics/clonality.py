"""Clonal relatedness of two tumours of one patient (e.g. a myeloma and a later B-ALL).

Per pair of tumour samples, ordered by timepoint, the evidence is:
- sample identity first: germline homozygous-site concordance and IBS0 (somalier,
  docs/methods.md e);
- somatic mutations shared and private (chrom/pos/ref/alt), with the other sample's reads at each
  site so that presence below the calling threshold is seen;
- the Ostrovnaya-Begg likelihood-ratio test, which weighs a shared mutation by how common it is
  in independent tumours (assets/mutation_frequencies.tsv), p-value by simulation (fixed seed);
- copy-number breakpoints shared within a tolerance (breakclone) and shared arm-level events;
- IGH clonotypes: same IGHV and IGHJ genes, same junction length, >= 85% nucleotide identity.
The verdict comes from the ordered rules in assets/clonality_rules.tsv, with its evidence.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from .assets import asset
from .errors import LenallInputError
from .genome import AUTOSOMES, CHROMOSOMES, normalize_chrom
from .model import SEGMENT_COLUMNS, VARIANT_COLUMNS, Sample
from .readers.cells import parse_number

CLONALITY_COLUMNS = (
    "patient", "earlier_sample", "later_sample", "identity", "identity_sites", "shared",
    "private_earlier", "private_later", "lr_statistic", "p_value", "cn_breakpoints_shared",
    "igh_shared", "verdict", "evidence",
)
EVIDENCE_COLUMNS = (
    "patient", "earlier_sample", "later_sample", "chrom", "pos", "ref", "alt", "gene", "hgvsp",
    "status", "other_sample_reads", "in_test", "earlier_call", "earlier_depth",
    "earlier_alt_count", "earlier_vaf", "later_call", "later_depth", "later_alt_count",
    "later_vaf", "population_frequency", "frequency_basis", "ch_gene",
)
RESULT_SUFFIXES = ("variants.tsv", "variants.qc.json", "segments.tsv", "cn_events.tsv",
                   "clonotypes.tsv")
GERMLINE_STATUSES = ("germline", "likely_germline")
SHARED_STATUSES = ("shared", "subthreshold_earlier", "subthreshold_later")
TESTABLE_ABSENCE = ("absent_with_coverage", "no_record")

Key = tuple[str, int, str, str]


# --- parameters and data tables ----------------------------------------------------------------

def _table(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@cache
def default_parameters() -> dict[str, float]:
    return {row["name"]: float(row["value"]) for row in _table(asset("clonality_parameters.tsv"))}


@cache
def ch_genes() -> frozenset[str]:
    return frozenset(row["gene"] for row in _table(asset("ch_genes.tsv")))


@dataclass(frozen=True)
class FrequencyTable:
    exact: dict[tuple[str, str], float]
    default: float

    def lookup(self, gene: str | None, hgvsp: str | None) -> tuple[float, str]:
        """(frequency, basis): exact protein change, then codon, then gene, then default."""
        short = short_protein_change(hgvsp)
        if gene and short:
            if (gene, short) in self.exact:
                return self.exact[(gene, short)], f"{gene} {short}"
            codon = re.match(r"^p\.([A-Z*]\d+)", short)
            if codon and (gene, f"p.{codon.group(1)}") in self.exact:
                return self.exact[(gene, f"p.{codon.group(1)}")], f"{gene} p.{codon.group(1)}"
        if gene and (gene, "*") in self.exact:
            return self.exact[(gene, "*")], f"{gene} any"
        return self.default, "default"


def load_frequencies(path: str | Path | None = None) -> FrequencyTable:
    path = Path(path) if path else asset("mutation_frequencies.tsv")
    exact: dict[tuple[str, str], float] = {}
    default = None
    for number, row in enumerate(_table(path), start=1):
        try:
            value = float(row["frequency"])
        except (KeyError, TypeError, ValueError):
            raise LenallInputError("frequency is not a number", file=path, line=number,
                                   field="frequency", hint="use a value between 0 and 1") from None
        if not 0 < value < 1:
            raise LenallInputError(f"frequency {value} is not between 0 and 1", file=path,
                                   line=number, field="frequency",
                                   hint="a population frequency p must satisfy 0 < p < 1")
        if row["gene"] == "*" and row["variant"] == "default":
            default = value
        else:
            exact[(row["gene"], row["variant"])] = value
    if default is None:
        raise LenallInputError("no default row (gene '*', variant 'default')", file=path,
                               field="variant", hint="add the frequency used for unlisted "
                                                     "mutations")
    return FrequencyTable(exact, default)


_AA3 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
    "Sec": "U", "Xaa": "X",
}


def short_protein_change(hgvsp: str | None) -> str | None:
    """'ENSP..:p.Gly12Asp' / 'p.(Gly12Asp)' / 'p.G12D' -> 'p.G12D'."""
    if not hgvsp or hgvsp == ".":
        return None
    text = hgvsp.split(":")[-1].replace("(", "").replace(")", "")
    if not text.startswith("p."):
        return None
    body = re.sub("|".join(_AA3), lambda m: _AA3[m.group(0)], text[2:])
    return "p." + body


# --- verdict rules -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    rule_id: str
    verdict: str
    clauses: tuple[tuple[str, str, str], ...]  # (metric, operator, value); empty = always
    source: str
    text: str


_OPERATORS = ("<=", ">=", "==", "!=", "<", ">")


def load_rules(path: str | Path | None = None) -> tuple[Rule, ...]:
    path = Path(path) if path else asset("clonality_rules.tsv")
    rules = []
    for number, row in enumerate(_table(path), start=1):
        text = (row.get("conditions") or "").strip()
        clauses: list[tuple[str, str, str]] = []
        if text != "always":
            for clause in text.split("&"):
                match = re.match(r"^\s*([a-z_]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$", clause)
                if not match:
                    raise LenallInputError(
                        f"cannot read condition '{clause.strip()}'", file=path, line=number,
                        field="conditions",
                        hint="write 'metric operator value' clauses joined by ' & ', "
                             "or 'always'")
                clauses.append((match.group(1), match.group(2), match.group(3)))
        rules.append(Rule(row["rule"], row["verdict"], tuple(clauses), row.get("source", ""),
                          text))
    if not rules or rules[-1].clauses:
        raise LenallInputError("the last rule must be 'always'", file=path, field="conditions",
                               hint="end the table with a catch-all rule (indeterminate)")
    return tuple(rules)


def _holds(clause: tuple[str, str, str], metrics: dict[str, object]) -> bool:
    name, op, wanted = clause
    value = metrics.get(name)
    if value is None:
        return False
    try:
        number = float(wanted)
    except ValueError:
        number = None
    if number is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        left, right = float(value), number
    else:
        left, right = str(value), wanted
    return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
            "==": left == right, "!=": left != right}[op]  # type: ignore[operator]


def apply_rules(rules: Sequence[Rule], metrics: dict[str, object]) -> Rule:
    return next(rule for rule in rules if all(_holds(c, metrics) for c in rule.clauses))


# --- the Ostrovnaya-Begg likelihood-ratio test -------------------------------------------------

XI_GRID = 1001  # xi in [0, 1] in steps of 0.001


def locus_log_likelihoods(p: float, xi: float) -> tuple[float, float]:
    """(log P(shared | >=1 mutated), log P(private | >=1 mutated)) at clonal fraction xi.

    Shared: xi*p + (1-xi)*p^2; private (either tumour): 2(1-xi)p(1-p); both divided by
    P(>=1 mutated) = p*(xi + (1-xi)(2-p)) (Ostrovnaya & Begg; docs/methods.md d).
    """
    denominator = xi + (1 - xi) * (2 - p)
    shared = math.log((xi + (1 - xi) * p) / denominator)
    private = math.log(2 * (1 - xi) * (1 - p) / denominator) if xi < 1 else -math.inf
    return shared, private


def _likelihood_tables(freqs: Sequence[float]):
    import numpy as np

    p = np.asarray(freqs, dtype=float)[:, None]
    xi = np.linspace(0.0, 1.0, XI_GRID)[None, :]
    denominator = xi + (1 - xi) * (2 - p)
    shared = np.log((xi + (1 - xi) * p) / denominator)
    with np.errstate(divide="ignore"):
        private = np.log(2 * (1 - xi) * (1 - p) / denominator)
    private[:, -1] = 0.0  # xi = 1 is impossible with a private locus; handled by the caller
    return shared, private


def _lr_rows(shared_matrix, shared_ll, private_ll):
    """LR = max over xi of l(xi) - l(0), one per row of the 0/1 shared matrix."""
    import numpy as np

    s = np.asarray(shared_matrix, dtype=float)
    loglik = s @ shared_ll + (1.0 - s) @ private_ll
    any_private = (s < 0.5).any(axis=1)
    loglik[any_private, -1] = -np.inf
    return loglik.max(axis=1) - loglik[:, 0]


def lr_statistic(shared: Sequence[float], private: Sequence[float]) -> float:
    """Log-likelihood ratio of clonal (max over xi) vs independent (xi = 0) tumours."""
    if not shared and not private:
        return 0.0
    freqs = list(shared) + list(private)
    shared_ll, private_ll = _likelihood_tables(freqs)
    row = [[1.0] * len(shared) + [0.0] * len(private)]
    return max(0.0, float(_lr_rows(row, shared_ll, private_ll)[0]))


def lr_test(shared: Sequence[float], private: Sequence[float], *, simulations: int,
            seed: int) -> tuple[float, float | None]:
    """(LR statistic, Monte-Carlo p-value) under independence: each locus is shared with
    probability p/(2-p). p = (1 + #{LR_sim >= LR_obs}) / (1 + simulations). No loci: (0, None)."""
    import numpy as np

    if not shared and not private:
        return 0.0, None
    freqs = np.asarray(list(shared) + list(private), dtype=float)
    shared_ll, private_ll = _likelihood_tables(freqs)
    observed = [[1.0] * len(shared) + [0.0] * len(private)]
    lr_obs = float(_lr_rows(observed, shared_ll, private_ll)[0])
    rng = np.random.default_rng(seed)
    draws = rng.random((simulations, len(freqs))) < (freqs / (2 - freqs))[None, :]
    lr_sim = _lr_rows(draws, shared_ll, private_ll)
    # a relative tolerance so that datasets equal to the observed one count as "as extreme"
    extreme = int((lr_sim >= lr_obs - 1e-9 * max(1.0, abs(lr_obs))).sum())
    return max(0.0, lr_obs), (1 + extreme) / (1 + simulations)


# --- per-sample results ------------------------------------------------------------------------

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
    wanted = {f"{s}.{suffix}": (s, suffix) for s in samples for suffix in RESULT_SUFFIXES}
    found: dict[tuple[str, str], Path] = {}
    if not results.is_dir():
        raise LenallInputError("results folder not found", file=results,
                               hint="give the folder with the per-sample outputs (--results)")
    for path in sorted(results.rglob("*")):
        key = wanted.get(path.name)
        if key is None or not path.is_file():
            continue
        if key in found:
            raise LenallInputError(
                f"two files named {path.name}", file=path, field="--results",
                hint=f"also at {found[key]}; keep one result folder per sample")
        found[key] = path
    return found


def _number(text: str | None, path: Path, line: int, column: str) -> float | None:
    return parse_number(text, file=path, line=line, field=column,
                        hint="variants.tsv must be written by `lenall variants`")


def read_variants_tsv(path: Path, genome: str) -> dict[Key, dict]:
    from .genome import chromosomes

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
            "hgvsp": _text(row.get("hgvsp")), "depth": depth, "alt": alt, "vaf": vaf,
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
        from .genome import genes
        from .readers.panels import panel_genes
        names = panel_genes(sample.dna_panel, "dna")
        extents = genes(genome)
    except (ImportError, FileNotFoundError, LenallInputError):
        return None, None
    intervals = sorted((g.chrom, g.start, g.end) for n, g in extents.items() if n in names)
    return frozenset(names), intervals


def load_sample(sample: Sample, files: dict[tuple[str, str], Path], genome: str) -> SampleData:
    from .readers.clonotypes import load_clonotypes_tsv

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


# --- reads at a site (variants table, or BAM/CRAM) ---------------------------------------------

class ReadCounter:
    """Depth and alt-read counts at a site from a BAM/CRAM, through pysam."""

    def __init__(self, path: Path, reference: Path | None = None,
                 min_base_quality: int = 20, min_mapping_quality: int = 20) -> None:
        import pysam

        if not path.is_file():
            raise LenallInputError("alignment file not found", file=path, field="--bam",
                                   hint="give --bam SAMPLE=PATH to an indexed BAM or CRAM")
        try:
            self.handle = pysam.AlignmentFile(str(path), reference_filename=(
                str(reference) if reference else None))
            self.handle.check_index()
        except (ValueError, OSError) as error:
            raise LenallInputError(f"cannot open alignments: {error}", file=path, field="--bam",
                                   hint="index it (samtools index); a CRAM needs --reference"
                                   ) from None
        self.contigs = {normalize_chrom(c): c for c in self.handle.references}
        self.min_bq, self.min_mq = min_base_quality, min_mapping_quality

    def counts(self, chrom: str, pos: int, ref: str, alt: str) -> tuple[int, int] | None:
        contig = self.contigs.get(normalize_chrom(chrom))
        if contig is None:
            return None
        depth = alt_reads = 0
        for column in self.handle.pileup(contig, pos - 1, pos, truncate=True,
                                         min_base_quality=self.min_bq,
                                         min_mapping_quality=self.min_mq,
                                         ignore_orphans=False):
            for read in column.pileups:
                if read.is_refskip:
                    continue
                depth += 1
                if _supports(read, ref, alt):
                    alt_reads += 1
        return depth, alt_reads


def _supports(read, ref: str, alt: str) -> bool:
    if len(ref) == len(alt):
        if read.is_del or read.query_position is None:
            return False
        start = read.query_position
        return read.alignment.query_sequence[start:start + len(alt)].upper() == alt
    return read.indel == len(alt) - len(ref)


@dataclass(frozen=True)
class Reads:
    depth: float | None
    alt: float | None
    vaf: float | None
    source: str  # variants | bam | panel | none
    call: str  # the variants.tsv status, "bam", or "absent"


def reads_at(data: SampleData, key: Key, counters: dict[str, ReadCounter]) -> Reads:
    row = (data.variants or {}).get(key)
    if row is not None:
        return Reads(row["depth"], row["alt"], row["vaf"], "variants", row["status"])
    counter = counters.get(data.name)
    if counter is not None:
        found = counter.counts(*key)
        if found is not None:
            depth, alt = found
            return Reads(depth, alt, alt / depth if depth else None, "bam", "bam")
    return Reads(None, None, None, "none", "absent")


def on_panel(data: SampleData, gene: str | None, chrom: str, pos: int) -> bool | None:
    """Does the sample's DNA panel cover this site? None when its panel is unknown."""
    if data.covered is None or data.panel_genes is None:
        return None
    if gene and gene in data.panel_genes:
        return True
    return any(c == chrom and s <= pos <= e for c, s, e in data.covered)


# --- somatic mutations: shared, private, below threshold ---------------------------------------

@dataclass
class MutationComparison:
    rows: list[dict] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.rows if r["status"] in statuses)

    def tested(self) -> tuple[list[float], list[float]]:
        shared = [r["population_frequency"] for r in self.rows
                  if r["in_test"] and r["status"] in SHARED_STATUSES]
        private = [r["population_frequency"] for r in self.rows
                   if r["in_test"] and r["status"] not in SHARED_STATUSES]
        return shared, private


def _presence(reads: Reads, covered: bool | None, params: dict[str, float]) -> str:
    if reads.source == "none":
        return "not_on_panel" if covered is False else "no_record"
    if (reads.alt or 0) >= params["min_alt_reads"]:
        return "present_below_threshold"
    if (reads.depth or 0) >= params["min_depth"]:
        return "absent_with_coverage"
    return "not_covered"


def compare_mutations(earlier: SampleData, later: SampleData, freqs: FrequencyTable,
                      params: dict[str, float], counters: dict[str, ReadCounter]
                      ) -> MutationComparison:
    somatic_e = {k for k, r in (earlier.variants or {}).items() if r["status"] == "somatic"}
    somatic_l = {k for k, r in (later.variants or {}).items() if r["status"] == "somatic"}
    result = MutationComparison()
    for key in sorted(somatic_e | somatic_l, key=site_order):
        row_e = (earlier.variants or {}).get(key) or {}
        row_l = (later.variants or {}).get(key) or {}
        gene = row_e.get("gene") or row_l.get("gene")
        hgvsp = row_e.get("hgvsp") or row_l.get("hgvsp")
        reads_e, reads_l = reads_at(earlier, key, counters), reads_at(later, key, counters)
        if key in somatic_e and key in somatic_l:
            status, other = "shared", "called"
        elif key in somatic_e:
            other = _presence(reads_l, on_panel(later, gene, key[0], key[1]), params)
            status = ("subthreshold_later" if other == "present_below_threshold"
                      else "private_earlier")
        else:
            other = _presence(reads_e, on_panel(earlier, gene, key[0], key[1]), params)
            status = ("subthreshold_earlier" if other == "present_below_threshold"
                      else "private_later")
        frequency, basis = freqs.lookup(gene, hgvsp)
        in_test = status in SHARED_STATUSES or other in TESTABLE_ABSENCE
        result.rows.append({
            "chrom": key[0], "pos": key[1], "ref": key[2], "alt": key[3], "gene": gene,
            "hgvsp": hgvsp, "status": status, "other_sample_reads": other, "in_test": in_test,
            "earlier_call": reads_e.call, "earlier_depth": _whole(reads_e.depth),
            "earlier_alt_count": _whole(reads_e.alt), "earlier_vaf": reads_e.vaf,
            "later_call": reads_l.call, "later_depth": _whole(reads_l.depth),
            "later_alt_count": _whole(reads_l.alt), "later_vaf": reads_l.vaf,
            "population_frequency": frequency, "frequency_basis": basis,
            "ch_gene": bool(gene and gene in ch_genes()),
        })
    return result


def _whole(value: float | None) -> int | float | None:
    return int(value) if value is not None and float(value).is_integer() else value


def site_order(key: Key) -> tuple:
    chrom = key[0]
    rank = CHROMOSOMES.index(chrom) if chrom in CHROMOSOMES else len(CHROMOSOMES)
    return (rank, chrom, key[1], key[2], key[3])


# --- sample identity (somalier-style, docs/methods.md e) --------------------------------------

@dataclass(frozen=True)
class Identity:
    call: str  # match | mismatch | unknown
    sites: int  # germline sites genotyped in both samples
    hom_alts_a: int = 0
    hom_alts_b: int = 0
    shared_hom_alts: int = 0
    ibs0: int = 0
    hom_concordance: float | None = None

    def describe(self) -> str:
        if self.hom_concordance is None:
            return f"identity {self.call}: {self.sites} informative germline sites"
        return (f"identity {self.call}: homozygous concordance {self.hom_concordance:.2f} "
                f"(shared hom-alt {self.shared_hom_alts}, IBS0 {self.ibs0}, hom-alt "
                f"{self.hom_alts_a}/{self.hom_alts_b}) over {self.sites} germline sites")


def genotype(reads: Reads, params: dict[str, float]) -> int | None:
    """0 hom-ref, 1 het, 2 hom-alt from depth and VAF; None when not confident."""
    if reads.vaf is None or (reads.depth or 0) < params["min_depth"]:
        return None
    if reads.vaf <= params["hom_ref_vaf_max"]:
        return 0
    if params["het_vaf_min"] <= reads.vaf <= params["het_vaf_max"]:
        return 1
    if reads.vaf >= params["hom_alt_vaf_min"]:
        return 2
    return None


def _identity_genotype(data: SampleData, key: Key, gene: str | None,
                       params: dict[str, float], counters: dict[str, ReadCounter]
                       ) -> int | None:
    reads = reads_at(data, key, counters)
    if reads.source != "none":
        return genotype(reads, params)
    # a germline site not recorded where the panel covers it: homozygous reference there
    return 0 if on_panel(data, gene, key[0], key[1]) else None


def _identity_site(key: Key, row: dict, params: dict[str, float]) -> bool:
    if key[0] not in AUTOSOMES or len(key[2]) != 1 or len(key[3]) != 1:
        return False
    common = (row.get("population_af") or 0.0) >= params["identity_min_population_af"]
    return row["status"] in GERMLINE_STATUSES or common


def sample_identity(a: SampleData, b: SampleData, params: dict[str, float],
                    counters: dict[str, ReadCounter]) -> Identity:
    """Homozygous concordance = (shared hom-alts - 2 IBS0) / min(hom-alts a, hom-alts b), as
    somalier; robust to the LOH of tumours. Sites: autosomal SNVs that either sample records as
    germline, or as a common polymorphism (a swapped-in tumour's SNPs may look somatic against
    the matched normal of another person)."""
    sites: set[Key] = set()
    for data in (a, b):
        sites |= {k for k, r in (data.variants or {}).items()
                  if _identity_site(k, r, params)}
    pairs = []
    for key in sorted(sites, key=site_order):
        gene = ((a.variants or {}).get(key) or (b.variants or {}).get(key) or {}).get("gene")
        ga = _identity_genotype(a, key, gene, params, counters)
        gb = _identity_genotype(b, key, gene, params, counters)
        if ga is not None and gb is not None:
            pairs.append((ga, gb))
    n = len(pairs)
    hom_a = sum(1 for ga, _ in pairs if ga == 2)
    hom_b = sum(1 for _, gb in pairs if gb == 2)
    shared = sum(1 for ga, gb in pairs if ga == gb == 2)
    ibs0 = sum(1 for ga, gb in pairs if abs(ga - gb) == 2)
    if n < params["identity_min_sites"] or max(hom_a, hom_b) == 0:
        return Identity("unknown", n, hom_a, hom_b, shared, ibs0)
    concordance = (shared - 2 * ibs0) / max(1, min(hom_a, hom_b))
    if concordance >= params["identity_match_min"]:
        call = "match"
    elif concordance < params["identity_mismatch_max"]:
        call = "mismatch"
    else:
        call = "unknown"
    return Identity(call, n, hom_a, hom_b, shared, ibs0, concordance)


# --- copy number -------------------------------------------------------------------------------

def segment_state(segment: dict, params: dict[str, float]) -> int | None:
    if segment["total_cn"] is not None:
        return int(round(segment["total_cn"]))
    log2 = segment["log2"]
    if log2 is None:
        return None
    if log2 <= params["cn_deep_loss_log2"]:
        return 0
    if log2 <= params["cn_loss_log2"]:
        return 1
    if log2 < params["cn_gain_log2"]:
        return 2
    return 3 if log2 < params["cn_amp_log2"] else 4


def breakpoints(segments: Sequence[dict], params: dict[str, float]) -> list[tuple[str, int]]:
    """Positions where the copy-number state changes between adjacent segments of a chromosome."""
    found = []
    by_chrom: dict[str, list[dict]] = {}
    for segment in segments:
        by_chrom.setdefault(segment["chrom"], []).append(segment)
    for chrom, items in by_chrom.items():
        items.sort(key=lambda s: s["start"])
        for left, right in zip(items, items[1:], strict=False):
            a, b = segment_state(left, params), segment_state(right, params)
            if a is not None and b is not None and a != b:
                found.append((chrom, left["end"]))
    return sorted(found, key=lambda bp: (site_order((bp[0], bp[1], "", ""))))


def cn_tolerance(samples: Sequence[Sequence[dict]], params: dict[str, float]) -> int:
    """breakclone: 5 x the mean distance between probes (segment length / markers)."""
    length = markers = 0.0
    for segments in samples:
        for segment in segments:
            if segment["n_markers"]:
                length += segment["end"] - segment["start"] + 1
                markers += segment["n_markers"]
    if not markers:
        return int(params["cn_tolerance_default"])
    return int(round(params["cn_tolerance_probes"] * length / markers))


def shared_breakpoints(a: Sequence[tuple[str, int]], b: Sequence[tuple[str, int]],
                       tolerance: int) -> list[tuple[str, int, int]]:
    """Pairs of breakpoints within `tolerance`, each used once (nearest first)."""
    candidates = sorted(
        (abs(pa - pb), ca, pa, pb) for ca, pa in a for cb, pb in b
        if ca == cb and abs(pa - pb) <= tolerance)
    used_a: set[tuple[str, int]] = set()
    used_b: set[tuple[str, int]] = set()
    matched = []
    for _, chrom, pa, pb in candidates:
        if (chrom, pa) in used_a or (chrom, pb) in used_b:
            continue
        used_a.add((chrom, pa))
        used_b.add((chrom, pb))
        matched.append((chrom, pa, pb))
    return sorted(matched, key=lambda m: site_order((m[0], m[1], "", "")))


def arm_events(segments: Sequence[dict], genome: str, params: dict[str, float]) -> set[str]:
    """Autosome arms with one non-neutral state (loss/gain/LOH) over >= 90% of their segments."""
    from .genome import ACROCENTRIC, chromosomes

    table = chromosomes(genome)
    events = set()
    for chrom in AUTOSOMES:
        if chrom not in table:
            continue
        info = table[chrom]
        arms = {"q": (info.centromere_end + 1, info.length)}
        if chrom not in ACROCENTRIC:
            arms["p"] = (1, info.centromere_start)
        for arm, (start, end) in arms.items():
            lengths: dict[str, float] = {}
            callable_length = 0.0
            for s in segments:
                if s["chrom"] != chrom:
                    continue
                overlap = min(end, s["end"]) - max(start, s["start"]) + 1
                state = segment_state(s, params)
                if overlap <= 0 or state is None:
                    continue
                callable_length += overlap
                label = _arm_state(state, s["minor_cn"])
                lengths[label] = lengths.get(label, 0.0) + overlap
            for label, covered in lengths.items():
                if label != "neutral" and covered >= params["arm_fraction"] * callable_length:
                    events.add(f"{chrom}{arm} {label}")
    return events


def _arm_state(total: int, minor: float | None) -> str:
    if total < 2:
        return "loss"
    if total > 2:
        return "gain"
    return "LOH" if minor is not None and minor == 0 else "neutral"


# --- IGH clonotypes ----------------------------------------------------------------------------

def junction_identity(a: str, b: str) -> float | None:
    """Fraction of identical nucleotides of two junctions of equal length; None otherwise."""
    if not a or len(a) != len(b):
        return None
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def same_clonotype(a: dict, b: dict, min_identity: float) -> float | None:
    """Identity when a and b are one clonotype (V gene and J gene in common, equal junction
    length, identity >= min_identity: scoper), else None."""
    v_common = set(a["v_gene"].split(",")) & set(b["v_gene"].split(","))
    j_common = set(a["j_gene"].split(",")) & set(b["j_gene"].split(","))
    if not v_common or not j_common:
        return None
    identity = junction_identity(a["cdr3_nt"] or "", b["cdr3_nt"] or "")
    return identity if identity is not None and identity >= min_identity else None


def dominant_clonotypes(rows: Sequence[dict] | None, min_fraction: float) -> list[dict]:
    return [r for r in rows or () if r["fraction"] >= min_fraction and r.get("cdr3_nt")]


@dataclass(frozen=True)
class IghComparison:
    call: str  # yes | no | unknown
    matches: tuple[tuple[dict, dict, float], ...] = ()
    earlier: tuple[dict, ...] = ()
    later: tuple[dict, ...] = ()
    note: str = ""


def compare_igh(earlier: SampleData, later: SampleData, params: dict[str, float]
                ) -> IghComparison:
    if earlier.clonotypes is None or later.clonotypes is None:
        missing = [d.name for d in (earlier, later) if d.clonotypes is None]
        return IghComparison("unknown", note=f"no IGH clonotypes for {', '.join(missing)}")
    dom_e = dominant_clonotypes(earlier.clonotypes, params["igh_dominant_fraction"])
    dom_l = dominant_clonotypes(later.clonotypes, params["igh_dominant_fraction"])
    if not dom_e or not dom_l:
        missing = [d.name for d, dom in ((earlier, dom_e), (later, dom_l)) if not dom]
        return IghComparison("unknown", earlier=tuple(dom_e), later=tuple(dom_l),
                             note=f"no clonal IGH rearrangement in {', '.join(missing)}")
    matches = []
    for a in dom_e:
        for b in dom_l:
            identity = same_clonotype(a, b, params["igh_identity"])
            if identity is not None:
                matches.append((a, b, identity))
    return IghComparison("yes" if matches else "no", tuple(matches), tuple(dom_e), tuple(dom_l))


def clonotype_label(row: dict) -> str:
    aa = row.get("cdr3_aa") or row.get("cdr3_nt")
    return f"{row['v_gene']}/{row['j_gene']} {aa} ({row['fraction'] * 100:.1f}%)"


# --- one pair ----------------------------------------------------------------------------------

@dataclass
class PairResult:
    patient: str
    earlier: SampleData
    later: SampleData
    identity: Identity
    mutations: MutationComparison | None
    lr: float | None
    p_value: float | None
    cn_shared: list[tuple[str, int, int]] | None
    cn_tolerance: int | None
    arms_shared: set[str] | None
    cn_labels_shared: set[str] | None
    igh: IghComparison
    metrics: dict[str, object]
    rule: Rule

    @property
    def verdict(self) -> str:
        # a sample swap makes any relatedness call meaningless, whatever the rules table says
        return "identity_mismatch" if self.identity.call == "mismatch" else self.rule.verdict

    def row(self) -> dict:
        m = self.metrics
        return {
            "patient": self.patient, "earlier_sample": self.earlier.name,
            "later_sample": self.later.name, "identity": self.identity.call,
            "identity_sites": self.identity.sites, "shared": m["shared"],
            "private_earlier": m["private_earlier"], "private_later": m["private_later"],
            "lr_statistic": self.lr, "p_value": self.p_value,
            "cn_breakpoints_shared": m["cn_breakpoints_shared"], "igh_shared": self.igh.call,
            "verdict": self.verdict,
            "evidence": self.evidence(),
        }

    def evidence(self) -> str:
        parts = [f"rule {self.rule.rule_id} ({self.rule.text}; {self.rule.source})",
                 self.identity.describe()]
        if self.identity.call == "mismatch":
            parts.append("possible sample swap: no relatedness verdict")
        if self.mutations is None:
            parts.append("mutations: no variants table for "
                         + ", ".join(d.name for d in (self.earlier, self.later)
                                     if d.variants is None))
        else:
            shared = [r for r in self.mutations.rows if r["status"] in SHARED_STATUSES]
            listed = ", ".join(_mutation_label(r) for r in shared) or "none"
            parts.append(f"shared mutations: {listed}")
            parts.append(f"private: {self.metrics['private_earlier']} in {self.earlier.name}, "
                         f"{self.metrics['private_later']} in {self.later.name}")
            untested = sum(1 for r in self.mutations.rows if not r["in_test"])
            if untested:
                parts.append(f"{untested} mutation(s) left out of the test (site not covered "
                             f"in the other sample)")
            if self.p_value is not None:
                parts.append(f"LR {self.lr:.3f}, p {self.p_value:.4f}")
        if self.cn_shared is not None:
            bps = ", ".join(f"{c}:{a}~{b}" for c, a, b in self.cn_shared) or "none"
            parts.append(f"shared CN breakpoints (tolerance {self.cn_tolerance} bp): {bps}")
            parts.append("shared arm-level events: "
                         + (", ".join(sorted(self.arms_shared or ())) or "none"))
        if self.cn_labels_shared:
            parts.append("shared CN events: " + ", ".join(sorted(self.cn_labels_shared)))
        parts.append(_igh_text(self.igh, self.earlier.name, self.later.name))
        return "; ".join(p.replace("\t", " ").replace("\n", " ") for p in parts)


def _mutation_label(row: dict) -> str:
    name = f"{row['gene'] or row['chrom']} {short_protein_change(row['hgvsp']) or ''}".strip()
    if not short_protein_change(row["hgvsp"]):
        name += f" {row['chrom']}:{row['pos']}{row['ref']}>{row['alt']}"
    vafs = "/".join("." if v is None else f"{v:.2f}" for v in (row["earlier_vaf"],
                                                                row["later_vaf"]))
    flags = []
    if row["status"] != "shared":
        flags.append("below threshold in " + ("earlier" if row["status"].endswith("earlier")
                                              else "later"))
    if row["ch_gene"]:
        flags.append("CH gene")
    return f"{name} VAF {vafs}" + (f" [{', '.join(flags)}]" if flags else "")


def _igh_text(igh: IghComparison, earlier: str, later: str) -> str:
    if igh.call == "unknown" and not igh.earlier and not igh.later:
        return f"IGH: {igh.note}"
    if igh.call == "yes":
        pairs = ", ".join(f"{clonotype_label(a)} ~ {clonotype_label(b)} ({ident * 100:.0f}% nt)"
                          for a, b, ident in igh.matches)
        return f"IGH: shared clonotype {pairs}"
    text = (f"IGH: {earlier} " + (", ".join(map(clonotype_label, igh.earlier)) or "none")
            + f" vs {later} " + (", ".join(map(clonotype_label, igh.later)) or "none"))
    return text + (" distinct" if igh.call == "no" else f" ({igh.note})")


def analyse_pair(patient: str, earlier: SampleData, later: SampleData, *, genome: str,
                 freqs: FrequencyTable, rules: Sequence[Rule], params: dict[str, float],
                 counters: dict[str, ReadCounter] | None = None,
                 cn_tolerance_bp: int | None = None) -> PairResult:
    counters = counters or {}
    identity = sample_identity(earlier, later, params, counters)
    mutations = lr = p_value = None
    if earlier.variants is not None and later.variants is not None:
        mutations = compare_mutations(earlier, later, freqs, params, counters)
        shared_p, private_p = mutations.tested()
        lr, p_value = lr_test(shared_p, private_p, simulations=int(params["simulations"]),
                              seed=int(params["seed"]))
    cn_shared = arms = tolerance = None
    if earlier.segments is not None and later.segments is not None:
        tolerance = (cn_tolerance_bp if cn_tolerance_bp is not None
                     else cn_tolerance([earlier.segments, later.segments], params))
        cn_shared = shared_breakpoints(breakpoints(earlier.segments, params),
                                       breakpoints(later.segments, params), tolerance)
        arms = (arm_events(earlier.segments, genome, params)
                & arm_events(later.segments, genome, params))
    labels = None
    if earlier.cn_labels is not None and later.cn_labels is not None:
        labels = earlier.cn_labels & later.cn_labels
    igh = compare_igh(earlier, later, params)
    metrics = pair_metrics(identity, mutations, lr, p_value, cn_shared, arms, igh)
    rule = apply_rules(rules, metrics)
    return PairResult(patient, earlier, later, identity, mutations, lr, p_value, cn_shared,
                      tolerance, arms, labels, igh, metrics, rule)


def pair_metrics(identity: Identity, mutations: MutationComparison | None, lr: float | None,
                 p_value: float | None, cn_shared, arms, igh: IghComparison) -> dict[str, object]:
    metrics: dict[str, object] = {
        "identity": identity.call, "identity_sites": identity.sites,
        "lr_statistic": lr, "p_value": p_value, "igh_shared": igh.call,
        "cn_breakpoints_shared": None if cn_shared is None else len(cn_shared),
        "arm_events_shared": None if arms is None else len(arms),
        "shared": None, "shared_ch": None, "shared_non_ch": None, "private_earlier": None,
        "private_later": None, "ch_max_vaf_earlier": None,
    }
    if mutations is not None:
        shared = [r for r in mutations.rows if r["status"] in SHARED_STATUSES]
        ch = [r for r in shared if r["ch_gene"]]
        vafs = [r["earlier_vaf"] for r in ch if r["earlier_vaf"] is not None]
        metrics.update({
            "shared": len(shared), "shared_ch": len(ch), "shared_non_ch": len(shared) - len(ch),
            "private_earlier": mutations.count("private_earlier"),
            "private_later": mutations.count("private_later"),
            "ch_max_vaf_earlier": max(vafs) if vafs else None,
        })
    return metrics


# --- the cohort --------------------------------------------------------------------------------

def timepoint_order(samples: Sequence[Sample]) -> list[Sample]:
    """Earliest first: by ISO date when every sample has one, else by samplesheet row."""
    dates = [_iso_date(s.timepoint) for s in samples]
    if all(d is not None for d in dates):
        return [s for _, s in sorted(zip(dates, samples, strict=True), key=lambda x: (x[0], x[1].row))]
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


def write_clonality(result: CohortClonality, outdir: Path, *, plots: bool = True) -> None:
    from .writers import write_json, write_tsv

    outdir = Path(outdir)
    write_tsv(outdir / "clonality.tsv", CLONALITY_COLUMNS, [p.row() for p in result.pairs])
    evidence = []
    for pair in result.pairs:
        for row in (pair.mutations.rows if pair.mutations else ()):
            evidence.append({"patient": pair.patient, "earlier_sample": pair.earlier.name,
                             "later_sample": pair.later.name, **row})
    write_tsv(outdir / "clonality_evidence.tsv", EVIDENCE_COLUMNS, evidence, digits=6)
    write_json(outdir / "clonality.qc.json", {
        "pairs": len(result.pairs), "skipped_samples": result.skipped,
        "verdicts": _tally(p.verdict for p in result.pairs),
    })
    if plots:
        from .plots.clonality import plot_patient

        by_patient: dict[str, list[PairResult]] = {}
        for pair in result.pairs:
            by_patient.setdefault(pair.patient, []).append(pair)
        for patient, pairs in sorted(by_patient.items()):
            plot_patient(patient, pairs, outdir / "clonality" / _safe(patient))


def _tally(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)
