"""The cBioPortal study folder: every file and field cBioPortal's File Formats page requires."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import report_fixture as fixture
from lenall_genomics.cli import main
from lenall_genomics.errors import LenallInputError
from lenall_genomics.export.cbioportal import cna_level, expand_symbols
from lenall_genomics.export.run import export_study
from lenall_genomics.model import EVENT_COLUMNS, Sample
from lenall_genomics.readers.maf import read_maf
from lenall_genomics.writers import write_tsv

STUDY = "lenall_test"
ID = re.compile(r"^[A-Za-z0-9._-]+$")
# meta file -> fields the File Formats page requires (besides cancer_study_identifier)
REQUIRED_META = {
    "meta_study.txt": {"type_of_cancer", "name", "description"},
    "meta_clinical_patient.txt": {"genetic_alteration_type": "CLINICAL",
                                  "datatype": "PATIENT_ATTRIBUTES", "data_filename": None},
    "meta_clinical_sample.txt": {"genetic_alteration_type": "CLINICAL",
                                 "datatype": "SAMPLE_ATTRIBUTES", "data_filename": None},
    "meta_mutations.txt": {"genetic_alteration_type": "MUTATION_EXTENDED", "datatype": "MAF",
                           "stable_id": "mutations", "show_profile_in_analysis_tab": "true",
                           "profile_name": None, "profile_description": None,
                           "data_filename": None},
    "meta_cna.txt": {"genetic_alteration_type": "COPY_NUMBER_ALTERATION", "datatype": "DISCRETE",
                     "stable_id": None, "show_profile_in_analysis_tab": "true",
                     "profile_name": None, "profile_description": None, "data_filename": None},
    "meta_sv.txt": {"genetic_alteration_type": "STRUCTURAL_VARIANT", "datatype": "SV",
                    "stable_id": "structural_variants", "show_profile_in_analysis_tab": "true",
                    "profile_name": None, "profile_description": None, "data_filename": None},
    "meta_seg.txt": {"genetic_alteration_type": "COPY_NUMBER_ALTERATION", "datatype": "SEG",
                     "reference_genome_id": "hg38", "description": None, "data_filename": None},
    "meta_gene_panel_matrix.txt": {"genetic_alteration_type": "GENE_PANEL_MATRIX",
                                   "datatype": "GENE_PANEL_MATRIX", "data_filename": None},
}


def meta(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition(": ")
        fields[key] = value
    return fields


def rows(path: Path, skip_hash: bool = True) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text().splitlines() if not (skip_hash and ln.startswith("#"))]
    header = lines[0].split("\t")
    out = []
    for line in lines[1:]:
        values = line.split("\t")
        assert len(values) == len(header), f"{path.name}: {line!r}"
        out.append(dict(zip(header, values, strict=True)))
    return out


@pytest.fixture
def study(tmp_path: Path) -> Path:
    paths = fixture.write_cohort(tmp_path)
    # T02 (myeloid panel, no RB1) also has copy-number results.
    write_tsv(paths["results"] / "T02" / "T02.cn_events.tsv", EVENT_COLUMNS, [
        {"gene": "TP53", "event_type": "deletion", "partner": None, "label": "TP53 loss",
         "source": "dna_cn", "evidence": "total_cn=1", "confidence": "high"}])
    export_study(fixture.samples(tmp_path), paths["results"], paths["cohort"], "GRCh38",
                 study_id=STUDY)
    return paths["cohort"] / "cbioportal"


def test_every_meta_file_has_the_required_fields(study: Path) -> None:
    for name, required in REQUIRED_META.items():
        fields = meta(study / name)
        assert fields["cancer_study_identifier"] == STUDY, name
        for key in required:
            assert fields.get(key), f"{name} lacks {key}"
            if isinstance(required, dict) and required[key] is not None:
                assert fields[key] == required[key], f"{name}: {key}"
        if "data_filename" in fields:
            assert (study / fields["data_filename"]).is_file(), fields["data_filename"]
    assert meta(study / "meta_study.txt")["reference_genome"] == "hg38"
    assert meta(study / "meta_study.txt")["add_global_case_list"] == "true"


def test_clinical_files_have_four_hash_rows_and_safe_ids(study: Path) -> None:
    for name, key_columns in (("data_clinical_patient.txt", ["PATIENT_ID"]),
                              ("data_clinical_sample.txt", ["PATIENT_ID", "SAMPLE_ID"])):
        lines = (study / name).read_text().splitlines()
        assert all(line.startswith("#") for line in lines[:4]) and not lines[4].startswith("#")
        width = len(lines[4].split("\t"))
        assert all(len(line.split("\t")) == width for line in lines)
        assert set(lines[2][1:].split("\t")) <= {"STRING", "NUMBER", "BOOLEAN"}
        assert all(p.isdigit() for p in lines[3][1:].split("\t"))
        assert lines[4].split("\t")[: len(key_columns)] == key_columns
        for row in rows(study / name):
            assert all(ID.match(row[c]) for c in key_columns), row
        assert "MUTATION_COUNT" not in lines[4]  # banned: cBioPortal fills it
    samples = {r["SAMPLE_ID"]: r for r in rows(study / "data_clinical_sample.txt")}
    assert set(samples) == {"M01", "T01", "T02", "_script_alert_1___script_"}  # no normal
    assert samples["_script_alert_1___script_"]["SAMPLE_DISPLAY_NAME"] == fixture.EVIL
    assert samples["T01"]["ONCOTREE_CODE"] == "BLL" and samples["M01"]["ONCOTREE_CODE"] == "PCM"


def test_mutations_are_a_maf_of_study_samples(study: Path) -> None:
    maf = read_maf(study / "data_mutations.txt")
    for column in ("Hugo_Symbol", "Variant_Classification", "Reference_Allele",
                   "Tumor_Seq_Allele2", "Tumor_Sample_Barcode", "HGVSp_Short", "NCBI_Build"):
        assert column in maf.columns
    assert sorted(maf["Tumor_Sample_Barcode"]) == ["T01", "T01", "T02", "T02"]
    assert set(maf["NCBI_Build"]) == {"GRCh38"}


def test_discrete_cna_uses_minus2_to_2_and_na_off_panel(study: Path) -> None:
    table = {r["Hugo_Symbol"]: r for r in rows(study / "data_cna.txt")}
    assert table["CDKN2A"]["T01"] == "-2"  # homozygous (total_cn=0)
    assert table["RB1"]["T01"] == "-1"
    assert table["IKZF1"]["T01"] == "-1"  # intragenic deletion: a hemizygous-level call
    assert table["TP53"]["T02"] == "-1"
    assert table["RB1"]["T02"] == "NA"  # RB1 is not on the myeloid panel: not profiled
    assert table["TET2"]["T02"] == "0"
    assert "KMT2A" not in {g for g, r in table.items() if r["T01"] not in ("0", "NA")}
    values = {v for r in table.values() for k, v in r.items() if k != "Hugo_Symbol"}
    assert values <= {"-2", "-1", "0", "1", "2", "NA"}


def test_structural_variants_carry_the_sv_columns(study: Path) -> None:
    sv = rows(study / "data_sv.txt")
    for row in sv:
        assert row["Sample_Id"] and row["SV_Status"] == "SOMATIC" and row["Site1_Hugo_Symbol"]
        assert row["NCBI_Build"] == "GRCh38"
    fusion = next(r for r in sv if r["Site2_Hugo_Symbol"] == "CRLF2")
    # RNA call and the PAR1 deletion seen in DNA are one row with both supports
    assert len([r for r in sv if r["Site2_Hugo_Symbol"] == "CRLF2"]) == 1
    assert (fusion["Site1_Hugo_Symbol"], fusion["RNA_Support"], fusion["DNA_Support"]) == \
        ("P2RY8", "Yes", "Yes")
    kmt2a = next(r for r in sv if r["Site1_Hugo_Symbol"] == "KMT2A")
    assert kmt2a["Site2_Hugo_Symbol"] == "" and kmt2a["DNA_Support"] == "Yes"
    intergenic = next(r for r in sv if r["Site1_Hugo_Symbol"] == "ETV6")
    assert (intergenic["Site2_Hugo_Symbol"], intergenic["Site2_Chromosome"],
            intergenic["Site2_Position"]) == ("", "12", "11900000")
    # breakpoints follow the caller's order (ABL1 first); the sites follow the label
    bcr = next(r for r in sv if r["Site1_Hugo_Symbol"] == "BCR")
    assert (bcr["Site1_Chromosome"], bcr["Site1_Position"], bcr["Site2_Hugo_Symbol"],
            bcr["Site2_Chromosome"], bcr["Class"]) == ("22", "23290413", "ABL1", "9",
                                                      "TRANSLOCATION")
    # no gene at either end: cBioPortal cannot load it, so it is counted as left out
    assert not any(r["Site1_Hugo_Symbol"] == "" and r["Site2_Hugo_Symbol"] == "" for r in sv)
    qc = json.loads((study.parent / "cbioportal.qc.json").read_text())
    assert qc["skipped"]["structural variants with no gene at either breakpoint"] == 1


def test_segments_file_is_igv_seg(study: Path) -> None:
    lines = (study / "data_seg.seg").read_text().splitlines()
    assert lines[0].split("\t") == ["ID", "chrom", "loc.start", "loc.end", "num.mark", "seg.mean"]
    seg = rows(study / "data_seg.seg")
    assert [r["chrom"] for r in seg] == ["9", "13", "17"]
    assert seg[2]["seg.mean"] == "0"  # no log2: log2(total_cn / 2)
    assert all(float(r["seg.mean"]) <= 0 for r in seg)


def test_gene_panel_matrix_marks_unprofiled_genes(study: Path) -> None:
    matrix = {r["SAMPLE_ID"]: r for r in rows(study / "data_gene_panel_matrix.txt")}
    header = (study / "data_gene_panel_matrix.txt").read_text().splitlines()[0].split("\t")
    assert header == ["SAMPLE_ID", "mutations", "cna", "structural_variants"]
    assert matrix["T02"]["mutations"] == "RainDance-ThunderBolts-Myeloid"
    assert matrix["T01"]["structural_variants"] == "Archer-FusionPlex-RNA"
    assert matrix["M01"]["cna"] == "NA"
    for row in matrix.values():
        for value in list(row.values())[1:]:
            if value != "NA":
                panel = meta(study / f"data_gene_panel_{value}.txt")
                assert panel["stable_id"] == value and panel["description"]
    myeloid = meta(study / "data_gene_panel_RainDance-ThunderBolts-Myeloid.txt")["gene_list"]
    genes = myeloid.split("\t")
    assert "TP53" in genes and "RB1" not in genes


def test_case_lists(study: Path) -> None:
    clinical = {r["SAMPLE_ID"] for r in rows(study / "data_clinical_sample.txt")}
    found = {}
    for path in sorted((study / "case_lists").iterdir()):
        fields = meta(path)
        for key in ("cancer_study_identifier", "stable_id", "case_list_name",
                    "case_list_description", "case_list_ids"):
            assert fields.get(key), f"{path.name} lacks {key}"
        assert fields["stable_id"].startswith(f"{STUDY}_")
        ids = fields["case_list_ids"].split("\t")
        assert set(ids) <= clinical
        found[fields["stable_id"]] = ids
    assert found[f"{STUDY}_sequenced"] == ["M01", "T01", "T02"]
    assert found[f"{STUDY}_cna"] == ["T01", "T02"]
    assert found[f"{STUDY}_sv"] == ["T01"]


def test_rerun_is_identical_and_removes_stale_files(study: Path, tmp_path: Path) -> None:
    before = {p.relative_to(study): p.read_bytes() for p in study.rglob("*") if p.is_file()}
    (study / "data_stale.txt").write_text("old")
    export_study(fixture.samples(tmp_path), tmp_path / "samples", tmp_path / "cohort", "GRCh38",
                 study_id=STUDY)
    after = {p.relative_to(study): p.read_bytes() for p in study.rglob("*") if p.is_file()}
    assert after == before


def test_bad_study_id_and_clashing_ids_are_input_errors(tmp_path: Path) -> None:
    (tmp_path / "samples").mkdir()
    with pytest.raises(LenallInputError, match="study id"):
        export_study([Sample("P1", "S1", "B-ALL")], tmp_path / "samples", tmp_path, "GRCh38",
                     study_id="my study")
    with pytest.raises(LenallInputError, match="both become"):
        export_study([Sample("P1", "S 1", "B-ALL"), Sample("P1", "S_1", "B-ALL")],
                     tmp_path / "samples", tmp_path, "GRCh38")


def test_cna_levels_and_symbols() -> None:
    assert cna_level("deep_deletion") == -2 and cna_level("loss") == -1
    assert cna_level("deletion", "total_cn=0") == -2
    assert cna_level("amplification") == 2 and cna_level("gain") == 1
    assert cna_level("rearrangement") is None and cna_level("fusion") is None
    assert expand_symbols("CDKN2A/B") == ["CDKN2A", "CDKN2B"]
    assert expand_symbols("IKZF1") == ["IKZF1"]


def test_export_all_command(tmp_path: Path) -> None:
    paths = fixture.write_cohort(tmp_path)
    sheet = fixture.samplesheet(tmp_path)
    main(["export", "all", "--samplesheet", str(sheet), "--results", str(paths["results"]),
          "--outdir", str(paths["cohort"]), "--genome", "GRCh38"])
    assert (paths["cohort"] / "cohort.maf").is_file()
    assert meta(paths["cohort"] / "cbioportal" / "meta_study.txt")["cancer_study_identifier"] \
        == "lenall_ball_cohort"


def test_layout_matches_cbioportals_own_test_study(study: Path, real_examples: Path) -> None:
    real = real_examples / "cohort" / "cbioportal_study_es_0"
    for ours, theirs in (("data_clinical_patient.txt", "data_clinical_patients.txt"),
                         ("data_clinical_sample.txt", "data_clinical_samples.txt")):
        mine = (study / ours).read_text().splitlines()
        reference = (real / theirs).read_text().splitlines()
        assert [line.startswith("#") for line in mine[:5]] == \
            [line.startswith("#") for line in reference[:5]]
        assert mine[4].split("\t")[0] == reference[4].split("\t")[0] == "PATIENT_ID"
    seg_header = (real / "data_cna_hg19.seg").read_text().splitlines()[0]
    assert (study / "data_seg.seg").read_text().splitlines()[0] == seg_header
    sv_columns = set((real / "data_structural_variants.txt").read_text().splitlines()[0]
                     .split("\t"))
    assert set(rows(study / "data_sv.txt")[0]) <= sv_columns
    panel_keys = [line.split(":")[0] for line in
                  (real / "data_gene_panel_testpanel1.txt").read_text().splitlines()]
    ours = [line.split(":")[0] for line in
            (study / "data_gene_panel_MSK-IMPACT-Heme.txt").read_text().splitlines()]
    assert ours == panel_keys
    matrix = (real / "data_gene_panel_matrix.txt").read_text().splitlines()[0].split("\t")
    assert (study / "data_gene_panel_matrix.txt").read_text().split("\t")[0] == matrix[0]
    maf_header = next(line for line in (real / "data_mutations_extended.maf").read_text()
                      .splitlines() if not line.startswith("#")).split("\t")
    mine = (study / "data_mutations.txt").read_text().splitlines()[0].split("\t")
    required = ("Hugo_Symbol", "Variant_Classification", "Reference_Allele", "Tumor_Seq_Allele2",
                "Tumor_Sample_Barcode", "HGVSp_Short")
    assert all(c in mine and c in maf_header for c in required)
