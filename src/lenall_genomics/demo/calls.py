"""Which records each demo VCF holds: the designed somatic variants, the person's germline SNPs at
the identity sites, and the salts a germline filter must catch (population-frequent, rare, no
population AF, FILTERed, artifacts, a multi-allelic site, a symbolic allele).

Read counts are drawn from fixed seeds. Every record carries its expected outcome for truth.tsv.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .annotation import Planned
from .design import MYELOID_PANEL_GENES, DemoSample, Design, Variant, chrom_rank

COMPLEMENT = str.maketrans("ACGT", "TGCA")
SALT_GENES = ("ATM", "KMT2D", "NOTCH1", "EP300", "ARID1A", "SETD2", "NF1")
MYELOID_SALT_GENES = ("JAK2", "NOTCH1", "FLT3", "RUNX1", "SF3B1", "ASXL1")
MULTIALLELIC_PATIENTS = ("02", "13", "25")
LOW_VAF = 0.05  # below the matched-normal VAF minimum (docs/methods.md a): may be reported filtered


@dataclass
class Record:
    chrom: str
    pos: int
    ref: str
    alts: list[str]
    filter: str
    t_ad: list[int]  # ref, alt1, alt2...
    n_ad: list[int] | None
    popaf: list[float | None]
    planned: list[Planned | None]
    truth: list[dict[str, str]]
    info: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, int, str]:
        return chrom_rank(self.chrom), self.pos, ",".join(self.alts)


def _planned(v: Variant) -> Planned:
    return Planned(v.gene, v.consequence, v.hgvsc, v.hgvsp, v.protein_position, v.amino_acids,
                   v.codons, v.exon, v.intron, v.alt_transcript, v.alt_consequence, v.alt_hgvsc,
                   v.alt_hgvsp, v.alt_protein_position, v.alt_amino_acids)


def _binomial(rng: random.Random, n: int, p: float, spread: float = 0.3) -> int:
    # normal approximation, clipped, stable across platforms; `spread` < 1 narrows it so that a
    # germline salt's VAF stays unambiguous (its expected status must not hinge on the draw)
    mean, sd = n * p, spread * (n * p * (1 - p)) ** 0.5
    return max(0, min(n, round(rng.gauss(mean, sd))))


def _counts(rng: random.Random, depth: int, vaf: float) -> list[int]:
    alt = _binomial(rng, depth, vaf)
    if vaf > 0:
        alt = max(alt, 3)
    return [depth - alt, alt]


def _exact(depth: int, vaf: float) -> list[int]:
    """Designed somatic variants: the designed VAF exactly, so their expected status is stable."""
    alt = max(3, round(depth * vaf))
    return [depth - alt, alt]


class _SaltMaker:
    """Positions and annotations for germline salts inside non-Figure-1 genes."""

    def __init__(self, design: Design, rng: random.Random, taken: set[tuple[str, int]]):
        self.design, self.rng, self.taken = design, rng, taken

    def site(self, gene: str, *, intronic: bool | None = None) -> tuple[str, int, str, str, Planned]:
        tx = next(t for t in self.design.genes(gene) if t.canonical)
        while True:
            pos = self.rng.randint(tx.start + 500, tx.end - 500)
            if (tx.chrom, pos) not in self.taken and all(
                    abs(pos - p) > 30 for c, p in self.taken if c == tx.chrom):
                break
        self.taken.add((tx.chrom, pos))
        ref = self.rng.choice("ACGT")
        alt = self.rng.choice([b for b in "ACGT" if b != ref])
        intronic = self.rng.random() < 0.5 if intronic is None else intronic
        return tx.chrom, pos, ref, alt, salt_annotation(gene, ref, alt, tx.strand, intronic,
                                                          self.rng, tx.exons)


def salt_annotation(gene: str, ref: str, alt: str, strand: int, intronic: bool,
                    rng: random.Random, exons: int) -> Planned:
    cref, calt = (ref, alt) if strand > 0 else (ref.translate(COMPLEMENT),
                                                 alt.translate(COMPLEMENT))
    cds = rng.randint(60, 3000)
    rank = rng.randint(1, max(1, exons - 1))
    if intronic:
        return Planned(gene, "intron_variant", f"c.{cds}+{rng.randint(20, 400)}{cref}>{calt}",
                       intron=f"{rank}/{exons - 1}")
    codon = (cds + 2) // 3
    cds = codon * 3  # third codon position: synonymous
    aa = rng.choice(["Leu", "Ser", "Gly", "Pro", "Val", "Thr", "Ala"])
    return Planned(gene, "synonymous_variant", f"c.{cds}{cref}>{calt}", f"p.{aa}{codon}=",
                   str(codon), {"Leu": "L", "Ser": "S", "Gly": "G", "Pro": "P", "Val": "V",
                                "Thr": "T", "Ala": "A"}[aa], "", f"{rank}/{exons}")


def _truth(sample: DemoSample, kind: str, expected: str, accepted: str, *, gene: str = "",
           figure_row: str = "", item: str = "", detail: str = "") -> dict[str, str]:
    return {"patient": sample.patient, "sample": sample.sample, "kind": kind, "item": item,
            "gene": gene, "figure_row": figure_row, "expected": expected, "accepted": accepted,
            "detail": detail}


def plan_records(design: Design, sample: DemoSample) -> list[Record]:
    rng = random.Random(f"lenall-demo records {sample.sample}")
    paired = sample.vcf == "mutect2_paired"
    vardict = sample.vcf == "vardict_snpeff"
    tumour_only_mutect = sample.vcf == "mutect2_tumor_only"
    records: list[Record] = []
    taken = {(v.chrom, v.pos) for v in design.variants}
    taken |= {(s.chrom, s.pos) for s in design.identity_sites}

    def depth() -> int:
        return rng.randint(250, 780)

    def normal_depth() -> int:
        return rng.randint(150, 460)

    for v in design.variants_of(sample.sample):
        counted = bool(v.figure_row) and sample.is_diagnostic_all
        flags = "germline_confirmation_recommended" if v.role == "germline_looking" else ""
        records.append(Record(
            v.chrom, v.pos, v.ref, [v.alt], "PASS", _exact(depth(), v.vafs[sample.sample]),
            [normal_depth(), 0] if paired else None, [v.population_af], [_planned(v)],
            [_truth(sample, "somatic_variant", "somatic",
                    "somatic" if v.vafs[sample.sample] >= LOW_VAF else "somatic;filtered",
                    gene=v.gene,
                    figure_row=v.figure_row if counted else "", item=v.id,
                    detail=";".join(x for x in (f"{v.hgvsc}", v.hgvsp, v.consequence, v.role,
                                                flags) if x))]))

    own = design.genotypes[sample.germline]
    normal = design.genotypes[sample.patient]
    for index, site in enumerate(design.identity_sites):
        if vardict and site.gene not in MYELOID_PANEL_GENES:
            continue
        genotype = own[index]
        if genotype == 0:
            continue
        t_ad = _counts(rng, depth(), 0.5 if genotype == 1 else 0.997)
        n_ad = None
        if paired:
            n_vaf = {0: 0.0, 1: 0.5, 2: 0.997}[normal[index]]
            n_ad = _counts(rng, normal_depth(), n_vaf) if n_vaf else [normal_depth(), 0]
        annotation = salt_annotation(site.gene, site.ref, site.alt,
                                     design.genes(site.gene)[0].strand, site.intronic,
                                     random.Random(f"lenall-demo site {site.pos}"),
                                     design.genes(site.gene)[0].exons)
        expected, accepted = (("likely_germline", "germline;likely_germline") if vardict
                              else ("germline", "germline;likely_germline;filtered"))
        records.append(Record(
            site.chrom, site.pos, site.ref, [site.alt], "germline" if paired else "PASS", t_ad,
            n_ad, [None if vardict else site.population_af], [annotation],
            [_truth(sample, "identity_snp", expected, accepted, gene=site.gene,
                    item=f"site{index + 1:02d}",
                    detail=f"genotype={'het' if genotype == 1 else 'hom_alt'};"
                           f"person={sample.germline}")]))

    salts = _SaltMaker(design, rng, taken)
    if paired and sample.diagnosis in ("B-ALL", "BALLLP"):
        records += _paired_salts(sample, salts, rng, depth, normal_depth)
    if tumour_only_mutect:
        records += _tumour_only_salts(sample, salts, rng, depth)
    if vardict:
        records += _vardict_salts(sample, salts, rng, depth)
    records.sort(key=lambda r: r.key)
    return records


def _paired_salts(sample, salts, rng, depth, normal_depth) -> list[Record]:
    out = []
    chrom, pos, ref, alt, ann = salts.site("ATM")
    out.append(Record(chrom, pos, ref, [alt], "germline", _counts(rng, depth(), 0.5),
                      _counts(rng, normal_depth(), 0.5), [0.0009], [ann],
                      [_truth(sample, "germline_salt", "germline",
                              "germline;likely_germline;filtered", gene="ATM",
                              item="rare_germline_in_normal",
                              detail="rare (gnomAD 0.0009) but het in the matched normal")]))
    chrom, pos, ref, alt, ann = salts.site("EP300")
    out.append(Record(chrom, pos, ref, [alt], "normal_artifact", _counts(rng, depth(), 0.07),
                      _counts(rng, normal_depth(), 0.04), [None], [ann],
                      [_truth(sample, "artifact_salt", "filtered", "filtered;artifact;germline",
                              gene="EP300", item="normal_artifact",
                              detail="FILTER normal_artifact: alt reads in the normal")]))
    chrom, pos, ref, alt, ann = salts.site("NOTCH1")
    out.append(Record(chrom, pos, ref, [alt], "weak_evidence", [497, 3], [normal_depth(), 0],
                      [None], [ann],
                      [_truth(sample, "artifact_salt", "filtered", "filtered;artifact",
                              gene="NOTCH1", item="weak_evidence",
                              detail="FILTER weak_evidence: 3 alt reads")]))
    chrom, pos, ref, alt, ann = salts.site("KMT2D")
    out.append(Record(chrom, pos, ref, [alt], "panel_of_normals", _counts(rng, depth(), 0.09),
                      [normal_depth(), 0], [None], [ann],
                      [_truth(sample, "artifact_salt", "filtered", "filtered;artifact",
                              gene="KMT2D", item="panel_of_normals",
                              detail="FILTER panel_of_normals (INFO PON)")],
                      info={"PON": ""}))
    if sample.patient in MULTIALLELIC_PATIENTS:
        chrom, pos, _ref, _alt, _ann = salts.site("ARID1A", intronic=True)
        ref, alts = "GTT", ["G", "GT"]
        t_depth = depth()
        a1, a2 = round(t_depth * 0.06), round(t_depth * 0.31)
        n_depth = normal_depth()
        n1, n2 = round(n_depth * 0.05), round(n_depth * 0.29)
        planned = [Planned("ARID1A", "intron_variant", f"c.{1200 + i}+35_{1200 + i}+36del",
                           intron="5/19") for i in (0, 1)]
        truth = [_truth(sample, "multiallelic", "filtered", "filtered;germline;likely_germline",
                        gene="ARID1A", item=f"multiallelic_allele{i}",
                        detail=f"GTT>{a} of GTT>G,GT: split into one row per allele")
                 for i, a in ((1, "G"), (2, "GT"))]
        out.append(Record(chrom, pos, ref, alts, "multiallelic;slippage",
                          [t_depth - a1 - a2, a1, a2], [n_depth - n1 - n2, n1, n2],
                          [0.012, 0.31], planned, truth))
    return out


def _tumour_only_salts(sample, salts, rng, depth) -> list[Record]:
    out = []
    specs = (
        ("ATM", 0.02, 0.5, "PASS", "germline", "germline;likely_germline",
         "common_snp_above_0.01", "gnomAD AF 0.02 > 0.01"),
        ("KMT2D", 0.004, 0.51, "PASS", "likely_germline", "likely_germline;germline",
         "rare_snp_0.001_0.01", "gnomAD AF 0.004 (0.001-0.01): likely germline"),
        ("NF1", None, 0.49, "PASS", "likely_germline", "likely_germline;germline",
         "no_population_af_het", "absent from gnomAD, VAF ~0.5"),
        ("SETD2", None, 0.995, "PASS", "likely_germline", "likely_germline;germline",
         "no_population_af_hom", "absent from gnomAD, VAF ~1.0"),
        ("EP300", 0.21, 0.5, "germline", "germline", "germline;filtered;likely_germline",
         "filter_germline", "FILTER germline"),
        ("NOTCH1", None, 0.006, "weak_evidence", "filtered", "filtered;artifact",
         "weak_evidence", "FILTER weak_evidence"),
    )
    for gene, popaf, vaf, filt, expected, accepted, item, detail in specs:
        chrom, pos, ref, alt, ann = salts.site(gene)
        out.append(Record(chrom, pos, ref, [alt], filt, _counts(rng, depth(), vaf), None,
                          [popaf], [ann],
                          [_truth(sample, "germline_salt" if "germline" in expected
                                  else "artifact_salt", expected, accepted, gene=gene, item=item,
                                  detail=detail)]))
    return out


def _vardict_salts(sample, salts, rng, depth) -> list[Record]:
    out = []
    chrom, pos, ref, alt, ann = salts.site("JAK2")
    out.append(Record(chrom, pos, ref, [alt], "PASS", _counts(rng, depth(), 0.5), None, [None],
                      [ann], [_truth(sample, "germline_salt", "likely_germline",
                                     "likely_germline;germline", gene="JAK2",
                                     item="no_population_af_het",
                                     detail="snpEff carries no population AF; VAF ~0.5")]))
    chrom, pos, ref, alt, ann = salts.site("RUNX1")
    out.append(Record(chrom, pos, ref, [alt], "f0.02", [611, 3], None, [None], [ann],
                      [_truth(sample, "artifact_salt", "filtered", "filtered;artifact",
                              gene="RUNX1", item="low_vaf_f0.02",
                              detail="FILTER f0.02 (VarDict allele-frequency filter)")]))
    chrom, pos, ref, alt, ann = salts.site("FLT3")
    out.append(Record(chrom, pos, ref, [alt], "q22.5;Bias", _counts(rng, depth(), 0.04), None,
                      [None], [ann],
                      [_truth(sample, "artifact_salt", "filtered", "filtered;artifact",
                              gene="FLT3", item="low_quality_bias",
                              detail="FILTER q22.5;Bias")]))
    if sample.patient == "27":
        chrom, pos, _r, _a, _ann = salts.site("SF3B1")
        out.append(Record(chrom, pos, "A", ["<DEL>"], "PASS", _counts(rng, depth(), 0.2), None,
                          [None], [None],
                          [_truth(sample, "symbolic_allele", "skipped", "skipped", gene="SF3B1",
                                  item="symbolic_del",
                                  detail="ALT <DEL> (VarDict SV call): skipped and counted")],
                          info={"SVTYPE": "DEL", "SVLEN": "-1840", "END": str(pos + 1840)}))
    return out
