"""Consequence choice, MAF classes, HGVSp short form, hotspots, driver rules, germline model."""

from __future__ import annotations

import pytest

from lenall_genomics.variants.consequence import (
    Annotator,
    Effect,
    short_hgvsp,
    variant_classification,
)
from lenall_genomics.variants.germline import germline_log10_lr
from lenall_genomics.variants.keygenes import driver_class, hotspot

FIELDS = ("Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature_type", "Feature",
          "BIOTYPE", "EXON", "INTRON", "HGVSc", "HGVSp", "CANONICAL", "MANE_SELECT", "gnomADe_AF",
          "MAX_AF")


def _entry(**values):
    return "|".join(values.get(f, "") for f in FIELDS)


@pytest.mark.parametrize("consequence,ref,alt,expected", [
    ("frameshift_variant", "TC", "T", "Frame_Shift_Del"),
    ("frameshift_variant", "G", "GA", "Frame_Shift_Ins"),
    ("protein_altering_variant", "GAAA", "G", "In_Frame_Del"),
    ("protein_altering_variant", "GA", "G", "Frame_Shift_Del"),
    ("inframe_insertion", "-", "AAA", "In_Frame_Ins"),
    ("splice_donor_variant&intron_variant", "G", "A", "Splice_Site"),
    ("missense_variant&splice_region_variant", "G", "A", "Missense_Mutation"),
    ("stop_gained", "C", "T", "Nonsense_Mutation"),
    ("start_lost", "A", "G", "Translation_Start_Site"),
    ("synonymous_variant", "C", "T", "Silent"),
    ("5_prime_UTR_variant", "C", "T", "5'UTR"),
    ("intergenic_variant", "C", "T", "IGR"),
    ("some_future_term", "C", "T", "Targeted_Region"),
])
def test_maf_classes_follow_vcf2maf(consequence, ref, alt, expected):
    assert variant_classification(consequence, ref, alt) == expected


@pytest.mark.parametrize("hgvsp,short", [
    ("ENSP00000269305.4:p.Arg175His", "p.R175H"),
    ("ENSP00000267163.4:p.Arg320Ter", "p.R320*"),
    ("p.Gln913ArgfsTer26", "p.Q913Rfs*26"),
    ("ENSP00000256078.5:p.Gly12%3D", "p.G12="),
])
def test_hgvsp_short_form(hgvsp, short):
    assert short_hgvsp(hgvsp) == short


def test_transcript_choice_override_then_mane_then_canonical_then_worst():
    annotator = Annotator("GRCh38", csq_fields=FIELDS)
    raw = ",".join([
        _entry(Allele="T", Consequence="stop_gained", SYMBOL="TP53", Feature="ENST00000413465",
               BIOTYPE="protein_coding", HGVSp="p.Arg196Ter"),
        _entry(Allele="T", Consequence="missense_variant", SYMBOL="TP53",
               Feature="ENST00000269305.9", BIOTYPE="protein_coding", HGVSp="p.Arg175His"),
        _entry(Allele="T", Consequence="upstream_gene_variant", SYMBOL="WRAP53",
               Feature="ENST00000357449", BIOTYPE="protein_coding", CANONICAL="YES"),
    ])
    effect = annotator.choose(annotator.entries(raw, "T", 1), "C", "T")
    assert (effect.gene, effect.transcript, effect.hgvsp_short) == \
        ("TP53", "ENST00000269305.9", "p.R175H")
    raw = ",".join([
        _entry(Allele="A", Consequence="missense_variant", SYMBOL="RB1", Feature="ENST1",
               BIOTYPE="protein_coding"),
        _entry(Allele="A", Consequence="synonymous_variant", SYMBOL="RB1", Feature="ENST2",
               BIOTYPE="protein_coding", CANONICAL="YES"),
        _entry(Allele="A", Consequence="intron_variant", SYMBOL="RB1", Feature="ENST3",
               BIOTYPE="protein_coding", MANE_SELECT="NM_000321.3"),
        _entry(Allele="G", Consequence="stop_gained", SYMBOL="RB1", Feature="ENST3",
               BIOTYPE="protein_coding", MANE_SELECT="NM_000321.3"),
    ])
    effect = annotator.choose(annotator.entries(raw, "A", 1), "C", "A")
    assert (effect.transcript, effect.variant_classification) == ("ENST3", "Intron")


