"""The interactive oncoprint: rows x patients from alterations.tsv and evaluability.tsv, sent to
the page as one compact data blob (`grid_data`) that the page's script draws on a canvas, with
each cell's details shown in the hover panel.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from ..assets import asset
from ..model import DISPLAY_CLASSES
from ..results import Table, missing
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


@dataclass(frozen=True)
class Hit:
    sample: str
    gene: str
    alteration: str
    display_class: str
    source: str
    hgvsp: str
    vaf: str
    panel: str


@dataclass
class Cell:
    status: str  # altered | not altered | not evaluated
    hits: list[Hit] = field(default_factory=list)
    basis: str = ""


@dataclass
class Grid:
    rows: list[str]
    labels: dict[str, str]
    patients: list[str]
    cells: dict[tuple[str, str], Cell]
    tracks: dict[str, list[str]] = field(default_factory=dict)  # annotation name -> per patient


# (sample, gene, alteration, detail, source) -> (hgvsp, vaf, panel)
Details = Callable[[str, str, str, str, str], tuple[str, str, str]]


def build_grid(alterations: Table | None, evaluability: Table | None, frequencies: Table | None,
               details: Details) -> Grid:
    altered: dict[tuple[str, str], list[Hit]] = {}
    for rec in alterations.rows if alterations else []:
        hgvsp, vaf, panel = details(rec["sample"], rec["gene"], rec["alteration"],
                                    rec.get("detail", ""), rec["source"])
        hit = Hit(rec["sample"], rec["gene"], rec["alteration"], rec["display_class"],
                  rec["source"], hgvsp, vaf, panel)
        altered.setdefault((rec["row"], rec["patient"]), []).append(hit)
    evaluated: dict[tuple[str, str], tuple[bool, str]] = {}
    for rec in evaluability.rows if evaluability else []:
        flag = rec["evaluated"].strip().lower() in TRUE_WORDS
        evaluated[(rec["row"], rec["patient"])] = (flag, rec.get("basis", ""))

    rows, labels = _rows(frequencies, altered, evaluated)
    patients = sorted({p for _, p in altered} | {p for _, p in evaluated})
    cells: dict[tuple[str, str], Cell] = {}
    for row in rows:
        for patient in patients:
            hits = sorted(altered.get((row, patient), []),
                          key=lambda h: (h.display_class, h.gene, h.alteration, h.sample))
            flag, basis = evaluated.get((row, patient), (evaluability is None, ""))
            status = "altered" if hits else ("not altered" if flag else "not evaluated")
            cells[(row, patient)] = Cell(status, hits, "" if missing(basis) else basis)
    patients.sort(key=lambda p: (tuple(cells[(r, p)].status != "altered" for r in rows), p))
    return Grid(rows, labels, patients, cells)


def _rows(frequencies: Table | None, altered: Mapping, evaluated: Mapping
          ) -> tuple[list[str], dict[str, str]]:
    rows: list[str] = []
    labels: dict[str, str] = {}
    for rec in frequencies.rows if frequencies else []:
        if rec["row"] not in labels:
            rows.append(rec["row"])
            label = rec.get("label", "")
            labels[rec["row"]] = (f"{rec['altered']}/{rec['evaluable']}" if missing(label)
                                  else label)
    extra = sorted(({r for r, _ in altered} | {r for r, _ in evaluated}) - set(rows))
    for row in extra:
        rows.append(row)
        labels[row] = ""
    return rows, labels


def grid_data(grid: Grid) -> dict:
    """The grid as plain, compact data for the page's script (columnar, one entry per state):
    `cells[r][c]` indexes `states` ([status, basis]); altered cells list their hits."""
    states: dict[tuple[str, str], int] = {}
    cells, altered = [], []
    for r, row in enumerate(grid.rows):
        codes = []
        for c, patient in enumerate(grid.patients):
            cell = grid.cells[(row, patient)]
            codes.append(states.setdefault((cell.status, cell.basis), len(states)))
            if cell.hits:
                altered.append([r, c, [[h.gene, h.alteration, h.display_class, h.source,
                                        h.hgvsp, h.vaf, h.panel, h.sample] for h in cell.hits]])
        cells.append(codes)
    classes = sorted({h[2] for _, _, hits in altered for h in hits})
    return {"rows": grid.rows, "labels": [grid.labels[r] for r in grid.rows],
            "patients": grid.patients, "states": [list(k) for k in states], "cells": cells,
            "altered": altered, "tracks": [[name, values] for name, values in grid.tracks.items()],
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
        '<div id="oncoprint-scroll"><canvas id="oncoprint-grid" tabindex="0" role="img" '
        f'aria-label="Oncoprint: {len(grid.rows)} rows by {len(grid.patients)} patients; '
        'arrow keys move between cells"></canvas><div id="oncoprint-spacer"></div></div>')


def _join(values) -> str:
    seen: list[str] = []
    for value in values:
        if value and not missing(value) and value not in seen:
            seen.append(value)
    return "; ".join(seen)


def legend(classes: Sequence[str]) -> str:
    known = style()["classes"]
    items = [(known.get(c, {}).get("label", c.replace("_", " ")), colour(c)) for c in classes]
    labels = style().get("labels", {})
    items += [(labels.get("evaluated", "Evaluated, no alteration"), style()["evaluated"]),
              (labels.get("not_evaluated", "Not evaluated"), style()["not_evaluated"])]
    return '<div class="legend">' + "".join(
        f'<span><span class="swatch" style="background:{esc(fill)}"></span>{esc(name)}</span>'
        for name, fill in items) + "</div>"
