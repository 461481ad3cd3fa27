"""The interactive oncoprint: one SVG cell per row x patient, drawn from alterations.tsv and
evaluability.tsv, each cell carrying its details (title + data- attributes) for the hover panel.
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


def render_grid(grid: Grid) -> str:
    if not grid.rows or not grid.patients:
        return '<p class="note">No alterations or evaluability rows to draw.</p>'
    left = max(len(r) for r in grid.rows) * CHAR_W + 12
    top = max(len(p) for p in grid.patients) * CHAR_W + 12
    right = max((len(lbl) for lbl in grid.labels.values()), default=0) * CHAR_W + 16
    width = left + len(grid.patients) * (CELL_W + GAP) + right
    height = top + len(grid.rows) * (CELL_H + GAP) + 4
    parts = [f'<svg id="oncoprint-grid" role="img" aria-label="Oncoprint: rows by patients" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    for j, patient in enumerate(grid.patients):
        x = left + j * (CELL_W + GAP) + CELL_W / 2 + 4
        parts.append(f'<text x="{x:g}" y="{top - 6}" transform="rotate(-90 {x:g} {top - 6})">'
                     f"{esc(patient)}</text>")
    for i, row in enumerate(grid.rows):
        y = top + i * (CELL_H + GAP)
        parts.append(f'<text x="{left - 6}" y="{y + CELL_H - 7}" text-anchor="end">{esc(row)}</text>')
        for j, patient in enumerate(grid.patients):
            x = left + j * (CELL_W + GAP)
            parts.append(_cell(row, patient, grid.cells[(row, patient)], x, y))
        label_x = left + len(grid.patients) * (CELL_W + GAP) + 6
        parts.append(f'<text x="{label_x}" y="{y + CELL_H - 7}">{esc(grid.labels[row])}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _cell(row: str, patient: str, cell: Cell, x: int, y: int) -> str:
    hits = cell.hits
    values = {
        "patient": patient,
        "gene": _join(h.gene for h in hits) or row,
        "alteration": _join(f"{h.alteration} ({h.display_class})" for h in hits) or cell.status,
        "hgvsp": _join(h.hgvsp for h in hits),
        "vaf": _join(h.vaf for h in hits),
        "source": _join(h.source for h in hits),
        "panel": _join(h.panel for h in hits) or cell.basis,
        "status": cell.status,
        "row": row,
    }
    # Empty details are left out (the panel shows "-"): keeps 10,000-column pages small.
    attributes = " ".join(f'data-{k}="{esc(v)}"' for k, v in values.items() if v)
    title = f"{patient} | {row} | {values['alteration']}"
    if values["hgvsp"]:
        title += f" | {values['hgvsp']}"
    if values["vaf"]:
        title += f" | VAF {values['vaf']}"
    shapes = []
    if hits:
        stripe = CELL_H / len(hits)
        for k, hit in enumerate(hits):
            shapes.append(f'<rect x="{x}" y="{y + k * stripe:g}" width="{CELL_W}" '
                          f'height="{stripe:g}" fill="{esc(colour(hit.display_class))}"/>')
    else:
        fill = style()["evaluated" if cell.status == "not altered" else "not_evaluated"]
        shapes.append(f'<rect x="{x}" y="{y}" width="{CELL_W}" height="{CELL_H}" '
                      f'fill="{esc(fill)}"/>')
    return (f'<g class="cell" tabindex="0" {attributes}><title>{esc(title)}</title>'
            + "".join(shapes) + "</g>")


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
