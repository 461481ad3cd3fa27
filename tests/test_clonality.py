"""Clonal relatedness: the likelihood-ratio statistic, sample identity, IGH, CN, and verdicts."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from lenall_genomics import clonality as cl
from lenall_genomics.cli import main
from lenall_genomics.errors import LenallInputError
from lenall_genomics.model import VARIANT_COLUMNS
from lenall_genomics.samplesheet import load_samplesheet

# --- the statistic, by hand --------------------------------------------------------------------
# Per locus with population frequency p and clonal fraction xi, given >= 1 tumour mutated:
#   P(shared)  = (xi + (1-xi) p) / (xi + (1-xi)(2-p))
#   P(private) = 2 (1-xi)(1-p)  / (xi + (1-xi)(2-p))
# LR = max_xi l(xi) - l(0).


def test_one_shared_locus_p_half():
    # l(0) = log(0.5/1.5) = -log 3; l(1) = log 1 = 0  ->  LR = log 3
    assert cl.lr_statistic([0.5], []) == pytest.approx(math.log(3), abs=1e-9)


def test_one_shared_one_private_p_half():
    # l(xi) = log((1+xi)/2) + log(1-xi) - 2 log((3-xi)/2) + const; dl/dxi = 0 at xi = 1/3:
    # l(1/3) - l(0) = log(4/3) + log(2/3) - 2 log(8/3) - (log 1 + log 1 - 2 log 3) = log(9/8)
    assert cl.lr_statistic([0.5], [0.5]) == pytest.approx(math.log(9 / 8), abs=1e-6)


def test_rare_shared_mutation_weighs_more_than_a_hotspot():
    # no private loci: LR = -log(p/(2-p))
    assert cl.lr_statistic([0.001], []) == pytest.approx(math.log(1.999 / 0.001), abs=1e-9)
    assert cl.lr_statistic([0.03], []) == pytest.approx(math.log(1.97 / 0.03), abs=1e-9)
    assert cl.lr_statistic([0.001], [0.001] * 4) > cl.lr_statistic([0.03], [0.001] * 4)


def test_only_private_mutations_give_zero():
    assert cl.lr_statistic([], [0.001] * 6) == 0.0
    assert cl.lr_test([], [], simulations=100, seed=1) == (0.0, None)


def test_locus_likelihoods_match_the_formula():
    shared, private = cl.locus_log_likelihoods(0.2, 0.0)
    assert shared == pytest.approx(math.log(0.2 / 1.8))
    assert private == pytest.approx(math.log(2 * 0.8 / 1.8))
    assert math.exp(shared) + math.exp(private) == pytest.approx(1.0)


def test_p_value_by_simulation_is_close_to_the_exact_null_and_deterministic():
    # One locus, p = 0.5: under independence it is shared with probability p/(2-p) = 1/3,
    # and then its LR equals the observed log 3 -> p-value = 1/3.
    lr, p = cl.lr_test([0.5], [], simulations=3000, seed=7)
    assert lr == pytest.approx(math.log(3))
    assert p == pytest.approx(1 / 3, abs=0.03)
    assert cl.lr_test([0.5], [], simulations=3000, seed=7) == (lr, p)


def test_rare_shared_mutation_is_significant_hotspots_are_not():
    _, p_rare = cl.lr_test([0.001], [0.001] * 5, simulations=2000, seed=3)
    _, p_hot = cl.lr_test([0.3], [0.001] * 5, simulations=2000, seed=3)
    assert p_rare < 0.01
    assert p_hot > 0.05


# --- small hand-made cohorts -------------------------------------------------------------------

TP53_R248Q = ("17", 7674220, "C", "T", "TP53", "p.Arg248Gln")
RARE = [("3", 100_000 + 1000 * i, "G", "A", f"GENE{i}", f"p.Gly{10 + i}Asp") for i in range(4)]
IKZF1_FS = ("7", 50_382_593, "GA", "G", "IKZF1", "p.Lys120fs")


def private_sites(tag: int, n: int) -> list[tuple]:
    return [(str(2 + tag), 1_000_000 + 5000 * i, "C", "T", f"P{tag}G{i}", f"p.Arg{i + 1}Cys")
            for i in range(n)]


# twelve germline SNPs: genotype 1 = het, 2 = hom-alt (per person)
PERSON_A = [1, 2, 1, 2, 1, 2, 1, 2, 2, 1, 2, 1]
PERSON_B = [2, 1, 2, 1, 0, 0, 2, 0, 1, 2, 0, 2]


def germline_rows(genotypes: list[int]) -> list[dict]:
    rows = []
    for i, g in enumerate(genotypes):
        if g == 0:
            continue
        alt = 50 if g == 1 else 100
        rows.append(variant(("5", 2_000_000 + 10_000 * i, "A", "G", "TP53", ""), 100, alt,
                            "germline", population_af=0.3))
    return rows


def variant(site: tuple, depth: int, alt: int, status: str, population_af=None) -> dict:
    chrom, pos, ref, alt_allele, gene, hgvsp = site
    return {"chrom": f"chr{chrom}", "pos": pos, "ref": ref, "alt": alt_allele, "gene": gene,
            "hgvsp": hgvsp, "t_depth": depth, "t_alt_count": alt,
            "t_vaf": round(alt / depth, 4) if depth else None, "status": status,
            "population_af": population_af}


def write_variants(folder: Path, sample: str, rows: list[dict], genome: str = "GRCh38") -> None:
    from lenall_genomics.writers import write_json, write_tsv

    write_tsv(folder / sample / f"{sample}.variants.tsv", VARIANT_COLUMNS, rows)
    write_json(folder / sample / f"{sample}.variants.qc.json", {"genome": genome})


def write_clonotypes(folder: Path, sample: str, clones: list[tuple]) -> None:
    from lenall_genomics.model import CLONOTYPE_COLUMNS
    from lenall_genomics.writers import write_tsv

    rows = [{"clone_id": f"IGH{i:04d}", "locus": "IGH", "v_gene": v, "j_gene": j,
             "cdr3_nt": nt, "cdr3_aa": None, "count": int(f * 1000), "fraction": f}
            for i, (v, j, nt, f) in enumerate(clones, start=1)]
    write_tsv(folder / sample / f"{sample}.clonotypes.tsv", CLONOTYPE_COLUMNS, rows)


MM_CLONE = ("IGHV3-23", "IGHJ4", "TGTGCGAGAGATCGGGGCTACTTTGACTACTGG", 0.8)
ALL_CLONE = ("IGHV1-2", "IGHJ6", "TGTGCGAAAGGTAGCAGCTGGTACTTCGATCTCTGG", 0.7)
# the myeloma clone after somatic hypermutation: 2 of 33 junction bases differ (94% identity)
MM_CLONE_MUTATED = ("IGHV3-23,IGHV3-23D", "IGHJ4", "TGTGCGAGAGATCGTGGCTACTTTGACTATTGG", 0.6)


def samplesheet(tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    path = tmp_path / "samplesheet.csv"
    lines = ["patient,sample,diagnosis,timepoint"] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def cohort(tmp_path: Path) -> tuple[Path, Path]:
    """Five patients, one pair each: related, unrelated, CH precursor, mismatch, indeterminate."""
    res = tmp_path / "samples"
    germ_a, germ_b = germline_rows(PERSON_A), germline_rows(PERSON_B)
    # P1 related: four rare shared mutations; the B-ALL gains an IKZF1 frameshift
    shared = [variant(s, 200, 60, "somatic") for s in RARE]
    write_variants(res, "P1_MM", germ_a + shared + [variant(s, 200, 50, "somatic")
                                                    for s in private_sites(1, 3)])
    write_variants(res, "P1_ALL", germ_a + [variant(s, 300, 120, "somatic") for s in RARE]
                   + [variant(IKZF1_FS, 250, 100, "somatic")])
    write_clonotypes(res, "P1_MM", [MM_CLONE])
    write_clonotypes(res, "P1_ALL", [MM_CLONE_MUTATED])
    # P2 unrelated: no shared mutation, distinct IGH
    write_variants(res, "P2_MM", germ_a + [variant(s, 200, 60, "somatic")
                                           for s in private_sites(2, 6)])
    write_variants(res, "P2_ALL", germ_a + [variant(s, 200, 80, "somatic")
                                            for s in private_sites(3, 6)])
    write_clonotypes(res, "P2_MM", [MM_CLONE])
    write_clonotypes(res, "P2_ALL", [ALL_CLONE])
    # P3 CH precursor: TP53 R248Q at VAF 0.04 in the myeloma, 0.45 in the B-ALL, distinct IGH
    write_variants(res, "P3_MM", germ_a + [variant(TP53_R248Q, 500, 20, "somatic")]
                   + [variant(s, 200, 60, "somatic") for s in private_sites(4, 5)])
    write_variants(res, "P3_ALL", germ_a + [variant(TP53_R248Q, 400, 180, "somatic")]
                   + [variant(s, 200, 90, "somatic") for s in private_sites(5, 5)])
    write_clonotypes(res, "P3_MM", [MM_CLONE])
    write_clonotypes(res, "P3_ALL", [ALL_CLONE])
    # P4 identity mismatch: shares the rare mutations (a swap with P1's B-ALL) but not the person
    write_variants(res, "P4_MM", germ_a + [variant(s, 200, 60, "somatic") for s in RARE])
    write_variants(res, "P4_ALL", germ_b + [variant(s, 200, 60, "somatic") for s in RARE])
    # P5 indeterminate: one private mutation each, no IGH
    write_variants(res, "P5_MM", germ_a + [variant(s, 200, 60, "somatic")
                                           for s in private_sites(6, 1)])
    write_variants(res, "P5_ALL", germ_a + [variant(s, 200, 60, "somatic")
                                            for s in private_sites(7, 1)])
    sheet = samplesheet(tmp_path, [
        (p, f"{p}_{kind}", dx, tp) for p in ("P1", "P2", "P3", "P4", "P5")
        for kind, dx, tp in (("ALL", "B-ALL", "2021-05-01"), ("MM", "MM", "2015-02-01"))])
    return sheet, res


def run(sheet: Path, res: Path, **kwargs) -> cl.CohortClonality:
    return cl.run_clonality(load_samplesheet(sheet, check_files=False), res, "GRCh38", **kwargs)


def test_each_verdict_on_hand_made_cases(cohort):
    result = run(*cohort)
    verdicts = {p.patient: p.verdict for p in result.pairs}
    assert verdicts == {
        "P1": "related", "P2": "unrelated",
        "P3": "unrelated, shared clonal-haematopoiesis precursor",
        "P4": "identity_mismatch", "P5": "indeterminate",
    }
    by_patient = {p.patient: p for p in result.pairs}
    # ordered by timepoint: the myeloma (2015) comes first although listed second
    assert by_patient["P1"].earlier.name == "P1_MM"
    assert by_patient["P1"].igh.call == "yes"  # hypermutated junction, 94% identity
    assert by_patient["P2"].igh.call == "no"
    assert by_patient["P1"].identity.call == "match"


def test_identity_mismatch_suppresses_the_relatedness_verdict(cohort):
    pair = next(p for p in run(*cohort).pairs if p.patient == "P4")
    assert pair.identity.call == "mismatch"
    assert pair.p_value is not None and pair.p_value < 0.05  # mutations alone would say related
    assert pair.row()["verdict"] == "identity_mismatch"
    assert "possible sample swap" in pair.row()["evidence"]


def test_identity_with_too_few_sites_is_unknown_not_mismatch(tmp_path):
    res = tmp_path / "samples"
    write_variants(res, "A", germline_rows(PERSON_A[:3]))
    write_variants(res, "B", germline_rows(PERSON_B[:3]))
    sheet = samplesheet(tmp_path, [("P", "A", "MM", "2015"), ("P", "B", "B-ALL", "2020")])
    pair = run(sheet, res).pairs[0]
    assert pair.identity.call == "unknown" and pair.verdict != "identity_mismatch"


def test_absent_germline_site_counts_as_hom_ref_only_where_the_panel_covers_it(tmp_path):
    res = tmp_path / "samples"
    (tmp_path / "panel.txt").write_text("TP53\n", encoding="utf-8")
    person_c = [2] * 8
    write_variants(res, "A", germline_rows(person_c))
    write_variants(res, "B", [])
    rows = [("P", "A", "MM", "2015"), ("P", "B", "B-ALL", "2020")]
    pair = run(samplesheet(tmp_path, rows), res).pairs[0]
    assert pair.identity.call == "unknown" and pair.identity.sites == 0  # panel unknown

    sheet = tmp_path / "with_panel.csv"
    sheet.write_text("patient,sample,diagnosis,timepoint,dna_panel\n"
                     "P,A,MM,2015,panel.txt\nP,B,B-ALL,2020,panel.txt\n", encoding="utf-8")
    pair = run(sheet, res).pairs[0]
    assert (pair.identity.sites, pair.identity.ibs0) == (8, 8)
    assert pair.identity.call == "mismatch"


def test_reads_below_the_calling_threshold_count_as_presence(tmp_path):
    res = tmp_path / "samples"
    site = RARE[0]
    write_variants(res, "B", germline_rows(PERSON_A) + [variant(site, 300, 140, "somatic")]
                   + [variant(RARE[1], 30, 0, "filtered"), variant(RARE[2], 5, 0, "filtered")])
    write_variants(res, "A", germline_rows(PERSON_A) + [variant(site, 300, 4, "filtered"),
                                                        variant(RARE[1], 200, 60, "somatic"),
                                                        variant(RARE[2], 200, 60, "somatic")])
    sheet = samplesheet(tmp_path, [("P", "A", "MM", "2015"), ("P", "B", "B-ALL", "2020")])
    pair = run(sheet, res).pairs[0]
    rows = {r["pos"]: r for r in pair.mutations.rows}
    assert rows[RARE[0][1]]["status"] == "subthreshold_earlier"
    assert rows[RARE[0][1]]["earlier_alt_count"] == 4
    assert rows[RARE[1][1]]["other_sample_reads"] == "absent_with_coverage"
    assert rows[RARE[2][1]]["other_sample_reads"] == "not_covered"
    assert rows[RARE[2][1]]["in_test"] is False
    assert pair.metrics["shared"] == 1


def test_ch_pattern_without_igh_is_not_called_related(tmp_path):
    res = tmp_path / "samples"
    write_variants(res, "A", germline_rows(PERSON_A) + [variant(TP53_R248Q, 500, 20, "somatic")])
    write_variants(res, "B", germline_rows(PERSON_A) + [variant(TP53_R248Q, 400, 180, "somatic")])
    sheet = samplesheet(tmp_path, [("P", "A", "MM", "2015"), ("P", "B", "B-ALL", "2020")])
    pair = run(sheet, res).pairs[0]
    assert pair.verdict == "indeterminate" and pair.rule.rule_id == "R3"


def test_frequency_lookup_exact_codon_default():
    freqs = cl.load_frequencies()
    assert freqs.lookup("KRAS", "p.Gly12Asp")[0] == 0.03
    assert freqs.lookup("TP53", "ENSP00000269305.4:p.Arg248Leu")[1] == "TP53 p.R248 (any cancer)"
    assert freqs.lookup("BIRC3", "p.Gln547Ter") == (freqs.default, "default")


def test_rules_are_data(tmp_path, cohort):
    rules = tmp_path / "rules.tsv"
    rules.write_text("rule\tverdict\tconditions\tsource\n"
                     "X1\tunrelated\tigh_shared == no\ttest\n"
                     "X2\tindeterminate\talways\ttest\n", encoding="utf-8")
    result = run(*cohort, rules_path=rules)
    verdicts = {p.patient: p.verdict for p in result.pairs}
    assert verdicts["P3"] == "unrelated" and verdicts["P1"] == "indeterminate"
    assert verdicts["P4"] == "identity_mismatch"  # not overridable by a rules table
    bad = tmp_path / "bad.tsv"
    bad.write_text("rule\tverdict\tconditions\tsource\nX\trelated\tp_value ~ 3\tx\n")
    with pytest.raises(LenallInputError, match="cannot read condition"):
        cl.load_rules(bad)


# --- copy number and IGH helpers ---------------------------------------------------------------

def seg(chrom, start, end, total, minor=None, markers=100):
    return {"chrom": chrom, "start": start, "end": end, "log2": None, "total_cn": total,
            "minor_cn": minor, "n_markers": markers}


def test_shared_breakpoints_within_tolerance_and_arm_events():
    params = cl.default_parameters()
    a = [seg("1", 1, 1_000_000, 2), seg("1", 1_000_001, 5_000_000, 1),
         seg("1", 5_000_001, 248_956_422, 2)]
    b = [seg("1", 1, 1_020_000, 2), seg("1", 1_020_001, 9_000_000, 1),
         seg("1", 9_000_001, 248_956_422, 2)]
    shared = cl.shared_breakpoints(cl.breakpoints(a, params), cl.breakpoints(b, params), 50_000)
    assert shared == [("1", 1_000_000, 1_020_000)]
    monosomy17 = [seg("17", 1, 83_257_441, 1)]
    assert cl.arm_events(monosomy17, "GRCh38", params) == {"17p loss", "17q loss"}
    # breakclone tolerance: 5 x (segment length / markers)
    assert cl.cn_tolerance([[seg("1", 1, 1_000_000, 2, markers=10)]], params) == 500_000


def test_igh_same_clonotype_needs_v_j_length_and_identity():
    a = {"v_gene": "IGHV3-23", "j_gene": "IGHJ4", "cdr3_nt": "A" * 20}
    b = {"v_gene": "IGHV3-23D,IGHV3-23", "j_gene": "IGHJ4", "cdr3_nt": "A" * 17 + "CCC"}
    assert cl.same_clonotype(a, b, 0.85) == pytest.approx(0.85)
    assert cl.same_clonotype(a, {**b, "cdr3_nt": "A" * 16 + "CCCC"}, 0.85) is None
    assert cl.same_clonotype(a, {**b, "j_gene": "IGHJ6"}, 0.85) is None
    assert cl.same_clonotype(a, {**b, "cdr3_nt": "A" * 21}, 0.85) is None


# --- outputs, errors, determinism --------------------------------------------------------------

def test_command_outputs_and_byte_identical_rerun(cohort, tmp_path):
    full_sheet, res = cohort
    # two patients keep the test fast
    sheet = tmp_path / "two_patients.csv"
    kept = [line for line in full_sheet.read_text().splitlines()
            if line.startswith(("patient", "P1,", "P3,"))]
    sheet.write_text("\n".join(kept) + "\n", encoding="utf-8")
    outputs = []
    for name in ("out1", "out2"):
        main(["clonality", "--samplesheet", str(sheet), "--results", str(res),
              "--outdir", str(tmp_path / name), "--genome", "GRCh38"])
        files = sorted(p for p in (tmp_path / name).rglob("*") if p.is_file())
        outputs.append({p.relative_to(tmp_path / name): p.read_bytes() for p in files})
    assert outputs[0] == outputs[1]
    names = {str(p) for p in outputs[0]}
    assert {"clonality.tsv", "clonality_evidence.tsv", "clonality/P1.svg"} <= names
    assert not any(name.endswith(".png") for name in names)  # PNG only with --png
    table = outputs[0][Path("clonality.tsv")].decode().splitlines()
    assert table[0].split("\t") == list(cl.CLONALITY_COLUMNS)
    assert len(table) == 3
    evidence = outputs[0][Path("clonality_evidence.tsv")].decode().splitlines()
    assert evidence[0].split("\t") == list(cl.EVIDENCE_COLUMNS)
    rows = [dict(zip(cl.EVIDENCE_COLUMNS, line.split("\t"), strict=True))
            for line in evidence[1:]]
    p3 = [r for r in rows if r["patient"] == "P3" and r["gene"] == "TP53"]
    assert len(p3) == 1 and p3[0]["status"] == "shared" and p3[0]["ch_gene"] == "true"
    assert p3[0]["kind"] == "mutation" and p3[0]["recurrent"] == "true"
    assert [r["kind"] for r in rows if r["patient"] == "P3"][-2:] == ["igh", "verdict"]


def test_no_pairs_writes_header_only_tables(tmp_path):
    res = tmp_path / "samples"
    write_variants(res, "A", [])
    sheet = samplesheet(tmp_path, [("P", "A", "MM", "2015")])
    main(["clonality", "--samplesheet", str(sheet), "--results", str(res),
          "--outdir", str(tmp_path / "out")])
    for name in ("clonality.tsv", "clonality_evidence.tsv"):
        assert len((tmp_path / "out" / name).read_text().splitlines()) == 1


def test_samples_of_different_builds_are_refused(tmp_path, capsys):
    res = tmp_path / "samples"
    write_variants(res, "A", germline_rows(PERSON_A), genome="GRCh37")
    write_variants(res, "B", germline_rows(PERSON_A))
    sheet = samplesheet(tmp_path, [("P", "A", "MM", "2015"), ("P", "B", "B-ALL", "2020")])
    with pytest.raises(SystemExit) as done:
        main(["clonality", "--samplesheet", str(sheet), "--results", str(res),
              "--outdir", str(tmp_path / "out"), "--genome", "GRCh38"])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "A.variants.qc.json" in err and "GRCh37" in err


def test_position_beyond_the_chromosome_is_refused(tmp_path):
    res = tmp_path / "samples"
    write_variants(res, "A", [variant(("21", 47_000_000, "C", "T", "X", ""), 100, 50,
                                      "somatic")])
    (res / "A" / "A.variants.qc.json").write_text(json.dumps({}))
    write_variants(res, "B", [])
    sheet = samplesheet(tmp_path, [("P", "A", "MM", "2015"), ("P", "B", "B-ALL", "2020")])
    with pytest.raises(LenallInputError, match="beyond GRCh38 chromosome 21"):
        run(sheet, res)


def test_bam_reads_show_presence_below_threshold(tmp_path):
    pysam = pytest.importorskip("pysam")
    chrom_len = 248_956_422
    bam = tmp_path / "B.bam"
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr3", "LN": chrom_len}]}
    site = RARE[0]
    with pysam.AlignmentFile(str(bam), "wb", header=header) as out:
        for i in range(30):
            read = pysam.AlignedSegment()
            read.query_name = f"r{i}"
            read.reference_id = 0
            read.reference_start = site[1] - 10
            seq = list("C" * 21)
            seq[9] = "A" if i < 5 else "G"  # 5 of 30 reads carry the alt allele
            read.query_sequence = "".join(seq)
            read.cigarstring = "21M"
            read.mapping_quality = 60
            read.query_qualities = pysam.qualitystring_to_array("I" * 21)
            out.write(read)
    pysam.index(str(bam))
    res = tmp_path / "samples"
    write_variants(res, "A", [variant(site, 200, 60, "somatic")])
    write_variants(res, "B", [])
    sheet = samplesheet(tmp_path, [("P", "A", "MM", "2015"), ("P", "B", "B-ALL", "2020")])
    pair = run(sheet, res, bams={"B": bam}).pairs[0]
    row = pair.mutations.rows[0]
    assert (row["later_depth"], row["later_alt_count"]) == (30, 5)
    assert row["status"] == "subthreshold_later" and row["later_call"] == "bam"


def _apl_maf(path: Path) -> dict[str, dict[tuple, str]]:
    import gzip

    text = gzip.open(path, "rt", encoding="utf-8", newline="").read().replace("\r", "\n")
    lines = [line.split("\t") for line in text.splitlines() if line.strip()]
    header, rows = lines[0], [dict(zip(lines[0], r, strict=False)) for r in lines[1:]]
    assert "Tumor_Sample_Barcode" in header
    per_patient: dict[str, dict[tuple, str]] = {}
    for row in rows:
        key = (row["Chromosome"], row["Start_Position"], row["Reference_Allele"],
               row["Tumor_Seq_Allele2"])
        patient = row["Tumor_Sample_Barcode"][:-1]  # DS2D / DS2R -> DS2
        per_patient.setdefault(patient, {})[key] = (row["Hugo_Symbol"],
                                                    "p." + row["amino_acid_change"])
    return per_patient


def test_real_apl_diagnosis_relapse_pairs(real_examples):
    """Madan et al. APL diagnosis/relapse MAFs: pairs sharing mutations test as related,
    pairs sharing none get LR 0 and p 1."""
    folder = real_examples / "maf" / "maftools"
    primary = _apl_maf(folder / "APL_primary.maf.gz")
    relapse = _apl_maf(folder / "APL_relapse.maf.gz")
    freqs = cl.load_frequencies()
    both = sorted(set(primary) & set(relapse))
    assert len(both) == 22
    sharing = 0
    for patient in both:
        d, r = primary[patient], relapse[patient]
        shared = [freqs.lookup(*d[k])[0] for k in sorted(set(d) & set(r))]
        private = [freqs.lookup(*(d.get(k) or r[k]))[0] for k in sorted(set(d) ^ set(r))]
        lr, p = cl.lr_test(shared, private, simulations=500, seed=1)
        if shared:
            sharing += 1
            assert lr > 0 and p < 0.05, patient
        else:
            assert (lr, p) == (0.0, 1.0), patient
    assert sharing == 14


def test_swapped_tumour_snps_called_somatic_still_count_for_identity(tmp_path):
    # against another person's matched normal, a swapped tumour's SNPs look somatic; their
    # population frequency still marks them as polymorphisms
    res = tmp_path / "samples"
    swapped = [{**row, "status": "somatic"} for row in germline_rows(PERSON_B)]
    write_variants(res, "A", germline_rows(PERSON_A))
    write_variants(res, "B", swapped)
    sheet = samplesheet(tmp_path, [("P", "A", "MM", "2015"), ("P", "B", "B-ALL", "2020")])
    pair = run(sheet, res).pairs[0]
    assert pair.identity.call == "mismatch" and pair.verdict == "identity_mismatch"


# --- the demo cohort, from its raw files ------------------------------------------------------

@pytest.fixture(scope="module")
def demo_chain(tmp_path_factory) -> tuple[dict, dict]:
    pytest.importorskip("lenall_genomics.commands.demo")
    pytest.importorskip("lenall_genomics.commands.variants")
    from lenall_genomics.steps import RunContext, step

    root = tmp_path_factory.mktemp("demo")
    main(["demo", "--outdir", str(root / "demo")])
    sheet = root / "demo" / "samplesheet.csv"
    expected = {}
    for line in (root / "demo" / "truth.tsv").read_text().splitlines():
        fields = line.split("\t")
        if len(fields) > 8 and fields[2] == "clonality":
            expected[tuple(fields[3].split("|"))] = fields[7]
    patients = {pair[0].split("_")[0][1:] for pair in expected}
    samples = load_samplesheet(sheet)
    ctx = RunContext(sheet, samples, root / "out")
    for sample in samples:
        if sample.patient not in patients:
            continue
        for name in ("variants", "copynumber", "clonotypes"):
            if step(name).applies(ctx, sample):
                main([*step(name).command, *step(name).arguments(ctx, sample)])
    main([*step("clonality").command, *step("clonality").arguments(ctx, None)])
    found = {}
    lines = (ctx.cohort_dir / "clonality.tsv").read_text().splitlines()
    for line in lines[1:]:
        row = dict(zip(cl.CLONALITY_COLUMNS, line.split("\t"), strict=True))
        found[(row["earlier_sample"], row["later_sample"])] = row
    return expected, found


def test_demo_cohort_verdicts_from_raw_files(demo_chain):
    expected, found = demo_chain
    assert set(expected.values()) >= {"related", "unrelated", "identity_mismatch",
                                      "unrelated, shared clonal-haematopoiesis precursor"}
    assert {pair: found[pair]["verdict"] for pair in expected} == expected


def test_demo_identity_mismatch_and_igh_evidence(demo_chain):
    expected, found = demo_chain
    mismatch = [found[p] for p, v in expected.items() if v == "identity_mismatch"]
    assert mismatch and all(r["identity"] == "mismatch" for r in mismatch)
    assert all(int(r["identity_sites"]) >= 5 for r in found.values())
    related_mm = [found[p] for p, v in expected.items() if v == "related" and "MM" in p[0]]
    assert related_mm and all(r["igh_shared"] == "yes" for r in related_mm)


def test_a_patient_with_one_tumour_sample_is_not_read(tmp_path, monkeypatch):
    res = tmp_path / "samples"
    write_variants(res, "A", [variant(RARE[0], 200, 60, "somatic")])
    write_variants(res, "B", [variant(RARE[0], 200, 60, "somatic")])
    sheet = samplesheet(tmp_path, [("P1", "A", "B-ALL", "2020"), ("P2", "B", "B-ALL", "2020"),
                                   ("P3", "C", "B-ALL", "2020")])
    read = []
    original = cl.inputs.read_variants_tsv
    monkeypatch.setattr(cl.inputs, "read_variants_tsv",
                        lambda path, genome: read.append(path.name) or original(path, genome))
    result = run(sheet, res)
    assert result.pairs == [] and read == []
    assert result.skipped == {"C": "no variants, segments or clonotypes results found"}


def test_a_figure_is_drawn_again_only_when_what_it_shows_changed(tmp_path, monkeypatch):
    from lenall_genomics import clonality_run
    from lenall_genomics.plots import clonality as plots

    drawn = []
    real = plots.draw_figure
    monkeypatch.setattr(plots, "draw_figure", lambda spec, base, png=False: drawn.append(
        spec["patient"]) or real(spec, base, png))
    spec = {"patient": "P1", "pairs": []}
    base = tmp_path / "clonality" / "P1"
    first = [p.read_bytes() for p in clonality_run.draw_once(spec, base)]
    clonality_run.draw_once(spec, base)
    assert drawn == ["P1"]
    (tmp_path / "clonality" / "P1.svg").write_text("edited")
    clonality_run.draw_once(spec, base)
    assert drawn == ["P1", "P1"]
    assert [p.read_bytes() for p in clonality_run.draw_once(spec, base)] == first
    clonality_run.draw_once({"patient": "P1 (renamed)", "pairs": []}, base)
    assert drawn == ["P1", "P1", "P1 (renamed)"]


def _drawn_patients(monkeypatch) -> list[str]:
    from lenall_genomics.plots import clonality as plots

    drawn: list[str] = []
    real = plots.draw_figure
    monkeypatch.setattr(plots, "draw_figure", lambda spec, base, png=False: drawn.append(
        spec["patient"]) or real(spec, base, png))
    return drawn


def _figures(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_figures_of_an_earlier_run_are_copied_not_drawn(cohort, tmp_path, monkeypatch):
    """--previous-figures: the earlier run's folder (as Nextflow stages it: a copy, under another
    path, with other times) gives every figure whose record and content still match."""
    sheet, res = cohort
    main(["clonality", "--samplesheet", str(sheet), "--results", str(res),
          "--outdir", str(tmp_path / "first"), "--genome", "GRCh38"])
    earlier = tmp_path / "staged" / "previous"
    shutil.copytree(tmp_path / "first" / "clonality", earlier)  # new times, another path
    expected = _figures(tmp_path / "first" / "clonality")
    assert len([n for n in expected if n.endswith(".svg")]) >= 3
    drawn = _drawn_patients(monkeypatch)
    main(["clonality", "--samplesheet", str(sheet), "--results", str(res), "--outdir",
          str(tmp_path / "second"), "--genome", "GRCh38", "--previous-figures", str(earlier)])
    assert drawn == []
    assert _figures(tmp_path / "second" / "clonality") == expected
    # a file changed in the earlier folder (or a record of other content) is drawn again
    (earlier / "P1.svg").write_text("edited")
    record = earlier / ".P3.figure.json"
    record.write_text(record.read_text().replace('"key": "', '"key": "0'))
    main(["clonality", "--samplesheet", str(sheet), "--results", str(res), "--outdir",
          str(tmp_path / "third"), "--genome", "GRCh38", "--previous-figures", str(earlier)])
    assert sorted(drawn) == ["P1", "P3"]
    assert _figures(tmp_path / "third" / "clonality") == expected
    # no earlier folder at all (a first run): everything drawn
    drawn.clear()
    main(["clonality", "--samplesheet", str(sheet), "--results", str(res), "--outdir",
          str(tmp_path / "fourth"), "--genome", "GRCh38", "--previous-figures",
          str(tmp_path / "missing")])
    assert len(drawn) == len([n for n in expected if n.endswith(".svg")])


def test_png_only_on_request_and_never_left_stale(cohort, tmp_path):
    full_sheet, res = cohort
    sheet = tmp_path / "one_patient.csv"
    sheet.write_text("\n".join(line for line in full_sheet.read_text().splitlines()
                               if line.startswith(("patient", "P1,"))) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["clonality", "--samplesheet", str(sheet), "--results", str(res), "--outdir",
            str(out), "--genome", "GRCh38"]
    main([*args, "--png", "--cores", "2"])
    first = _figures(out / "clonality")
    assert {"P1.png", "P1.svg", ".P1.figure.json"} == set(first)
    assert first["P1.png"].startswith(b"\x89PNG")
    main([*args, "--png"])
    assert _figures(out / "clonality") == first
    main(args)
    assert set(_figures(out / "clonality")) == {"P1.svg", ".P1.figure.json"}
    assert _figures(out / "clonality")["P1.svg"] == first["P1.svg"]


def test_figure_svg_is_well_formed_and_shows_the_spec():
    import xml.etree.ElementTree as ET

    from lenall_genomics.plots.clonality import figure_svg

    points = [{"x": 0.4, "y": 0.35, "category": "shared", "ch": False, "label": "KRAS"},
              {"x": 0.3, "y": 0.0, "category": "private_earlier", "ch": True, "label": "TET2"},
              {"x": 0.0, "y": 0.5, "category": "private_later", "ch": False, "label": None}]
    pair = {"points": points, "xlabel": "VAF A (MM, earlier)", "ylabel": "VAF B (B-ALL, later)",
            "title": "related\nidentity match, p 0.0005",
            "clonotypes": ["IGH clonotypes (clonal)", "", " *IGHV3-23/IGHJ4 CAR<&>W (45.0%)"]}
    spec = {"patient": "P<1> & \"2\"", "pairs": [pair, {**pair, "points": []}]}
    text = figure_svg(spec)
    assert text == figure_svg(spec)
    root = ET.fromstring(text)
    ns = "{http://www.w3.org/2000/svg}"
    words = "".join(root.itertext())
    for shown in ("P<1> & \"2\"", "KRAS", "TET2", "VAF A (MM, earlier)", "identity match",
                  " *IGHV3-23/IGHJ4 CAR<&>W (45.0%)", "no somatic mutations", "CH gene"):
        assert shown in words, shown
    circles = root.findall(f".//{ns}g[@class='pair']/{ns}circle")
    assert len(circles) == 3  # one per point; the second pair has none
    assert [c.get("fill") for c in circles[:3]] == ["#b2182b", "#2166ac", "#4daf4a"]
    assert circles[1].get("stroke") == "#762a83"  # a CH gene: outlined
    assert root.get("viewBox") == "0 0 950 840"
