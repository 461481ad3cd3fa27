"""Samplesheet loading and `lenall validate`: every problem reported with its row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lenall_genomics import cli, model
from lenall_genomics.assets import asset
from lenall_genomics.commands.validate import validate
from lenall_genomics.errors import LenallInputError
from lenall_genomics.samplesheet import SamplesheetError, load_samplesheet, validate_samplesheet


def write(folder: Path, text: str, name: str = "samplesheet.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.vcf.gz").write_bytes(b"x")
    (tmp_path / "data" / "t.cns").write_text("chromosome\tstart\tend\tlog2\n")
    return tmp_path


GOOD = """patient,sample,diagnosis,timepoint,sex,dna_panel,rna_panel,vcf,normal,segments,purity
01,P01_N,normal,2019-01-01,female,MSK-IMPACT-Heme,,,,,
01,P01_T,B-ALL,2019-01-01,female,MSK-IMPACT-Heme,Archer-FusionPlex,data/t.vcf.gz,P01_N,data/t.cns,0.8
02,P02_T,BALLLP,,male,,,,,data/t.cns,
"""


def test_valid_sheet_loads_with_resolved_paths_and_string_ids(data: Path) -> None:
    samples = load_samplesheet(write(data, GOOD))
    assert [s.sample for s in samples] == ["P01_N", "P01_T", "P02_T"]
    tumour = samples[1]
    assert tumour.patient == "01"  # leading zero kept
    assert tumour.row == 2
    assert tumour.vcf == (data / "data" / "t.vcf.gz").resolve()
    assert tumour.vcf.is_absolute() and tumour.segments.is_absolute()
    assert tumour.purity == 0.8 and tumour.normal == "P01_N"
    assert samples[2].vcf is None and samples[2].maf is None  # segments only is fine


def test_relative_paths_resolve_against_the_sheet_folder_not_cwd(data: Path, tmp_path: Path,
                                                                 monkeypatch) -> None:
    sheet = write(data, GOOD)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert load_samplesheet(sheet)[1].segments == (data / "data" / "t.cns").resolve()


def test_paths_resolve_through_links_as_path_resolve_does(data: Path, tmp_path: Path) -> None:
    """A linked file or folder is named by its target (Nextflow stages inputs as links on a
    shared filesystem); '..' and './' parts are resolved; each file is looked up per sheet."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "t.cns").write_text("chromosome\tstart\tend\tlog2\n")
    (data / "linked").symlink_to(real)
    (data / "data" / "linked.cns").symlink_to(real / "t.cns")
    sheet = write(data, "patient,sample,diagnosis,segments\n"
                        "01,A,B-ALL,linked/t.cns\n02,B,B-ALL,data/linked.cns\n"
                        "03,C,B-ALL,./data/../linked/./t.cns\n04,D,B-ALL,data/t.cns\n")
    samples = load_samplesheet(sheet)
    assert [s.segments for s in samples] == [(data / p).resolve() for p in (
        "linked/t.cns", "data/linked.cns", "data/../linked/t.cns", "data/t.cns")]
    assert samples[0].segments == real / "t.cns" and samples[1].segments == real / "t.cns"
    (data / "linked").unlink()  # the same sheet read again sees the change
    (data / "linked").symlink_to(data / "data")
    assert load_samplesheet(sheet)[0].segments == (data / "data" / "t.cns").resolve()


def test_bom_crlf_and_whitespace_are_tolerated(data: Path) -> None:
    text = "\ufeffpatient , sample,diagnosis\r\n 7 , S7 , MM \r\n,,\r\n"
    samples = load_samplesheet(write(data, text))
    assert [(s.patient, s.sample, s.diagnosis) for s in samples] == [("7", "S7", "MM")]


FIVE_FAULTS = """patient,sample,diagnosis,vcf,normal,purity,colour
01,S1,B-ALL,missing.vcf.gz,,0.5,red
01,S1,MM,,,,
02,S3,ALL,,S1,,
02,S4,MM,,,1.5,
"""


def test_five_different_faults_are_all_reported_with_row_and_column(data: Path) -> None:
    problems = validate_samplesheet(write(data, FIVE_FAULTS))
    found = {(p.row, p.column) for p in problems}
    assert (0, "colour") in found          # unknown column
    assert (1, "vcf") in found             # file missing
    assert (2, "sample") in found          # duplicate sample id
    assert (3, "diagnosis") in found       # not in the vocabulary
    assert (3, "normal") in found          # normal of another patient
    assert (4, "purity") in found          # out of (0, 1]
    unknown = next(p for p in problems if p.column == "colour")
    assert "patient, sample, diagnosis" in unknown.hint


def test_normal_must_be_a_normal_sample_of_the_same_patient(data: Path) -> None:
    text = "patient,sample,diagnosis,normal\n01,A,MM,\n01,B,B-ALL,A\n01,C,B-ALL,Z\n"
    problems = validate_samplesheet(write(data, text))
    messages = {p.row: p.message for p in problems if p.column == "normal"}
    assert "diagnosis 'MM'" in messages[2]
    assert "no sample 'Z'" in messages[3]