def test_population_af_is_the_highest_gnomad_value_of_the_allele():
    annotator = Annotator("GRCh38", csq_fields=FIELDS)
    raw = ",".join([_entry(Allele="T", gnomADe_AF="0.002", MAX_AF="0.03"),
                    _entry(Allele="G", gnomADe_AF="0.4", MAX_AF="0.5")])
    assert annotator.population_af(annotator.entries(raw, "T", 1)) == pytest.approx(0.03)


def _effect(gene, klass, short):
    return Effect(gene, "ENST", None, klass, hgvsp_short=short)


def test_hotspots_and_driver_rules():
    r175h = _effect("TP53", "Missense_Mutation", "p.R175H")
    assert hotspot(r175h) == "TP53 R175"
    assert driver_class(r175h, hotspot(r175h)) == ("driver", "hotspot: TP53 R175")
    dbd = _effect("TP53", "Missense_Mutation", "p.Y126N")
    assert hotspot(dbd) is None
    assert driver_class(dbd, None)[0] == "likely_driver"
    assert driver_class(_effect("TP53", "Missense_Mutation", "p.P72R"), None) == \
        ("VUS", "no_rule")
    assert driver_class(_effect("RB1", "Nonsense_Mutation", "p.R358*"), None)[0] == \
        "likely_driver"
    assert driver_class(_effect("RB1", "Missense_Mutation", "p.R661W"), None)[0] == "VUS"
    crlf2 = _effect("CRLF2", "Missense_Mutation", "p.F232C")
    assert hotspot(crlf2) == "CRLF2 F232"
    assert hotspot(_effect("CRLF2", "Missense_Mutation", "p.F232L")) is None
    assert hotspot(_effect("KRAS", "Missense_Mutation", "p.G12D")) == "KRAS G12"


def test_germline_likelihood_separates_het_snp_from_clonal_somatic():
    # purity 0.8: clonal heterozygous somatic VAF 0.4, germline het 0.5
    assert germline_log10_lr(250, 500, 0.8) > 2  # VAF 0.5
    assert germline_log10_lr(200, 500, 0.8) < 0  # VAF 0.4
    assert germline_log10_lr(498, 500, 0.8) > 2  # hom-alt germline
    assert germline_log10_lr(30, 500, 0.8) < 0  # subclonal


def test_predisposition_protection_only_for_protein_altering_variants():
    from lenall_genomics.readers.vcf import Call
    from lenall_genomics.variants.germline import decide, default_thresholds

    def call(alt, depth):
        c = Call("12", 11669782, "A", "G")
        c.t_depth, c.t_alt, c.t_ref = depth, alt, depth - alt
        return c

    t = default_thresholds()
    intronic = decide(call(200, 400), thresholds=t, paired=False, purity=0.7, hotspot=False,
                      gene="ETV6", classification="Intron")
    assert intronic.status == "likely_germline"
    missense = decide(call(200, 400), thresholds=t, paired=False, purity=0.7, hotspot=False,
                      gene="ETV6", classification="Missense_Mutation")
    assert missense.status == "somatic"
    assert "germline_confirmation_recommended" in missense.flags


def test_vaf_text_is_the_float_rounded_to_four_decimals():
    """variants.tsv VAFs are computed in integers; the text must be that of the float."""
    import random

    from lenall_genomics.variants.pipeline import _vaf_text

    def by_float(alt: int, depth: int) -> str:
        return f"{alt / depth:.4f}".rstrip("0").rstrip(".") or "0"

    pairs = [(alt, depth) for depth in range(1, 401) for alt in range(depth + 1)]
    rng = random.Random(5)
    pairs += [(rng.randint(0, d), d) for d in (rng.randint(1, 10**7) for _ in range(20_000))]
    pairs += [(1, 20_000), (3, 80_000), (5, 2), (7, 3)]  # midpoints of the fraction
    assert [_vaf_text(a, d) for a, d in pairs] == [by_float(a, d) for a, d in pairs]
