"""Tumour-only calls: the hotspot table, the prior probability somatic and its posterior, and the
`undetermined` status (docs/methods.md a)."""

from __future__ import annotations

import pytest

from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import VARIANT_STATUSES
from lenall_genomics.readers.vcf import Call
from lenall_genomics.variants.consequence import Effect
from lenall_genomics.variants.germline import (
    decide,
    default_thresholds,
    germline_log10_lr,
    posterior_somatic,
    with_overrides,
)
from lenall_genomics.variants.keygenes import driver_class, hotspot, hotspot_table
from lenall_genomics.variants.pipeline import run_variants
from variants_helpers import by_pos, outputs

CSQ_FIELDS = ("Allele", "Consequence", "IMPACT", "SYMBOL", "Feature", "BIOTYPE", "HGVSc", "HGVSp",
              "CANONICAL", "gnomADe_AF")
HEADER = f"""##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. \
Format: {"|".join(CSQ_FIELDS)}">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT1
"""


def _record(chrom, pos, ref, alt, gene, hgvsp, ref_reads, alt_reads, pop_af=""):
    csq = {"Allele": alt, "Consequence": "missense_variant", "IMPACT": "MODERATE",
           "SYMBOL": gene, "Feature": f"ENST_{gene}", "BIOTYPE": "protein_coding",
           "HGVSc": f"ENST_{gene}:c.1A>G", "HGVSp": f"ENSP_{gene}:{hgvsp}", "CANONICAL": "YES",
           "gnomADe_AF": pop_af}
    text = "|".join(csq[f] for f in CSQ_FIELDS)
    depth = ref_reads + alt_reads
    return (f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\tCSQ={text}\tGT:AD:DP\t"
            f"0/1:{ref_reads},{alt_reads}:{depth}")


RECORDS = [
    _record("chr10", 103089600, "C", "T", "NT5C2", "p.Arg367Gln", 260, 240),  # VAF 0.48
    _record("chr12", 6000000, "G", "A", "LTBR", "p.Arg100Gln", 1000, 1000, pop_af="0.31"),
    _record("chr13", 28018505, "C", "A", "FLT3", "p.Asp835Tyr", 265, 235),  # VAF 0.47
    _record("chr19", 1000000, "G", "A", "ABHD17A", "p.Arg50Gln", 265, 235),  # VAF 0.47
    _record("chr19", 2000000, "G", "A", "ABHD17A", "p.Arg60Gln", 500, 500),  # VAF 0.5
]


@pytest.fixture
def tumour_only(tmp_path):
    path = tmp_path / "t1.vcf"
    path.write_text(HEADER + "\n".join(RECORDS) + "\n")
    qc = run_variants("T1", tmp_path / "out", vcf=path, purity=0.9)
    tsv, maf, _ = outputs(tmp_path / "out", "T1")
    return by_pos(tsv), maf, qc


def _call(alt: int, depth: int, pop_af: float | None = None) -> Call:
    call = Call("10", 103089600, "C", "T")
    call.t_depth, call.t_alt, call.t_ref = depth, alt, depth - alt
    call.population_af = pop_af
    return call


def _effect(gene, klass, short):
    return Effect(gene, "ENST", None, klass, hgvsp_short=short)


def test_hotspot_table_has_the_all_hotspots_each_with_its_source():
    from lenall_genomics.assets import asset_rows

    table = hotspot_table()
    sources = {}
    for row in asset_rows("hotspots.tsv"):
        assert row["source"]
        sources[(row["gene"], int(row["start"]))] = row["source"]
    for gene, pos, ref, pmid in (("NT5C2", 367, "R", "23377183"), ("PRPS1", 103, "S", "25962120"),
                                 ("PAX5", 80, "P", "30643249"), ("IKZF1", 159, "N", "30643249"),
                                 ("ZEB2", 1038, "H", "30643249"), ("JAK2", 683, "R", "19470474"),
                                 ("FLT3", 835, "D", "11290608"), ("FLT3", 836, "I", "11290608"),
                                 ("PTPN11", 61, "D", "12717436"), ("NRAS", 12, "G", "2547513"),
                                 ("KRAS", 13, "G", "2547513"), ("TP53", 248, "R", "20182602")):
        ref_aa, _, tier = table.residues[(gene, pos)]
        assert (ref_aa, tier) == (ref, "curated")
        assert f"PMID:{pmid}" in sources[(gene, pos)]
    # cancerhotspots.org v2: about a thousand single residues and the in-frame indel ranges
    assert len(table.residues) > 900
    assert (578, 613, "statistical") in table.indels["FLT3"]
    assert "PMID:29247016" in sources[("PIK3CA", 1047)]


def test_hotspot_table_is_versioned():
    from lenall_genomics.assets import asset

    header = [line for line in asset("hotspots.tsv").read_text().splitlines()
              if line.startswith("#")]
    assert any(line.startswith("# version: 2.0 (2026-12-04)") for line in header)
    assert any("scripts/build_hotspots.py" in line for line in header)


