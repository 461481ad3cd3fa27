"""The interactive oncoprint: rows x patients from alterations.tsv and evaluability.tsv, sent to
the page as one compact data blob (`grid_data`) that the page's script draws on a canvas, with
each cell's details shown in the hover panel.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from sys import intern

from ..assets import asset
from ..model import ALTERATION_COLUMNS, CYTOGENETIC_SOURCES, DISPLAY_CLASSES, EVALUABILITY_COLUMNS
from ..results import Table, TableRows, missing
from .fragments import esc

CELL_W, CELL_H, GAP = 16, 22, 2
CHAR_W = 7  # approximate width of one 11px label character
ZOOM_WIDTHS = (16, 8, 4, 2, 1)  # px per column the reader can choose

TRUE_WORDS = ("true", "yes", "y", "1", "evaluated")
STYLE = "figure1.json"  # the static oncoprint's default style: the same colours in both
_FALLBACK = {
    "evaluated": "#d9d9d9", "not_evaluated": "#595959",
    "classes": {name: {"color": "#8c510a", "label": name} for name in DISPLAY_CLASSES},
    "labels": {"evaluated": "Evaluated, no alteration", "not_evaluated": "Not evaluated"},
}


@cache
def style() -> dict:
    """Colours and labels from assets/oncoprint_styles/figure1.json (a fallback when absent)."""
    try:
        with open(asset("oncoprint_styles", STYLE), encoding="utf-8") as handle:
            return json.load(handle)
    except (FileNotFoundError, json.JSONDecodeError):
        return _FALLBACK


def colour(display_class: str) -> str:
    classes = style()["classes"]
    return classes.get(display_class, classes.get("other", {"color": "#8c510a"}))["color"]


# One alteration behind a cell, as the page's data holds it (detail: alterations.tsv's own).
HIT_FIELDS = ("gene", "alteration", "display_class", "source", "hgvsp", "vaf", "panel", "sample",
              "detail")
CLASS_AT, SOURCE_AT = 2, 3


@dataclass
class Grid:
    """Rows x patients held compactly: one small int per cell (an index into `states`, the
    distinct (status, basis) pairs), the hits of altered cells only, and per-patient tracks."""

    rows: list[str]
    labels: list[str]
    patients: list[str]
    states: list[tuple[str, str]]
    codes: list[list[int]]  # codes[r][c] indexes states
    hits: dict[tuple[int, int], list[list[str]]]
    tracks: list[tuple[str, list[str]]] = field(default_factory=list)

    def by_sample(self) -> dict[str, list[tuple[int, int]]]:
        """sample -> its alterations as (index in `grid_data`'s altered list, index of the hit)."""
        found: dict[str, list[tuple[int, int]]] = {}
        for a, hits in enumerate(self.hits.values()):
            for k, hit in enumerate(hits):
                found.setdefault(hit[7], []).append((a, k))
        return found

    def cytogenetic_only(self) -> list[tuple[int, int]]:
        """Cells altered only by karyotype or clinical findings (FISH, RT-PCR): the figure's dot."""
        return sorted(at for at, hits in self.hits.items()
                      if all(set(h[SOURCE_AT].split(";")) <= CYTOGENETIC_SOURCES for h in hits))


# (sample, gene, alteration, detail, source) -> (hgvsp, vaf, panel)
Details = Callable[[str, str, str, str, str], tuple[str, str, str]]


class _Reader:
    """The two cohort tables read row by row into indexes (no object per cell)."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.patients: dict[str, int] = {}
        self.hits: dict[tuple[int, int], list[list[str]]] = {}
        self.evaluated: dict[tuple[bool, str], int] = {}
        self.eval_codes: list[array] = []  # per row index, per patient index; -1: no row

    def row(self, name: str) -> int:
        at = self.rows.setdefault(intern(name), len(self.rows))
        if at == len(self.eval_codes):
            self.eval_codes.append(array("i"))
        return at

    def patient(self, name: str) -> int:
        return self.patients.setdefault(name, len(self.patients))

    def alterations(self, path: Path, details: Details) -> None:
        with TableRows(path, ALTERATION_COLUMNS) as table:
            at = [table.columns.index(c) for c in ALTERATION_COLUMNS]
            for values in table.lists():
                patient, sample, row, gene, alteration, klass, source, detail = (
                    values[i] for i in at)
                hgvsp, vaf, panel = details(sample, gene, alteration, detail, source)
                hit = [intern(gene), alteration, intern(klass), intern(source), hgvsp, vaf,
                       intern(panel), sample, intern(detail)]
                key = (self.row(row), self.patient(patient))
                self.hits.setdefault(key, []).append(hit)

    def evaluability(self, path: Path) -> None:
        with TableRows(path, EVALUABILITY_COLUMNS) as table:
            at = [table.columns.index(c) for c in EVALUABILITY_COLUMNS]
            for values in table.lists():
                patient, row, flag, basis = (values[i] for i in at)
                state = (flag.strip().lower() in TRUE_WORDS, "" if missing(basis) else basis)
                code = self.evaluated.setdefault(state, len(self.evaluated))
                codes, p = self.eval_codes[self.row(row)], self.patient(patient)
                if p >= len(codes):
                    codes.extend([-1] * (p + 1 - len(codes)))
                codes[p] = code


def build_grid(alterations: Path | None, evaluability: Path | None, frequencies: Table | None,
               details: Details, subtypes: Table | None = None) -> Grid:
    """The oncoprint of alterations.tsv and evaluability.tsv (either may be absent: no file).
    Rows follow frequencies.tsv, then any other row by name; patients with more altered rows
    (earlier rows first) come first, then by id."""
    found = _Reader()
    if alterations is not None:
        found.alterations(alterations, details)
    if evaluability is not None:
        found.evaluability(evaluability)
    rows, labels = _rows(frequencies, found.rows)
    row_at = [found.row(r) for r in rows]
    names = list(found.patients)
    flags = {code: state for state, code in found.evaluated.items()}
    absent = (evaluability is None, "")

    def cell(r: int, p: int) -> tuple[str, str]:
        codes = found.eval_codes[r]
        flag, basis = flags[codes[p]] if p < len(codes) and codes[p] >= 0 else absent
        status = "altered" if (r, p) in found.hits else ("not altered" if flag else "not evaluated")
        return status, basis

    order = sorted(range(len(names)), key=lambda p: (
        bytes((r, p) not in found.hits for r in row_at), names[p]))
    states: dict[tuple[str, str], int] = {}
    codes = [[states.setdefault(cell(r, p), len(states)) for p in order] for r in row_at]
    column = {p: c for c, p in enumerate(order)}
    row_index = {r: i for i, r in enumerate(row_at)}
    hits = {(row_index[r], column[p]): sorted(h, key=lambda h: (h[CLASS_AT], h[0], h[1], h[7]))
            for (r, p), h in found.hits.items()}
    patients = [names[p] for p in order]
    tracks = []
    if subtypes is not None and "subtype" in subtypes.columns:
        by_patient = {r.get("patient", ""): r["subtype"] for r in subtypes.rows
                      if not missing(r["subtype"])}
        if by_patient:
            tracks.append(("Subtype", [by_patient.get(p, "") for p in patients]))
    return Grid(rows, labels, patients, list(states), codes, dict(sorted(hits.items())), tracks)


def _rows(frequencies: Table | None, seen: Mapping[str, int]) -> tuple[list[str], list[str]]:
    rows: list[str] = []
    labels: dict[str, str] = {}
    for rec in frequencies.rows if frequencies else []:
        if rec["row"] not in labels:
            rows.append(rec["row"])
            label = rec.get("label", "")
            labels[rec["row"]] = (f"{rec['altered']}/{rec['evaluable']}" if missing(label)
                                  else label)
    extra = sorted(set(seen) - set(rows))
    return rows + extra, [labels.get(r, "") for r in rows + extra]


def grid_data(grid: Grid) -> dict:
    """The grid as plain, compact data for the page's script (columnar, one entry per state):
    `cells[r][c]` indexes `states` ([status, basis]); altered cells list their hits (HIT_FIELDS);
    `marks` are the cells altered only by karyotype or clinical findings."""
    classes = sorted({h[CLASS_AT] for hits in grid.hits.values() for h in hits})
    return {"rows": grid.rows, "labels": grid.labels,
            "patients": grid.patients, "states": [list(k) for k in grid.states],
            "cells": grid.codes,
            "altered": [[r, c, hits] for (r, c), hits in grid.hits.items()],
            "marks": [list(at) for at in grid.cytogenetic_only()],
            "tracks": [[name, values] for name, values in grid.tracks],
            "colours": {"classes": {k: colour(k) for k in classes},
                        "evaluated": style()["evaluated"],
                        "not_evaluated": style()["not_evaluated"]},
            "geometry": {"cell_w": CELL_W, "cell_h": CELL_H, "gap": GAP, "char_w": CHAR_W}}


def render_grid(grid: Grid) -> str:
    """The canvas the page's script draws `grid_data` on: only the visible columns are drawn,
    so a 10,000-patient cohort costs one canvas, not one element per cell."""
    if not grid.rows or not grid.patients:
        return '<p class="note">No alterations or evaluability rows to draw.</p>'
    zoom = "".join(f'<option value="{w}"{" selected" if w == CELL_W else ""}>{w} px</option>'
                   for w in ZOOM_WIDTHS)
    return (
        '<div class="grid-tools"><label>Column width <select id="oncoprint-zoom">'
        f'{zoom}</select></label> <label>Find patient <input id="oncoprint-find" '
        'type="search" size="14"></label> <span id="oncoprint-found" class="note"></span></div>'
        '<canvas id="oncoprint-overview" height="60" role="img" aria-label="Overview of all '
        f'{len(grid.patients)} patients; click or drag to move the grid"></canvas>'
        '<div id="oncoprint-scroll"><canvas id="oncoprint-grid" tabindex="0" role="img" '
        f'aria-label="Oncoprint: {len(grid.rows)} rows by {len(grid.patients)} patients; '
        f'arrow keys move between cells" data-columns="{len(grid.patients)}" '
        f'data-rows="{len(grid.rows)}"></canvas><div id="oncoprint-spacer"></div></div>')


def legend(classes: Sequence[str], *, marks: bool = False) -> str:
    known = style()["classes"]
    items = [(known.get(c, {}).get("label", c.replace("_", " ")), colour(c)) for c in classes]
    labels = style().get("labels", {})
    items += [(labels.get("evaluated", "Evaluated, no alteration"), style()["evaluated"]),
              (labels.get("not_evaluated", "Not evaluated"), style()["not_evaluated"])]
    shown = "".join(
        f'<span><span class="swatch" style="background:{esc(fill)}"></span>{esc(name)}</span>'
        for name, fill in items)
    if marks:
        only = labels.get("cytogenetic_only", "karyotype / FISH / clinical test only")
        shown += f'<span><span class="swatch mark"></span>{esc(only)}</span>'
    return f'<div class="legend">{shown}</div>'

