"""Helpers shared by the tests/test_variants_*.py files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "variants"


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def outputs(outdir: Path, sample: str) -> tuple[list[dict], list[dict], dict]:
    tsv = read_rows(outdir / f"{sample}.variants.tsv")
    maf = read_rows(outdir / f"{sample}.maf")
    qc = json.loads((outdir / f"{sample}.variants.qc.json").read_text())
    return tsv, maf, qc


def by_pos(rows: list[dict]) -> dict[tuple[str, str], dict]:
    return {(r["pos"], r["alt"]): r for r in rows}