def test_hotspot_lookup_of_residues_changes_and_indel_ranges():
    assert hotspot(_effect("NT5C2", "Missense_Mutation", "p.R367Q")) == "NT5C2 R367"
    assert hotspot(_effect("PAX5", "Missense_Mutation", "p.P80R")) == "PAX5 P80"
    assert hotspot(_effect("PAX5", "Missense_Mutation", "p.P80L")) is None  # only P80R counts
    assert hotspot(_effect("NT5C2", "Missense_Mutation", "p.K367Q")) is None  # other residue
    assert hotspot(_effect("FLT3", "In_Frame_Ins", "p.E598_Y599insDE")) == \
        "FLT3 578-613 in-frame indel"
    assert hotspot(_effect("FLT3", "Missense_Mutation", "p.E598K")) is None
    assert hotspot(_effect("NT5C2", "Silent", "p.R367=")) is None


def test_curated_hotspots_are_drivers_and_statistical_ones_likely_drivers():
    nt5c2 = _effect("NT5C2", "Missense_Mutation", "p.R367Q")
    assert driver_class(nt5c2, hotspot(nt5c2)) == ("driver", "hotspot: NT5C2 R367")
    # a cancerhotspots.org v2 residue in a gene with no known role in ALL or myeloma
    lce1f = _effect("LCE1F", "Missense_Mutation", "p.P27S")
    assert driver_class(lce1f, hotspot(lce1f)) == ("likely_driver",
                                                   "statistical hotspot: LCE1F P27")
    # a gene rule above the statistical hotspot decides first
    rb1 = _effect("RB1", "Nonsense_Mutation", "p.R455*")
    assert hotspot(rb1) == "RB1 R455"
    assert driver_class(rb1, hotspot(rb1)) == ("likely_driver", "tumour suppressor truncating")


def test_known_hotspots_at_het_vaf_are_somatic_tumour_only(tumour_only):
    rows, maf, _ = tumour_only
    nt5c2, flt3 = rows[("103089600", "T")], rows[("28018505", "A")]
    assert (nt5c2["hotspot"], nt5c2["status"]) == ("NT5C2 R367", "somatic")
    assert (flt3["hotspot"], flt3["status"]) == ("FLT3 D835", "somatic")
    # VAF 0.48: the VAF alone leans germline, so the germline origin is not excluded
    assert "germline_not_excluded" in nt5c2["flags"]
    assert "germline_not_excluded" not in flt3["flags"]  # VAF 0.47 leans somatic
    assert {r["Hugo_Symbol"] for r in maf} == {"NT5C2", "FLT3"}


def test_prior_and_posterior_are_reported(tumour_only):
    rows, maf, qc = tumour_only
    nt5c2 = rows[("103089600", "T")]["reason"]
    assert nt5c2.startswith("tumor_only_vaf_somatic(log10LR=0.2,prior_somatic=0.995,p_somatic=")
    p_somatic = float(nt5c2.rsplit("p_somatic=", 1)[1].rstrip(")"))
    assert p_somatic == pytest.approx(posterior_somatic(germline_log10_lr(240, 500, 0.9), 0.995),
                                      abs=1e-3)
    assert 0.98 < p_somatic < 0.995
    het = rows[("2000000", "A")]
    assert het["status"] == "likely_germline"
    assert "prior_somatic=0.5," in het["reason"] and "p_somatic=" in het["reason"]
    assert qc["thresholds"]["prior_somatic"] == 0.5
    assert qc["thresholds"]["prior_somatic_hotspot"] == 0.995
    # counted by name, not per value
    assert qc["reason_counts"]["tumor_only_vaf_somatic"] == 2


def test_vaf_between_the_expectations_with_weak_evidence_is_undetermined(tumour_only):
    rows, maf, qc = tumour_only
    row = rows[("1000000", "A")]
    assert row["status"] == "undetermined"
    assert row["reason"].startswith("tumor_only_vaf_undetermined(log10LR=-0.2,")
    assert "undetermined" in VARIANT_STATUSES
    assert qc["status_counts"]["undetermined"] == 1
    assert qc["reason_counts"]["tumor_only_vaf_undetermined"] == 1
    assert "ABHD17A" not in {r["Hugo_Symbol"] for r in maf}  # not a somatic mutation


def test_common_snp_is_germline_whatever_its_vaf(tumour_only):
    rows, _, qc = tumour_only
    snp = rows[("6000000", "A")]
    assert (snp["status"], snp["reason"]) == ("germline", "population_af>0.01")
    assert qc["status_counts"]["germline"] == 1


