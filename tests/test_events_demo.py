"""Acceptance on the demo cohort: fusions and copy-number events computed from the raw files
match the demo's truth table (nothing is looked up from it)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lenall_genomics.events import run_copynumber, run_fusions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory) -> tuple[Path, list[dict[str, str]]]:
    build = pytest.importorskip("lenall_genomics.demo.build")
    folder = Path(build.build_demo(str(tmp_path_factory.mktemp("demo")), "GRCh38"))
    out = folder / "results"
    with open(folder / "samplesheet.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["diagnosis"] == "normal":
                continue
            sample = row["sample"]
            if row["fusions"]:
                run_fusions(sample, folder / row["fusions"], out / sample, "GRCh38",
                            row["fusion_format"] or None)
            if row["segments"]:
                run_copynumber(sample, folder / row["segments"], out / sample, "GRCh38",
                               row["segments_format"] or None,
                               float(row["purity"]) if row["purity"] else None,
                               row["sex"] or None)
    lines = [line for line in (folder / "truth.tsv").read_text().splitlines()
             if line and not line.startswith("##")]
    truth = list(csv.DictReader(lines, delimiter="\t"))
    return out, truth


def events(out: Path, suffix: str) -> list[dict[str, str]]:
    rows = []
    for path in sorted(out.glob(f"*/*.{suffix}")):
        sample = path.parent.name
        with open(path, newline="") as handle:
            rows += [{**r, "sample": sample} for r in csv.DictReader(handle, delimiter="\t")]
    return rows


def test_demo_fusion_drivers(demo_results):
    out, truth = demo_results
    found = {(e["sample"], e["label"]) for e in events(out, "fusions.tsv")
             if e["label"] != "other"}
    expected = {(t["sample"], t["expected"]) for t in truth
                if t["kind"] == "fusion" and t["expected"] != "other"}
    assert found == expected  # P2RY8::CRLF2 (06), IGH::CRLF2 (12), KMT2A::AFF1 (13), BCR::ABL1 (32)
    others = [t for t in truth if t["kind"] == "fusion" and t["expected"] == "other"]
    kept = {(e["sample"], e["gene"], e["partner"]) for e in events(out, "fusions.tsv")}
    for t in others:
        gene5, gene3 = t["item"].split("::")
        assert (t["sample"], gene5, gene3) in kept  # non-drivers are kept as `other`


def test_demo_copy_number_events(demo_results):
    out, truth = demo_results
    cn = events(out, "cn_events.tsv")
    found = {(e["sample"], e["label"]) for e in cn if e["event_type"] != "rearrangement"}
    expected = {(t["sample"], t["item"]) for t in truth if t["kind"] == "cn_event"}
    assert found == expected  # CDKN2A/B (04), P2RY8::CRLF2 from DNA (06), IKZF2 (13)
    assert not any(e["gene"] in ("IKZF1", "IKZF3") for e in cn)  # monosomies are karyotype


def test_demo_kmt2a_flags(demo_results):
    out, truth = demo_results
    flags = {}
    for e in events(out, "cn_events.tsv") + events(out, "fusions.tsv"):
        if e["gene"] == "KMT2A" and e["label"] != "other":
            likely = "likely" in e["label"] or e["confidence"] in ("high", "medium")
            flags[e["sample"]] = "likely" if likely or flags.get(e["sample"]) == "likely" \
                else "possible"
    expected = {t["sample"]: t["expected"] for t in truth if t["kind"] == "kmt2a"}
    assert flags == expected  # 01 likely (3' KMT2A lost), 13 possible (one low-confidence call)
