"""`lenall oncoprint`: pick the data source, order the columns, draw the files."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import LenallInputError
from .oncoprint import FORMATS, draw_oncoprint, given_order, load_style, memo_order, track_order


def parse_formats(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise LenallInputError(f"unknown plot format(s) {', '.join(unknown) or '(none)'}",
                               field="--formats", hint=f"use a comma list of {', '.join(FORMATS)}")
    return formats


def read_order(path: str | Path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [line.strip().split("\t")[0] for line in handle
                if line.strip() and not line.startswith("#")]


def run_oncoprint(*, cohort_dir=None, samplesheet=None, outdir, maf=None, evaluability=None,
                  panel=None, rows_file=None, style="figure1", clinical=None, sort_by="memo",
                  order_file=None, formats="png,svg,pdf", genome="GRCh38", title=None,
                  cores=1):
    from .oncoprint_data import data_from_cohort, data_from_maf

    wanted = parse_formats(formats)
    chosen_style = load_style(style)
    if evaluability and panel:
        raise LenallInputError("give --evaluability or --panel, not both", field="--panel")
    if maf:
        data, counts = data_from_maf(maf, rows_file=rows_file, evaluability=evaluability,
                                     panel=panel, clinical=clinical, genome=genome)
        print(f"lenall oncoprint: {counts.get('records', 0)} MAF records, "
              f"{counts.get('class_not_counted', 0)} of classes not drawn (silent, intronic, "
              f"UTR, ...), {counts.get('alterations_drawn', 0)} drawn", file=sys.stderr)
    else:
        if not cohort_dir:
            raise LenallInputError("give --cohort-dir (output of `lenall cohort`) or --maf",
                                   field="--cohort-dir")
        if evaluability or panel:
            raise LenallInputError("--evaluability/--panel go with --maf; a cohort folder has "
                                   "its own evaluability.tsv", field="--maf")
        from ..cohort import load_rows

        samples = ()
        if samplesheet:
            from ..samplesheet import load_samplesheet

            samples = load_samplesheet(samplesheet, check_files=False)
        data = data_from_cohort(cohort_dir, samples, rows=load_rows(rows_file),
                                clinical=clinical)
    if sort_by == "memo":
        order = memo_order(data)
    elif sort_by == "given":
        if not order_file:
            raise LenallInputError("--sort given needs --order FILE", field="--order")
        order = given_order(data, read_order(order_file))
    else:
        order = track_order(data, sort_by)
    data = data.reordered(order)
    outputs = {fmt: Path(outdir) / f"oncoprint.{fmt}" for fmt in wanted}
    return draw_oncoprint(data, outputs, style=chosen_style, title=title, cores=cores)
