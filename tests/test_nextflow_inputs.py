"""Every file a process reads is a declared input, and a bad reference file is refused early.

The pipeline's reference params (nextflow_schema.json, `exists: true`) are the file options of
`lenall variants` plus the rows file; `lenall validate` checks the same files the same way (an
index beside each), naming the option and the param.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from lenall_genomics.cli import cli
from lenall_genomics.commands.validate import REFERENCE_OPTIONS, validate
from lenall_genomics.model import SAMPLESHEET_FILE_COLUMNS
from lenall_genomics.samplesheet import PANEL_COLUMNS

REPO = Path(__file__).resolve().parents[1]
# variants options that are the sample's own data (a per-sample input), not references
SAMPLE_DATA_OPTIONS = {"--vcf", "--maf", "--outdir"}


def _schema_reference_params() -> dict[str, dict]:
    schema = json.loads((REPO / "nextflow_schema.json").read_text())
    return schema["$defs"]["reference_options"]["properties"]


def _file_options(words: tuple[str, ...]) -> set[str]:
    command = cli
    for word in words:
        command = command.get_command(click.Context(cli), word)
    return {param.opts[0] for param in command.params
            if isinstance(param.type, click.Path) and param.opts[0] not in SAMPLE_DATA_OPTIONS}


def test_every_file_option_of_variants_is_a_pipeline_param():
    params = {param for param, _ in REFERENCE_OPTIONS.values()}
    assert _file_options(("variants",)) <= set(REFERENCE_OPTIONS)
    assert params == set(_schema_reference_params())


def test_reference_params_must_exist_before_anything_runs():
    for name, spec in _schema_reference_params().items():
        assert spec.get("format") == "file-path" and spec.get("exists") is True, name
        assert spec.get("default") is None, name  # unset means: not used


def test_samplesheet_file_columns_are_marked_in_the_schema():
    """main.nf stages the cells of the columns marked `format: file-path`, and only those."""
    schema = json.loads((REPO / "assets" / "schema_input.json").read_text())
    marked = {name for name, spec in schema["items"]["properties"].items()
              if spec.get("format") == "file-path"}
    assert marked == set(SAMPLESHEET_FILE_COLUMNS) | set(PANEL_COLUMNS)
    assert "samplesheetFileColumns()" in (REPO / "main.nf").read_text()


# --- lenall validate on reference files ---------------------------------------------------------

@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "samplesheet.csv"
    path.write_text("patient,sample,diagnosis\n01,P01_T,B-ALL\n")
    return path


def _validate(sheet: Path, *args: str):
    return CliRunner().invoke(validate, [str(sheet), *args])


def _touch(path: Path) -> Path:
    path.write_bytes(b"x")
    return path


def test_good_references_pass(sheet, tmp_path):
    fasta = _touch(tmp_path / "genome.fa")
    _touch(tmp_path / "genome.fa.fai")
    gnomad = _touch(tmp_path / "gnomad.vcf.gz")
    _touch(tmp_path / "gnomad.vcf.gz.tbi")
    pon = _touch(tmp_path / "pon.vcf.gz")
    _touch(tmp_path / "pon.vcf.gz.csi")
    rows = _touch(tmp_path / "rows.tsv")
    gtf = _touch(tmp_path / "genes.gtf")
    result = _validate(sheet, "--fasta", str(fasta), "--population-vcf", str(gnomad),
                       "--pon", str(pon), "--rows", str(rows), "--gtf", str(gtf))
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


@pytest.mark.parametrize("option,param", [(o, p) for o, (p, _) in REFERENCE_OPTIONS.items()])
def test_missing_reference_names_file_option_and_param(sheet, tmp_path, option, param):
    missing = tmp_path / "nowhere" / "file.vcf.gz"
    result = _validate(sheet, option, str(missing))
    assert result.exit_code == 2
    line = next(x for x in result.output.splitlines() if str(missing) in x)
    assert option in line and f"--{param}" in line and "does not exist" in line


def test_fasta_needs_fai_and_bgzipped_fasta_needs_gzi(sheet, tmp_path):
    fasta = _touch(tmp_path / "genome.fa")
    result = _validate(sheet, "--fasta", str(fasta))
    assert result.exit_code == 2 and "genome.fa.fai not found" in result.output
    assert "samtools faidx" in result.output
    packed = _touch(tmp_path / "genome.fa.gz")
    _touch(tmp_path / "genome.fa.gz.fai")
    result = _validate(sheet, "--fasta", str(packed))
    assert result.exit_code == 2 and "genome.fa.gz.gzi not found" in result.output
    _touch(tmp_path / "genome.fa.gz.gzi")
    assert _validate(sheet, "--fasta", str(packed)).exit_code == 0


@pytest.mark.parametrize("option", ["--population-vcf", "--pon"])
def test_sites_vcf_needs_bgzip_and_an_index(sheet, tmp_path, option):
    packed = _touch(tmp_path / "sites.vcf.gz")
    result = _validate(sheet, option, str(packed))
    assert result.exit_code == 2
    assert "sites.vcf.gz.tbi or sites.vcf.gz.csi not found" in result.output
    assert "tabix -p vcf" in result.output
    plain = _touch(tmp_path / "sites.vcf")
    _touch(tmp_path / "sites.vcf.tbi")
    result = _validate(sheet, option, str(plain))
    assert result.exit_code == 2 and "must be bgzipped" in result.output
    _touch(tmp_path / "sites.vcf.gz.csi")
    assert _validate(sheet, option, str(packed)).exit_code == 0


def test_reference_that_is_a_folder_is_refused(sheet, tmp_path):
    result = _validate(sheet, "--gtf", str(tmp_path))
    assert result.exit_code == 2 and "is a folder" in result.output


def test_every_problem_is_listed_with_the_samplesheets(tmp_path):
    sheet = tmp_path / "samplesheet.csv"
    sheet.write_text("patient,sample,diagnosis,dna_panel\n01,P01_T,B-ALL,panels/missing.bed\n")
    result = _validate(sheet, "--gtf", str(tmp_path / "genes.gtf"),
                       "--pon", str(tmp_path / "pon.vcf.gz"))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert any("row 1, column dna_panel" in x and "panels/missing.bed" in x for x in lines)
    assert any(x.startswith("--gtf (pipeline param --gtf)") for x in lines)
    assert any(x.startswith("--pon (pipeline param --pon)") for x in lines)
    assert lines[-1].endswith("3 problems")