def test_hotspot_in_a_population_database_gets_no_hotspot_prior():
    t = default_thresholds()
    # VAF 0.5 at depth 1000, purity 0.9: the VAF favours germline strongly
    absent = decide(_call(500, 1000), thresholds=t, paired=False, purity=0.9, hotspot=True,
                    gene="NT5C2", classification="Missense_Mutation")
    assert absent.status == "somatic" and "germline_not_excluded" in absent.flags
    listed = decide(_call(500, 1000, pop_af=0.005), thresholds=t, paired=False, purity=0.9,
                    hotspot=True, gene="NT5C2", classification="Missense_Mutation")
    assert listed.status == "likely_germline"
    assert "prior_somatic=0.5," in listed.reason


def test_prior_moves_the_call():
    # VAF 0.46 at depth 1000, purity 0.8 (somatic 0.4, germline 0.5): germline favoured, log10
    # LR 1.8; a prior of 0.995 somatic (log10 prior odds -2.3) outweighs it
    t = default_thresholds()
    assert decide(_call(460, 1000), thresholds=t, paired=False, purity=0.8, hotspot=False,
                  gene="ABHD17A", classification="Missense_Mutation").status == "likely_germline"
    strong = with_overrides(t, prior_somatic=0.995)
    assert decide(_call(460, 1000), thresholds=strong, paired=False, purity=0.8, hotspot=False,
                  gene="ABHD17A", classification="Missense_Mutation").status == "somatic"


def test_a_prior_outside_zero_one_is_refused(tmp_path):
    path = tmp_path / "t1.vcf"
    path.write_text(HEADER + RECORDS[0] + "\n")
    bad = with_overrides(default_thresholds(), prior_somatic=1.0)
    with pytest.raises(LenallInputError, match="prior_somatic 1 is not in"):
        run_variants("T1", tmp_path / "out", vcf=path, purity=0.9, thresholds=bad)


def test_build_script_keeps_v2_rows_drops_3d_rows_and_prefers_curated(tmp_path):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "build_hotspots.py"
    spec = importlib.util.spec_from_file_location("build_hotspots", script)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    single = tmp_path / "single.txt"
    single.write_text("CHROM\tGENE\thotspot_type\taa_ref\taa_pos\n"
                      "chr13\tFLT3\tHOTSPOT\tAsp\t835\nchr1\tMMEL1\tHOTSPOT3D\tGly\t185\n"
                      "chr12\tKRAS\tHOTSPOT\tAla\t146\n")
    indel = tmp_path / "indel.txt"
    indel.write_text("CHROM\tGENE\taa_start\taa_end\thotspot_type\tmutation_type\n"
                     "chr13\tFLT3\t578\t613\tHOTSPOT\tindel\n")
    curated = [{"gene": "FLT3", "start": "835", "end": "835", "ref_aa": "D", "alt_aa": "*",
                "kind": "residue", "tier": "curated", "source": "Yamamoto 2001"}]
    rows = build.merged(curated, build.statistical_rows(single, indel))
    assert [(r["gene"], r["start"], r["kind"], r["tier"]) for r in rows] == [
        ("FLT3", "578", "indel", "statistical"), ("FLT3", "835", "residue", "curated"),
        ("KRAS", "146", "residue", "statistical")]
    assert rows[1]["source"] == "Yamamoto 2001; cancerhotspots.org v2"
    assert rows[2]["ref_aa"] == "A"


def test_hotspot_in_a_predisposition_gene_keeps_the_confirmation_flag():
    # TP53 R248Q at VAF 0.5, purity 0.6: a hotspot, but also a Li-Fraumeni germline variant
    call = decide(_call(250, 500), thresholds=default_thresholds(), paired=False, purity=0.6,
                  hotspot=True, gene="TP53", classification="Missense_Mutation")
    assert call.status == "somatic"
    assert {"germline_not_excluded", "germline_confirmation_recommended"} <= set(call.flags)
    assert "p_somatic=" in call.reason


def test_a_malformed_hotspot_row_is_refused_with_the_table_named(monkeypatch):
    from lenall_genomics.variants import keygenes

    rows = [{"gene": "NT5C2", "start": "367", "end": "367", "ref_aa": "R", "alt_aa": "*",
             "kind": "residue", "tier": "curated", "source": "Meyer 2013"},
            {"gene": "NT5C2", "start": "367", "end": "367", "ref_aa": "R", "alt_aa": "*",
             "kind": "residue", "tier": "statistical", "source": "v2"}]
    monkeypatch.setattr(keygenes, "asset_rows", lambda name: rows)
    with pytest.raises(LenallInputError, match="data row 2: residue NT5C2 367 repeated") as error:
        keygenes.hotspot_table.__wrapped__()
    assert error.value.file.endswith("hotspots.tsv")
    rows[1] = {**rows[1], "start": "368", "end": "368", "tier": "guessed"}
    with pytest.raises(LenallInputError, match="data row 2: bad hotspot row"):
        keygenes.hotspot_table.__wrapped__()