def test_missing_required_columns_and_empty_required_values(data: Path) -> None:
    problems = validate_samplesheet(write(data, "patient,diagnosis\n01,MM\n,MM\n"))
    assert (0, "sample") in {(p.row, p.column) for p in problems}
    assert (2, "patient") in {(p.row, p.column) for p in problems}
    assert not any(p.row > 0 and p.column == "sample" for p in problems)  # said once, at row 0


def test_vcf_and_maf_on_one_row_and_bad_formats(data: Path) -> None:
    (data / "x.maf").write_text("Hugo_Symbol\n")
    text = ("patient,sample,diagnosis,vcf,maf,fusion_format,segments_format\n"
            "01,S,MM,data/t.vcf.gz,x.maf,arriba2,cnvkit\n")
    problems = {(p.row, p.column) for p in validate_samplesheet(write(data, text))}
    assert problems == {(1, "maf"), (1, "fusion_format")}


def test_panels_must_be_known_ids_or_readable_gene_files(data: Path) -> None:
    write(data, "TP53\nRB1\n", "genes.txt")
    text = ("patient,sample,diagnosis,dna_panel,rna_panel\n"
            "01,A,MM,genes.txt,MSK-IMPACT-Hem\n01,B,MM,MSK-IMPACT-Heme,nope.bed\n")
    problems = validate_samplesheet(write(data, text))
    assert {(p.row, p.column) for p in problems} == {(1, "rna_panel"), (2, "rna_panel")}
    assert "did you mean 'MSK-IMPACT-Heme'" in problems[0].hint


def test_load_raises_one_error_listing_every_problem(data: Path) -> None:
    with pytest.raises(SamplesheetError) as caught:
        load_samplesheet(write(data, FIVE_FAULTS))
    assert isinstance(caught.value, LenallInputError)
    text = str(caught.value)
    assert len(caught.value.problems) >= 6
    assert all(str(problem) in text for problem in caught.value.problems)


def test_validate_command_prints_one_line_per_problem_and_exits_2(data: Path) -> None:
    sheet = write(data, FIVE_FAULTS)
    result = CliRunner().invoke(validate, [str(sheet)])
    assert result.exit_code == 2
    problems = validate_samplesheet(sheet)
    lines = result.output.strip().splitlines()
    assert lines[:-1] == [str(p) for p in problems]
    assert lines[0].startswith("row 0, column colour: unknown column")


def test_validate_through_the_console_entry_point(data: Path, capsys) -> None:
    with pytest.raises(SystemExit) as bad:
        cli.main(["validate", str(write(data, FIVE_FAULTS, "bad.csv"))])
    assert bad.value.code == 2
    assert "row 1, column vcf:" in capsys.readouterr().err
    cli.main(["validate", str(write(data, GOOD))])  # returns normally: exit status 0
    assert "3 samples, 2 patients" in capsys.readouterr().out


def test_schema_matches_the_model_vocabularies() -> None:
    schema = json.loads(asset("schema_input.json").read_text())
    assert schema["type"] == "array"
    items = schema["items"]
    assert tuple(items["properties"]) == model.SAMPLESHEET_COLUMNS
    assert items["required"] == ["patient", "sample", "diagnosis"]
    assert tuple(items["properties"]["diagnosis"]["enum"]) == model.DIAGNOSES
    assert set(model.SEX_CODES.values()) == set(model.SEXES)
    assert tuple(items["properties"]["fusion_format"]["enum"]) == model.FUSION_FORMATS
    assert tuple(items["properties"]["segments_format"]["enum"]) == model.SEGMENT_FORMATS


@pytest.mark.parametrize("code, sex", [
    ("M", "male"), ("m", "male"), ("XY", "male"), ("xy", "male"), ("Male", "male"),
    ("F", "female"), ("f", "female"), ("XX", "female"), ("xx", "female"), ("FEMALE", "female"),
    ("NA", "unknown"), ("na", "unknown"), ("Unknown", "unknown"), ("", None)])
def test_sex_codes_of_clinical_sheets_and_sarek_are_read(data: Path, code: str, sex) -> None:
    sheet = f"patient,sample,diagnosis,sex,segments\n01,T1,B-ALL,{code},data/t.cns\n"
    assert load_samplesheet(write(data, sheet))[0].sex == sex


@pytest.mark.parametrize("code", ["W", "XXY", "fem", "MF", "N/A"])
def test_other_sex_codes_are_refused_with_the_accepted_list(data: Path, code: str) -> None:
    sheet = f"patient,sample,diagnosis,sex,segments\n01,T1,B-ALL,{code},data/t.cns\n"
    problems = validate_samplesheet(write(data, sheet))
    assert [(p.row, p.column) for p in problems] == [(1, "sex")]
    assert "M, F, XY, XX, NA" in problems[0].message
