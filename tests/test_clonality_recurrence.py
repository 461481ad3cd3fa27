"""Clonal relatedness when the shared mutations are recurrent hotspots, and when IGH says the
B-cell clones differ: a shared KRAS G12D arises independently in myeloma and B-ALL, distinct
productive IGH rearrangements mean distinct clones, and a class-switched clone keeps its VDJ."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from lenall_genomics import clonality as cl
from lenall_genomics.assets import asset_rows
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import CLONOTYPE_COLUMNS, VARIANT_COLUMNS
from lenall_genomics.samplesheet import load_samplesheet
from lenall_genomics.writers import write_json, write_tsv

KRAS_G12D = ("12", 25_245_350, "C", "T", "KRAS", "p.Gly12Asp")
NRAS_Q61K = ("1", 114_713_909, "G", "T", "NRAS", "p.Gln61Lys")
# rare mutations: genes and changes that no frequency row lists
RARE = [("3", 100_000 + 1000 * i, "G", "A", f"RARE{i}", f"p.Gly{10 + i}Asp") for i in range(3)]

# clonal IGH junctions (IMGT junction: Cys ... Trp), all in frame without a stop codon
MM_VDJ = ("IGHV3-23", "IGHJ4", "TGTGCGAGAGATCGGGGCTACTTTGACTACTGG")
ALL_VDJ = ("IGHV1-2", "IGHJ6", "TGTGCGAAAGGTAGCAGCTGGTACTTCGATCTCTGG")
# an out-of-frame rearrangement (34 nt): the B-ALL's non-productive allele
ALL_NONPRODUCTIVE = ("IGHV4-34", "IGHJ6", "TGTGCGAGAGGTAGCAGCTGGTACTTCGATCTGG")


def private(tag: int, n: int) -> list[tuple]:
    return [(str(4 + tag), 1_000_000 + 5000 * i, "C", "T", f"P{tag}G{i}", f"p.Arg{i + 1}Cys")
            for i in range(n)]


def germline() -> list[dict]:
    # one person's SNPs, hom-alt and het, so that identity is a match
    return [row(("5", 2_000_000 + 10_000 * i, "A", "G", "X", ""), 100, 100 if i % 2 else 50,
                "germline", population_af=0.3) for i in range(12)]


def row(site: tuple, depth: int, alt: int, status: str = "somatic", population_af=None,
        hotspot=None) -> dict:
    chrom, pos, ref, alt_allele, gene, hgvsp = site
    return {"chrom": f"chr{chrom}", "pos": pos, "ref": ref, "alt": alt_allele, "gene": gene,
            "hgvsp": hgvsp, "t_depth": depth, "t_alt_count": alt, "t_vaf": round(alt / depth, 4),
            "status": status, "population_af": population_af, "hotspot": hotspot}


def write_sample(res: Path, sample: str, somatic: list[dict], clones=None) -> None:
    write_tsv(res / sample / f"{sample}.variants.tsv", VARIANT_COLUMNS, germline() + somatic)
    write_json(res / sample / f"{sample}.variants.qc.json", {"genome": "GRCh38"})
    if clones is not None:
        columns = (*CLONOTYPE_COLUMNS, "c_gene")
        rows = [{"clone_id": f"IGH{i:04d}", "locus": "IGH", "v_gene": v, "j_gene": j,
                 "cdr3_nt": nt, "cdr3_aa": None, "count": reads, "fraction": fraction,
                 "c_gene": isotype}
                for i, ((v, j, nt), fraction, reads, isotype) in enumerate(clones, start=1)]
        write_tsv(res / sample / f"{sample}.clonotypes.tsv", columns, rows)


def compare(tmp_path: Path, earlier: list[dict], later: list[dict], earlier_clones=None,
            later_clones=None) -> cl.PairResult:
    res = tmp_path / "samples"
    write_sample(res, "MM1", earlier, earlier_clones)
    write_sample(res, "ALL1", later, later_clones)
    sheet = tmp_path / "samplesheet.csv"
    sheet.write_text("patient,sample,diagnosis,timepoint\nP,MM1,MM,2015-01-01\n"
                     "P,ALL1,B-ALL,2020-01-01\n", encoding="utf-8")
    result = cl.run_clonality(load_samplesheet(sheet, check_files=False), res, "GRCh38")
    (pair,) = result.pairs
    return pair


def kras_only(n_private: int = 5) -> tuple[list[dict], list[dict]]:
    return ([row(KRAS_G12D, 400, 160)] + [row(s, 200, 80) for s in private(1, n_private)],
            [row(KRAS_G12D, 300, 140)] + [row(s, 200, 90) for s in private(2, n_private)])


def evidence(pair: cl.PairResult, kind: str) -> list[dict]:
    return [r for r in pair.evidence_rows() if r["kind"] == kind]


# --- a shared recurrent hotspot ---------------------------------------------------------------

def test_shared_kras_g12d_with_distinct_igh_is_unrelated_with_the_reason(tmp_path):
    mm, all_ = kras_only()
    pair = compare(tmp_path, mm, all_, [(MM_VDJ, 0.8, 4000, "IGHG1")],
                   [(ALL_VDJ, 0.7, 3000, "IGHM")])
    # the test alone is "significant": the rule, not the p-value, keeps the pair unrelated
    assert pair.p_value < 0.05
    assert pair.metrics["shared_recurrent"] == 1 and pair.metrics["shared_rare"] == 0
    assert pair.igh.call == "no" and pair.igh.distinct == "yes"
    assert pair.verdict == "unrelated" and pair.rule.rule_id == "R5"
    (kras,) = [r for r in evidence(pair, "mutation") if r["gene"] == "KRAS"]
    assert kras["recurrent"] is True
    assert kras["frequency_basis"] == "KRAS p.G12D (MM) 0.025 / KRAS p.G12D (B-ALL) 0.025"
    assert "recurrent hotspot" in kras["reason"]
    (verdict,) = evidence(pair, "verdict")
    assert verdict["status"] == "unrelated"
    assert "distinct productive clonal IGH" in verdict["reason"]
    assert evidence(pair, "igh")[0]["status"] == "distinct"
    assert "distinct productive clonal IGH" in pair.row()["evidence"]


def test_shared_hotspot_without_igh_is_not_related(tmp_path):
    pair = compare(tmp_path, *kras_only())
    assert pair.p_value < 0.05
    assert pair.verdict == "indeterminate" and pair.rule.rule_id == "R11"
    assert "only recurrent hotspots shared" in evidence(pair, "verdict")[0]["reason"]


def test_myeloma_hotspot_is_weighted_by_its_myeloma_frequency(tmp_path):
    # NRAS Q61 is carried by about a sixth of myelomas but fewer B-ALLs: the pair's frequency
    # combines the two, and lies between them
    freqs = cl.load_frequencies()
    mm, ball = freqs.find("NRAS", "p.Gln61Lys", "MM"), freqs.find("NRAS", "p.Q61K", "B-ALL")
    assert (mm.basis, ball.basis) == ("NRAS p.Q61 (MM)", "NRAS p.Q61 (B-ALL)")
    assert mm.value > ball.value
    shared = [row(NRAS_Q61K, 300, 120)]
    pair = compare(tmp_path, shared + [row(s, 200, 80) for s in private(1, 2)],
                   shared + [row(s, 200, 80) for s in private(2, 2)])
    (nras,) = [r for r in pair.mutations.rows if r["gene"] == "NRAS"]
    assert ball.value < nras["population_frequency"] < mm.value
    assert nras["frequency_basis"] == f"NRAS p.Q61 (MM) {mm.value:g} / NRAS p.Q61 (B-ALL) " \
                                      f"{ball.value:g}"


def test_pair_frequency_gives_the_chance_of_sharing_by_independent_origin():
    p1, p2 = 0.16, 0.02
    p = cl.pair_frequency(p1, p2)
    # under independence, a mutated locus is shared with probability p1 p2 / P(>= 1 mutated)
    assert p / (2 - p) == pytest.approx(p1 * p2 / (p1 + p2 - p1 * p2))
    assert cl.pair_frequency(0.03, 0.03) == 0.03


def test_a_hotspot_the_frequency_table_does_not_list_is_still_recurrent(tmp_path):
    site = ("2", 5_000_000, "G", "A", "RAREGENE", "p.Arg99His")
    shared_e = [row(site, 300, 120, hotspot="RAREGENE R99")]
    shared_l = [row(site, 300, 120, hotspot="RAREGENE R99")]
    pair = compare(tmp_path, shared_e + [row(s, 200, 80) for s in private(1, 5)],
                   shared_l + [row(s, 200, 80) for s in private(2, 5)])
    (spot,) = [r for r in pair.mutations.rows if r["gene"] == "RAREGENE"]
    params = cl.default_parameters()
    assert spot["recurrent"] is True
    assert spot["population_frequency"] == params["hotspot_frequency"]
    assert pair.verdict != "related"


# --- rare shared mutations --------------------------------------------------------------------

def test_shared_private_non_hotspot_mutations_make_related(tmp_path):
    shared = [row(s, 300, 120) for s in RARE]
    pair = compare(tmp_path, shared + [row(s, 200, 80) for s in private(1, 3)],
                   shared + [row(s, 200, 80) for s in private(2, 3)])
    assert pair.metrics["shared_rare_non_ch"] == 3 and pair.metrics["shared_recurrent"] == 0
    assert pair.p_value < 0.01
    assert pair.verdict == "related" and pair.rule.rule_id == "R6"
    assert all(r["reason"] == "shared rare mutation: evidence of a common clone"
               for r in evidence(pair, "mutation") if r["status"] == "shared")


def test_rare_shared_mutations_with_distinct_productive_igh_are_a_conflict(tmp_path):
    shared = [row(s, 300, 120) for s in RARE]
    pair = compare(tmp_path, shared + [row(s, 200, 80) for s in private(1, 3)],
                   shared + [row(s, 200, 80) for s in private(2, 3)],
                   [(MM_VDJ, 0.8, 4000, None)], [(ALL_VDJ, 0.7, 3000, None)])
    assert pair.verdict == "indeterminate" and pair.rule.rule_id == "R4"
    assert "review" in evidence(pair, "verdict")[0]["reason"]


# --- IGH: the same clone, or not enough to tell -----------------------------------------------

def test_same_vdj_with_another_isotype_is_not_pulled_to_unrelated(tmp_path):
    # the myeloma's IgG clone, and the same VDJ as IgM in the B-ALL beside a second clone:
    # class switch keeps the VDJ, so the clone is shared
    mm, all_ = kras_only()
    pair = compare(tmp_path, mm, all_, [(MM_VDJ, 0.8, 4000, "IGHG1")],
                   [(MM_VDJ, 0.4, 1200, "IGHM"), (ALL_VDJ, 0.4, 1200, "IGHM")])
    assert pair.igh.call == "yes" and pair.igh.distinct == "no"
    assert pair.verdict == "related" and pair.rule.rule_id == "R8"
    assert evidence(pair, "igh")[0]["status"] == "same_clone"


def test_isotype_split_rows_of_one_vdj_are_one_clone():
    rows = [{"v_gene": "IGHV3-23", "j_gene": "IGHJ4", "cdr3_nt": MM_VDJ[2], "fraction": 0.015,
             "count": 15, "c_gene": "IGHG1"},
            {"v_gene": "IGHV3-23", "j_gene": "IGHJ4", "cdr3_nt": MM_VDJ[2], "fraction": 0.015,
             "count": 15, "c_gene": "IGHA1"},
            {"v_gene": "IGHV1-2", "j_gene": "IGHJ6", "cdr3_nt": ALL_VDJ[2], "fraction": 0.02,
             "count": 20, "c_gene": "IGHM"}]
    (clone,) = cl.dominant_clonotypes(rows, 0.025)  # each row alone is below 2.5%
    assert clone["fraction"] == pytest.approx(0.03) and clone["count"] == 30
    assert clone["isotypes"] == ["IGHG1", "IGHA1"]
    assert "IGHG1, IGHA1" in cl.clonotype_label(clone)


def test_hypermutated_junction_of_the_same_vdj_is_the_same_clone(tmp_path):
    mutated = ("IGHV3-23", "IGHJ4", "TGTGCGAGAGATCGTGGCTACTTTGACTATTGG")  # 2 of 33 nt differ
    mm, all_ = kras_only()
    pair = compare(tmp_path, mm, all_, [(MM_VDJ, 0.8, 4000, "IGHG1")],
                   [(mutated, 0.6, 2000, "IGHM")])
    assert pair.igh.call == "yes" and pair.verdict == "related"


def test_distinct_igh_with_only_a_non_productive_rearrangement_is_not_adequate(tmp_path):
    mm, all_ = kras_only()
    pair = compare(tmp_path, mm, all_, [(MM_VDJ, 0.8, 4000, None)],
                   [(ALL_NONPRODUCTIVE, 0.7, 3000, None)])
    assert pair.igh.call == "no" and pair.igh.distinct == "unknown"
    assert "no productive clonal IGH rearrangement in ALL1" in pair.igh.note
    assert pair.verdict == "indeterminate" and pair.rule.rule_id == "R11"
    assert evidence(pair, "igh")[0]["status"] == "distinct_not_adequate"


def test_distinct_igh_from_too_few_reads_is_not_adequate(tmp_path):
    mm, all_ = kras_only()
    pair = compare(tmp_path, mm, all_, [(MM_VDJ, 0.8, 40, None)], [(ALL_VDJ, 0.7, 3000, None)])
    assert pair.igh.distinct == "unknown" and "MM1 has 40 IGH reads" in pair.igh.note
    assert pair.verdict != "unrelated"


def test_productive_call_from_the_table_or_the_junction():
    assert cl.is_productive({"cdr3_nt": MM_VDJ[2]})
    assert not cl.is_productive({"cdr3_nt": ALL_NONPRODUCTIVE[2]})  # out of frame
    assert not cl.is_productive({"cdr3_nt": "TGTGCGTAGTGG"})  # TAG stop in frame
    assert not cl.is_productive({"cdr3_nt": MM_VDJ[2], "productive": "F"})
    assert cl.is_productive({"cdr3_nt": ALL_NONPRODUCTIVE[2], "productive": "true"})


# --- the tables -------------------------------------------------------------------------------

def test_every_rule_and_parameter_has_a_source():
    rules = cl.load_rules()
    assert all(r.source for r in rules) and all(r.reason for r in rules)
    parameters = asset_rows("clonality_parameters.tsv")
    assert {"recurrent_frequency_min", "hotspot_frequency", "igh_min_reads"} <= {
        r["name"] for r in parameters}
    assert all(r["source"] for r in parameters)
    assert all(r["source"] for r in asset_rows("mutation_frequencies.tsv"))


def test_a_rule_on_an_unknown_metric_is_refused(tmp_path):
    bad = tmp_path / "rules.tsv"
    bad.write_text("rule\tverdict\tconditions\tsource\nX\trelated\tshared_hotspots >= 1\tx\n"
                   "Y\tindeterminate\talways\tx\n", encoding="utf-8")
    with pytest.raises(LenallInputError, match="unknown metric 'shared_hotspots'"):
        cl.load_rules(bad)


def test_every_metric_a_rule_can_name_is_computed(tmp_path):
    pair = compare(tmp_path, *kras_only())
    assert set(pair.metrics) == set(cl.METRICS)


def test_a_frequency_row_of_an_unknown_disease_is_refused(tmp_path):
    table = tmp_path / "freqs.tsv"
    table.write_text("gene\tvariant\tdisease\tfrequency\tsource\n*\tdefault\t*\t0.001\tx\n"
                     "KRAS\tp.G12D\tAML\t0.02\tx\n", encoding="utf-8")
    with pytest.raises(LenallInputError, match="unknown disease 'AML'"):
        cl.load_frequencies(table)


def test_a_frequency_table_without_a_disease_column_applies_to_any_cancer(tmp_path):
    table = tmp_path / "freqs.tsv"
    table.write_text("gene\tvariant\tfrequency\tsource\n*\tdefault\t0.002\tx\n"
                     "KRAS\tp.G12D\t0.04\tx\n", encoding="utf-8")
    freqs = cl.load_frequencies(table)
    assert freqs.find("KRAS", "p.G12D", "MM") == cl.Frequency(0.04, "KRAS p.G12D (any cancer)")
    assert math.isclose(freqs.find("TP53", "p.R175H", "B-ALL").value, 0.002)
