"""Germline / artifact / somatic decision for one allele; every decision gives a status and reason.

Order of the rules (first that applies decides):
1. FILTER not PASS -> filtered (reason: the FILTER value).
2. Tumour support below min depth / alt reads / VAF -> filtered (hotspots use a lower VAF).
3. Panel-of-normals hit -> artifact.
4. Matched normal with enough depth: normal VAF >= normal_germline_vaf -> germline; normal alt
   reads above max_normal_alt_reads and normal VAF >= tumor_in_normal_ratio x tumour VAF ->
   artifact. A clean, covered normal makes the call somatic (population AF only adds a flag).
5. Population AF (INFO/CSQ gnomAD fields, user population VCF, Mutect2 POPAF):
   > population_af_germline -> germline; > population_af_likely_germline -> likely_germline unless
   a hotspot.
6. Tumour-only with purity: SGZ-style binomial likelihood germline vs somatic (Sun et al. 2018)
   at copy number 2; without purity no VAF-based call is made (flag germline_not_excluded).
   Protein-altering variants in predisposition genes, and hotspots, stay somatic; the former are
   flagged germline_confirmation_recommended.
Independently of the status, an allele with a gnomAD sub-population AF above max_subpop_af gets
the flag common_variant (vcf2maf --max-subpop-af; `common_variant`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import NamedTuple

from ..assets import asset, asset_rows
from ..errors import LenallInputError

GERMLINE_FLAG = "germline_confirmation_recommended"
COMMON_VARIANT_FLAG = "common_variant"


@dataclass(frozen=True)
class Thresholds:
    min_tumor_depth: int = 20
    min_tumor_alt_reads: int = 3
    min_tumor_vaf: float = 0.05
    min_tumor_vaf_hotspot: float = 0.02
    min_normal_depth: int = 10
    max_normal_alt_reads: int = 3
    normal_germline_vaf: float = 0.2
    tumor_in_normal_ratio: float = 0.1
    population_af_germline: float = 0.01
    population_af_likely_germline: float = 0.001
    max_subpop_af: float = 0.0004
    pon_min_count: int = 1
    germline_min_log10_lr: float = 0.0
    hom_alt_min_vaf: float = 0.9
    germline_vaf_low: float = 0.4
    germline_vaf_high: float = 0.6
    hom_flag_max_purity: float = 0.5
    prior_somatic: float = 0.5
    prior_somatic_hotspot: float = 0.995
    prior_somatic_hotspot_in_database: float = 0.5
    undetermined_max_abs_log10_lr: float = 1.0


@cache
def default_thresholds() -> Thresholds:
    """The defaults as written in assets/germline_thresholds.tsv (each with its source)."""
    values = {row["parameter"]: row["value"] for row in asset_rows("germline_thresholds.tsv")}
    kinds = {f.name: f.type for f in fields(Thresholds)}
    parsed = {}
    for name, value in values.items():
        if name not in kinds:
            raise LenallInputError(f"unknown threshold '{name}'", file=asset("germline_thresholds.tsv"))
        parsed[name] = int(value) if kinds[name] in (int, "int") else float(value)
    return Thresholds(**parsed)


def with_overrides(base: Thresholds, **overrides: float | int | None) -> Thresholds:
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})


@cache
def predisposition_genes() -> frozenset[str]:
    return frozenset(row["gene"] for row in asset_rows("predisposition_genes.tsv"))


@cache
def _germline_states(purity: float) -> tuple[tuple[float, float], ...]:
    """(ln f, ln(1-f)) of the heterozygous germline VAFs at copy number 2 for this purity."""
    p = purity
    return tuple((math.log(f), math.log(1 - f)) for f in (0.5, (1 + p) / 2, max((1 - p) / 2, 1e-6)))


_HOM = (math.log(0.99), math.log(0.01))


def germline_log10_lr(alt: int, depth: int, purity: float, hom_min_vaf: float = 0.9) -> float:
    """log10 [best germline likelihood / best somatic likelihood], copy number 2 (SGZ states).

    Germline: het VAF 0.5, het with LOH keeping the alt (1+p)/2 or losing it (1-p)/2, hom-alt
    ~0.99 (only when VAF >= hom_min_vaf, as FilterMutectCalls). Somatic: clonal or subclonal
    heterozygous, VAF in (0, p/2], or clonal with copy-neutral LOH, VAF p. The binomial
    coefficient is common to both and cancels.
    """
    ref = depth - alt
    states = _germline_states(purity)
    best_g = max(alt * lf + ref * lq for lf, lq in states)
    if depth and alt / depth >= hom_min_vaf:
        best_g = max(best_g, alt * _HOM[0] + ref * _HOM[1])
    het = min(max(alt / depth if depth else 0.0, 1e-6), purity / 2)
    loh = min(purity, 1 - 1e-6)
    best_s = max(alt * math.log(het) + ref * math.log(1 - het),
                 alt * math.log(loh) + ref * math.log(1 - loh))
    return (best_g - best_s) / math.log(10)


class Decision(NamedTuple):
    status: str
    reason: str
    flags: list[str]


def _decision(status: str, reason: str, flags: list[str]) -> Decision:
    # tuple.__new__ skips the Python-level NamedTuple __new__: one Decision per allele
    return _new_tuple(Decision, (status, reason, flags))


_new_tuple = tuple.__new__


PROTEIN_ALTERING = frozenset({
    "Missense_Mutation", "Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins", "In_Frame_Del",
    "In_Frame_Ins", "Splice_Site", "Translation_Start_Site", "Nonstop_Mutation"})


def decide(call, *, thresholds: Thresholds, paired: bool, purity: float | None,
           hotspot: bool, gene: str | None, classification: str | None = None) -> Decision:
    t = thresholds
    flags: list[str] = []
    if call.multiallelic:
        flags.append("multiallelic_split")
    if call.vcf_filter:
        return _decision("filtered", call.vcf_filter, flags)
    depth, alt = call.t_depth, call.t_alt
    if depth is None or alt is None:
        flags.append("no_read_counts")
    else:
        vaf = alt / depth if depth else 0.0
        min_vaf = t.min_tumor_vaf_hotspot if hotspot else t.min_tumor_vaf
        if depth < t.min_tumor_depth:
            return _decision("filtered", f"tumor_depth<{t.min_tumor_depth}", flags)
        if alt < t.min_tumor_alt_reads:
            return _decision("filtered", f"tumor_alt_reads<{t.min_tumor_alt_reads}", flags)
        if vaf < min_vaf:
            return _decision("filtered", f"tumor_vaf<{_num(min_vaf)}", flags)
        if hotspot and vaf < t.min_tumor_vaf:
            flags.append("hotspot_rescued")
    if call.pon:
        return _decision("artifact", "panel_of_normals", flags)

    pop_af = call.population_af
    normal_clean = False
    if paired:
        n_depth, n_alt = call.n_depth, call.n_alt
        if n_depth is None or n_depth < t.min_normal_depth:
            flags.append("low_normal_depth")
        else:
            n_vaf = (n_alt or 0) / n_depth
            t_vaf = call.t_vaf or 0.0
            if n_vaf >= t.normal_germline_vaf:
                return _decision("germline", f"normal_vaf>={_num(t.normal_germline_vaf)}", flags)
            if (n_alt or 0) > t.max_normal_alt_reads and n_vaf >= t.tumor_in_normal_ratio * t_vaf:
                return _decision("artifact", f"normal_alt_reads>{t.max_normal_alt_reads}", flags)
            if n_alt:
                flags.append("tumor_in_normal")
            normal_clean = True
    if pop_af is not None and pop_af > t.population_af_likely_germline and normal_clean:
        flags.append("high_population_af")
    if not normal_clean and pop_af is not None:
        if pop_af > t.population_af_germline:
            return _decision("germline", f"population_af>{_num(t.population_af_germline)}", flags)
        if pop_af > t.population_af_likely_germline and not hotspot:
            return _decision("likely_germline",
                            f"population_af>{_num(t.population_af_likely_germline)}", flags)
    if not normal_clean and depth and alt is not None:
        protected = gene in predisposition_genes() and classification in PROTEIN_ALTERING
        in_database = pop_af is not None and pop_af > t.population_af_likely_germline
        return _tumor_only(call, t, purity, hotspot, protected, in_database, flags)
    return _decision("somatic", "matched_normal_clean" if normal_clean else "passed", flags)


def is_common_variant(subpop_af: float | None, thresholds: Thresholds) -> bool:
    """vcf2maf's common_variant tag: a gnomAD sub-population AF above max_subpop_af. A flag
    only: the status rules use the population AF (popmax / overall)."""
    return subpop_af is not None and subpop_af > thresholds.max_subpop_af


def somatic_prior(t: Thresholds, hotspot: bool, in_database: bool) -> float:
    """PureCN setPriorVcf prior.somatic without a matched normal: not in germline databases 0.5,
    COSMIC count > 6 0.995 (here: a hotspots.tsv hotspot), both 0.5."""
    if hotspot:
        return t.prior_somatic_hotspot_in_database if in_database else t.prior_somatic_hotspot
    return t.prior_somatic


PRIORS = ("prior_somatic", "prior_somatic_hotspot", "prior_somatic_hotspot_in_database")


def check_priors(t: Thresholds) -> None:
    """Each prior probability somatic must be strictly between 0 and 1."""
    for name in PRIORS:
        value = getattr(t, name)
        if not 0 < value < 1:
            raise LenallInputError(f"{name} {value:g} is not in (0, 1)",
                                   field=f"--{name.replace('_', '-')}",
                                   hint="a probability strictly between 0 and 1")


def posterior_somatic(log10_lr: float, prior: float) -> float:
    """P(somatic | reads) from log10 [L(germline) / L(somatic)] and the prior P(somatic) in
    (0, 1)."""
    log10_odds_germline = log10_lr + math.log10((1 - prior) / prior)
    if log10_odds_germline > 300:
        return 0.0
    if log10_odds_germline < -300:
        return 1.0
    return 1 / (1 + 10 ** log10_odds_germline)


def _tumor_only(call, t: Thresholds, purity: float | None, hotspot: bool, protected: bool,
                in_database: bool, flags: list[str]) -> Decision:
    """Tumour-only VAF model; `protected`: a protein-altering variant in a predisposition gene;
    `in_database`: population AF above population_af_likely_germline."""
    depth, alt = call.t_depth, call.t_alt
    vaf = alt / depth
    in_window = t.germline_vaf_low <= vaf <= t.germline_vaf_high
    hom_like = vaf >= t.hom_alt_min_vaf and (purity is None or purity < t.hom_flag_max_purity)
    if purity is None or not 0 < purity < 1:
        if protected and (in_window or hom_like):
            flags.append(GERMLINE_FLAG)
        elif purity is None and (in_window or vaf >= t.hom_alt_min_vaf):
            flags.append("germline_not_excluded")
        return _decision("somatic", "tumor_only_passed", flags)
    lr = germline_log10_lr(alt, depth, purity, t.hom_alt_min_vaf)
    prior = somatic_prior(t, hotspot, in_database)
    p_somatic = posterior_somatic(lr, prior)
    lr_text = f"{lr:.1f}"
    if lr_text == "-0.0":
        lr_text = "0.0"
    evidence = f"(log10LR={lr_text},prior_somatic={prior:g},p_somatic={p_somatic:.3g})"
    germline_like = lr + math.log10((1 - prior) / prior) > t.germline_min_log10_lr
    if hotspot and not in_database:
        # a known somatic hotspot is never germline on VAF alone (its prior is PureCN's COSMIC one)
        if lr > t.germline_min_log10_lr:
            flags.append("germline_not_excluded")
        if protected and (lr > t.germline_min_log10_lr or in_window or hom_like):
            flags.append(GERMLINE_FLAG)  # TP53 R248Q is also a Li-Fraumeni germline variant
        return _decision("somatic", f"tumor_only_vaf_somatic{evidence}", flags)
    if protected:
        if germline_like or in_window or hom_like:
            flags.append(GERMLINE_FLAG)
        return _decision("somatic", f"tumor_only_vaf_somatic{evidence}", flags)
    between = purity / 2 <= vaf <= 0.5
    if between and abs(lr) < t.undetermined_max_abs_log10_lr:
        return _decision("undetermined", f"tumor_only_vaf_undetermined{evidence}", flags)
    if germline_like:
        return _decision("likely_germline", f"tumor_only_vaf_germline{evidence}", flags)
    return _decision("somatic", f"tumor_only_vaf_somatic{evidence}", flags)


def _num(value: float) -> str:
    return f"{value:g}"


class SiteLookup:
    """Indexed region queries on a sites VCF (population AF or panel of normals) through pysam."""

    def __init__(self, path: str | Path, *, role: str) -> None:
        import pysam

        self.path = Path(path)
        if not self.path.is_file():
            raise LenallInputError(f"{role} VCF not found", file=self.path)
        try:
            self.vcf = pysam.VariantFile(str(self.path))
            self.vcf.fetch(next(iter(self.vcf.header.contigs), "1"), 0, 1)
        except (ValueError, OSError) as error:
            raise LenallInputError(f"{role} VCF has no usable index ({error})", file=self.path,
                                   hint="bgzip it and index with `tabix -p vcf`") from None
        self.contigs = set(self.vcf.header.contigs)
        self.af_keys = [k for k in ("AF_popmax", "popmax", "MAX_AF", "AF_grpmax", "AF")
                        if k in self.vcf.header.info]

    def _contig(self, chrom: str) -> str | None:
        for name in (chrom, f"chr{chrom}", "chrM" if chrom == "MT" else chrom):
            if name in self.contigs:
                return name
        return None

    def records(self, chrom: str, pos: int, ref: str, alt: str):
        contig = self._contig(chrom)
        if contig is None:
            return
        for record in self.vcf.fetch(contig, pos - 1, pos):
            if record.pos == pos and record.ref == ref and alt in (record.alts or ()):
                yield record, record.alts.index(alt)

    def allele_frequency(self, chrom: str, pos: int, ref: str, alt: str) -> float | None:
        best = None
        for record, index in self.records(chrom, pos, ref, alt):
            for key in self.af_keys:
                value = record.info.get(key)
                if isinstance(value, tuple):
                    value = value[index] if index < len(value) else None
                if value is not None and (best is None or value > best):
                    best = float(value)
        return best

    def contains(self, chrom: str, pos: int, ref: str, alt: str) -> bool:
        return any(True for _ in self.records(chrom, pos, ref, alt))
