"""Cohort steps on a samplesheet whose samples have no per-sample results yet.

Under Nextflow, or with a metadata-only samplesheet, the results folder can be empty or absent;
every cohort step must still write the files the step graph declares.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lenall_genomics.cli import main
from lenall_genomics.model import Sample
from lenall_genomics.steps import STEPS, RunContext


def test_every_cohort_step_writes_its_outputs_without_results(tmp_path: Path) -> None:
    sheet = tmp_path / "samplesheet.csv"
    sheet.write_text("patient,sample,diagnosis,sex\n01,P01,B-ALL,female\n02,P02,MM,male\n")
    samples = (Sample(patient="01", sample="P01", diagnosis="B-ALL", sex="female"),
               Sample(patient="02", sample="P02", diagnosis="MM", sex="male"))
    ctx = RunContext(samplesheet=sheet, samples=samples, outdir=tmp_path / "out")
    for step in (s for s in STEPS if s.scope == "cohort"):
        try:
            main([*step.command, *step.arguments(ctx, None)])
        except SystemExit as done:
            pytest.fail(f"lenall {step.name} exited with {done.code}")
        for output in step.outputs(ctx, None):
            assert output.is_file(), f"{step.name} did not write {output.name}"
