"""The cohort oncoprint: rows = genes/fusions/features, columns = patients.

Drawn with matplotlib for any cohort size: cell backgrounds are one image, alteration glyphs,
bars and annotation tracks are a few collections (never one artist per cell), so 10,000 columns
draw in seconds. The geometry is fixed in inches before drawing (`Layout`), so the pixel position
of every cell in the PNG is known (`Layout.cell_center_px`), and the files are byte-stable.

Heavy imports (numpy, matplotlib) happen inside the functions.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..assets import asset
from ..errors import LenallInputError
from ..model import DISPLAY_CLASSES

STYLES = ("figure1", "cbioportal")
TRACK_STYLE_KEYS = ("tracks", "track_palettes", "track_gradients")
FORMATS = ("png", "svg", "pdf")
DPI = 300

# Layout constants, inches.
ROW_HEIGHT = 0.2
MAX_MATRIX_WIDTH = 16.0
MAX_CELL_WIDTH = 0.2
MIN_MATRIX_WIDTH = 2.0
TOP_BAR_HEIGHT = 0.7
MARKER_HEIGHT = 0.14
TRACK_HEIGHT = 0.16
TRACK_GAP = 0.03
RIGHT_BAR_WIDTH = 0.9
RIGHT_TEXT_WIDTH = 0.75
MARGIN = 0.15
LABEL_CHAR_WIDTH = 0.075
PATIENT_LABEL_HEIGHT = 0.4
LEGEND_ENTRY_HEIGHT = 0.15
LEGEND_TITLE_HEIGHT = 0.18
LEGEND_CHAR_WIDTH = 0.055
LEGEND_MAX_ENTRIES = 12
COLORBAR_WIDTH = 1.2  # legend colour bar of a numeric track: bar, then min/max below
COLORBAR_HEIGHT = 0.3
COLORBAR_STEPS = 64
NUMERIC_TRACK_MIN = 8  # numeric tracks with more distinct values are drawn as a gradient
LEGEND_NOTES_WIDTH = 2.6  # right of the legend: the asterisk and dagger notes
FONT_SIZE = 7
MAX_PATIENT_LABELS = 80
GAP_MIN_PX = 4  # cells narrower than this many pixels are drawn without gaps
TOP_BAR_MIN_PX = 3  # narrower columns share a top bar (the mean of a bin of patients)
RASTERIZE_ABOVE = 20000  # larger collections are embedded as images in SVG/PDF


@dataclass
class OncoprintData:
    """What is drawn. Alterations are parallel lists (row index, column index, display class)."""

    rows: list[str]  # row labels, top to bottom
    patients: list[str]
    evaluated: object  # numpy bool array (rows x patients)
    alt_rows: list[int] = field(default_factory=list)
    alt_cols: list[int] = field(default_factory=list)
    alt_classes: list[str] = field(default_factory=list)
    tracks: dict[str, list[str]] = field(default_factory=dict)  # name -> value per patient
    rna_marker: list[bool] | None = None
    # (row, column) cells altered only by karyotype / clinical findings (FISH, RT-PCR): marked
    cytogenetic_only: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        import numpy as np

        self.evaluated = np.asarray(self.evaluated, dtype=bool).reshape(
            len(self.rows), len(self.patients))
        unknown = sorted(set(self.alt_classes) - set(DISPLAY_CLASSES))
        if unknown:
            raise LenallInputError(f"unknown display class(es) {', '.join(unknown)}",
                                   hint=f"use {', '.join(DISPLAY_CLASSES)}")

    def altered(self):
        """Bool array (rows x patients): the cell holds at least one alteration."""
        import numpy as np

        grid = np.zeros(self.evaluated.shape, dtype=bool)
        if self.alt_rows:
            grid[np.asarray(self.alt_rows), np.asarray(self.alt_cols)] = True
        return grid

    def reordered(self, order: Sequence[int]) -> OncoprintData:
        import numpy as np

        order = np.asarray(order, dtype=int)
        position = np.empty(len(order), dtype=int)
        position[order] = np.arange(len(order))
        return OncoprintData(
            rows=list(self.rows), patients=[self.patients[i] for i in order],
            evaluated=self.evaluated[:, order], alt_rows=list(self.alt_rows),
            alt_cols=[int(position[c]) for c in self.alt_cols],
            alt_classes=list(self.alt_classes),
            tracks={k: [v[i] for i in order] for k, v in self.tracks.items()},
            rna_marker=None if self.rna_marker is None else [self.rna_marker[i] for i in order],
            cytogenetic_only=[(r, int(position[c])) for r, c in self.cytogenetic_only])


# --- style ------------------------------------------------------------------------------------------

def load_style(name_or_path: str | Path = "figure1") -> dict:
    path = Path(name_or_path)
    if str(name_or_path) in STYLES:
        path = asset("oncoprint_styles", f"{name_or_path}.json")
    try:
        with open(path, encoding="utf-8") as handle:
            style = json.load(handle)
    except OSError as error:
        raise LenallInputError(f"cannot read style: {error.strerror}", file=path,
                               hint=f"use one of {', '.join(STYLES)} or a style JSON file"
                               ) from error
    except json.JSONDecodeError as error:
        raise LenallInputError(f"style is not valid JSON: {error.msg}", file=path,
                               line=error.lineno) from error
    missing = [k for k in ("evaluated", "not_evaluated", "classes") if k not in style]
    missing += [f"classes.{c}" for c in DISPLAY_CLASSES if c not in style.get("classes", {})]
    if missing:
        raise LenallInputError(f"style lacks {', '.join(missing)}", file=path)
    if str(name_or_path) not in STYLES and not any(k in style for k in TRACK_STYLE_KEYS):
        # a style file that only sets glyph colours keeps the built-in track colours
        default = load_style("figure1")
        style.update({k: default[k] for k in TRACK_STYLE_KEYS})
    return style


# --- column order -----------------------------------------------------------------------------------

def memo_order(data: OncoprintData) -> list[int]:
    """Mutual-exclusivity sort: altered in the first row first, then the second, ...; then
    more altered rows first; then patient name."""
    import numpy as np

    if not data.patients:
        return []
    altered = data.altered()
    rank = np.argsort(np.argsort(np.asarray(data.patients, dtype=object), kind="stable"),
                      kind="stable")
    keys = [rank, -altered.sum(axis=0)] + [~altered[r] for r in range(len(data.rows) - 1, -1, -1)]
    return [int(i) for i in np.lexsort(keys)]


def track_order(data: OncoprintData, track: str) -> list[int]:
    """Group by a track's values (natural order, missing last), memo sort within groups."""
    if track not in data.tracks:
        raise LenallInputError(f"no annotation track '{track}' to sort by", field="--sort",
                               hint=f"tracks: {', '.join(data.tracks) or 'none'}; or memo/given")
    values = data.tracks[track]
    memo = memo_order(data)
    position = {c: i for i, c in enumerate(memo)}
    return sorted(range(len(values)), key=lambda c: (
        values[c] in ("", None), _value_key(values[c]), position[c]))


def given_order(data: OncoprintData, order: Sequence[str]) -> list[int]:
    index = {p: i for i, p in enumerate(data.patients)}
    unknown = [p for p in order if p not in index]
    if unknown:
        raise LenallInputError(f"order names unknown patient(s): {', '.join(unknown[:5])}",
                               field="--order")
    listed = [index[p] for p in dict.fromkeys(order)]
    rest = [i for i in range(len(data.patients)) if i not in set(listed)]
    return listed + rest


def _value_key(value: str | None) -> tuple:
    try:
        return (0, float(value or ""), "")
    except ValueError:
        return (1, 0.0, value or "")


# --- geometry -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    """Figure geometry in inches (origin top-left); converts cells to pixel positions."""

    width: float
    height: float
    matrix_left: float
    matrix_top: float
    cell_width: float
    cell_height: float
    n_rows: int
    n_cols: int
    top_bar_top: float
    marker_top: float
    tracks_top: float
    n_tracks: int
    right_left: float
    legend_top: float
    label_width: float

    def cell_center_px(self, row: int, col: int, dpi: int = DPI) -> tuple[int, int]:
        """(x, y) of the centre of a matrix cell in a PNG drawn at `dpi` (y from the top)."""
        x = self.matrix_left + (col + 0.5) * self.cell_width
        y = self.matrix_top + (row + 0.5) * self.cell_height
        return int(x * dpi), int(y * dpi)

    def track_center_px(self, track: int, col: int, dpi: int = DPI) -> tuple[int, int]:
        x = self.matrix_left + (col + 0.5) * self.cell_width
        y = self.tracks_top + track * (TRACK_HEIGHT + TRACK_GAP) + TRACK_HEIGHT / 2
        return int(x * dpi), int(y * dpi)

    def axes_rect(self, left: float, top: float, width: float, height: float):
        """matplotlib [left, bottom, width, height] in figure fractions from inches."""
        return [left / self.width, 1 - (top + height) / self.height, width / self.width,
                height / self.height]


def compute_layout(data: OncoprintData, legend_height: float) -> Layout:
    n_rows, n_cols = len(data.rows), max(len(data.patients), 1)
    label_width = max((len(r) for r in data.rows), default=4) * LABEL_CHAR_WIDTH + 0.15
    track_label = max((len(t) for t in data.tracks), default=0) * LABEL_CHAR_WIDTH + 0.15
    label_width = max(label_width, track_label, 0.6)
    matrix_width = min(max(n_cols * MAX_CELL_WIDTH, MIN_MATRIX_WIDTH), MAX_MATRIX_WIDTH)
    cell_width = matrix_width / n_cols
    matrix_left = MARGIN + label_width
    top_bar_top = MARGIN
    marker_top = top_bar_top + TOP_BAR_HEIGHT
    tracks_top = marker_top + MARKER_HEIGHT
    n_tracks = len(data.tracks)
    matrix_top = tracks_top + n_tracks * (TRACK_HEIGHT + TRACK_GAP) + 0.05
    matrix_height = max(n_rows, 1) * ROW_HEIGHT
    patient_labels = PATIENT_LABEL_HEIGHT if _show_patient_labels(data) else 0.0
    legend_top = matrix_top + matrix_height + patient_labels + 0.1
    width = matrix_left + matrix_width + 0.1 + RIGHT_BAR_WIDTH + RIGHT_TEXT_WIDTH + MARGIN
    height = legend_top + legend_height + MARGIN
    return Layout(width=round(width, 4), height=round(height, 4), matrix_left=matrix_left,
                  matrix_top=matrix_top, cell_width=cell_width, cell_height=ROW_HEIGHT,
                  n_rows=n_rows, n_cols=n_cols, top_bar_top=top_bar_top, marker_top=marker_top,
                  tracks_top=tracks_top, n_tracks=n_tracks,
                  right_left=matrix_left + matrix_width + 0.1, legend_top=legend_top,
                  label_width=label_width)


def _show_patient_labels(data: OncoprintData) -> bool:
    return 0 < len(data.patients) <= MAX_PATIENT_LABELS


# --- colours ------------------------------------------------------------------------------------

def _rgb(color: str):
    from matplotlib.colors import to_rgb

    return to_rgb(color)


@dataclass(frozen=True)
class TrackScale:
    """How one annotation track is coloured: value -> colour and legend label, in legend order;
    numeric tracks with many values also carry the gradient behind a colour bar."""

    colors: dict[str, str]
    labels: dict[str, str]
    gradient: tuple[str, ...] | None = None  # colour stops, low to high
    low: str = ""
    high: str = ""


def track_scales(tracks: Mapping[str, Sequence[str]], style: Mapping) -> dict[str, TrackScale]:
    """One scale per track. Tracks the style names (Ploidy, Diagnosis, Sex, Panel) use their own
    colours; every other track takes the next qualitative set, or, when all its values are
    numbers, the next sequential gradient, so no two tracks share colours."""
    known = {name.lower(): spec for name, spec in style.get("tracks", {}).items()}
    qualitative = style.get("track_palettes") or [style.get("track_palette") or ["#bbbbbb"]]
    gradients = style.get("track_gradients") or [["#deebf7", "#08306b"]]
    joiner = style.get("value_joiner", " + ")
    scales, n_qualitative, n_numeric = {}, 0, 0
    for name, values in tracks.items():
        present = sorted({v for v in values if v not in ("", None)}, key=_value_key)
        spec = known.get(name.lower())
        numbers = [_number(v) for v in present]
        if spec is None and present and all(n is not None for n in numbers):
            stops = gradients[n_numeric % len(gradients)]
            n_numeric += 1
            scales[name] = _numeric_scale(present, numbers, stops, joiner)
            continue
        if spec is None:
            spec = {"palette": qualitative[n_qualitative % len(qualitative)]}
            n_qualitative += 1
        scales[name] = _categorical_scale(present, spec, joiner)
    return scales


def _categorical_scale(present: Sequence[str], spec: Mapping, joiner: str) -> TrackScale:
    fixed = spec.get("colors", {})
    rank = {v: i for i, v in enumerate(fixed)}
    ordered = sorted(present, key=lambda v: (v not in rank, rank.get(v, 0)))
    palette = [c for c in spec.get("palette") or ["#bbbbbb"]]
    colors, spare = {}, 0
    for value in ordered:
        if value in fixed:
            colors[value] = fixed[value]
        else:
            colors[value] = palette[spare % len(palette)]
            spare += 1
    names = spec.get("labels", {})
    labels = {v: names.get(v) or v.replace(";", joiner) for v in ordered}
    return TrackScale(colors=colors, labels=labels)


def _numeric_scale(present, numbers, stops, joiner) -> TrackScale:
    low, high = min(numbers), max(numbers)
    span = high - low
    colors = {v: _gradient(stops, (n - low) / span if span else 1.0)
              for v, n in zip(present, numbers, strict=True)}
    labels = {v: v for v in present}
    if len(present) <= NUMERIC_TRACK_MIN:  # few values: one legend entry per step
        return TrackScale(colors=colors, labels=labels)
    return TrackScale(colors=colors, labels=labels, gradient=tuple(stops),
                      low=present[0], high=present[-1])


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _gradient(stops: Sequence[str], fraction: float) -> str:
    """Colour at `fraction` (0..1) along evenly spaced stops, interpolated in sRGB."""
    rgbs = [_rgb(c) for c in stops]
    if len(rgbs) == 1:
        return _hex(rgbs[0])
    position = min(max(fraction, 0.0), 1.0) * (len(rgbs) - 1)
    i = min(int(position), len(rgbs) - 2)
    t = position - i
    return _hex(tuple(a + (b - a) * t for a, b in zip(rgbs[i], rgbs[i + 1], strict=True)))


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(255 * v):02x}" for v in rgb)


# --- legend -------------------------------------------------------------------------------------------

class LegendGroup(NamedTuple):
    title: str
    entries: list[tuple[str, str]]  # (colour, label)
    colorbar: TrackScale | None = None  # drawn above the entries


def legend_groups(data: OncoprintData, style: Mapping) -> list[LegendGroup]:
    """Present alteration classes, cell states, then one group per annotation track."""
    present = [c for c in DISPLAY_CLASSES if c in set(data.alt_classes)]
    classes = style["classes"]
    alteration_entries: dict[str, str] = {}
    for c in present:
        alteration_entries.setdefault(classes[c]["label"], classes[c]["color"])
    labels = style.get("labels", {})
    cells = [(style["evaluated"], labels.get("evaluated", "Evaluated, no alteration")),
             (style["not_evaluated"], labels.get("not_evaluated", "Not evaluated"))]
    groups = [LegendGroup("Alterations", [(col, lab) for lab, col in alteration_entries.items()]),
              LegendGroup("Cells", cells)]
    for name, scale in track_scales(data.tracks, style).items():
        values = data.tracks[name]
        colorbar = scale if scale.gradient else None
        entries = [] if colorbar else [(scale.colors[v], scale.labels[v]) for v in scale.colors]
        if len(entries) > LEGEND_MAX_ENTRIES:
            hidden = len(entries) - LEGEND_MAX_ENTRIES + 1
            entries = entries[: LEGEND_MAX_ENTRIES - 1] + [("#ffffff", f"... {hidden} more")]
        if any(v in ("", None) for v in values):
            entries.append((style.get("missing_track", "#ffffff"), "not available"))
        groups.append(LegendGroup(name, entries, colorbar))
    return [g for g in groups if g.entries or g.colorbar]


def _legend_geometry(groups, available_width: float):
    """Place groups left to right, wrapping; returns [(group, x, y)], total height (inches)."""
    placed, x, y, line_height = [], 0.0, 0.0, 0.0
    for group in groups:
        longest = max([len(group.title)] + [len(label) for _, label in group.entries])
        width = 0.25 + longest * LEGEND_CHAR_WIDTH
        height = LEGEND_TITLE_HEIGHT + len(group.entries) * LEGEND_ENTRY_HEIGHT
        if group.colorbar:
            width = max(width, COLORBAR_WIDTH)
            height += COLORBAR_HEIGHT
        if x > 0 and x + width > available_width:
            x, y, line_height = 0.0, y + line_height + 0.1, 0.0
        placed.append((group, x, y))
        x += width + 0.15
        line_height = max(line_height, height)
    return placed, y + line_height


# --- drawing ---------------------------------------------------------------------------------------

def _cell_background(ax, data: OncoprintData, style: Mapping) -> None:
    """Evaluated colour as one rectangle; not-evaluated cells on top as runs of adjacent
    cells per row (one collection), so no image is resampled at output resolution."""
    import numpy as np
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Rectangle

    n_rows, n_cols = data.evaluated.shape
    ax.add_patch(Rectangle((0, 0), n_cols, n_rows, facecolor=style["evaluated"],
                           edgecolor="none", antialiased=False))
    lefts, rights, rows = _runs(~data.evaluated)
    if len(rows):
        verts = _bar_rectangles(lefts, rows, rights - lefts, np.ones(len(rows)))
        ax.add_collection(PolyCollection(verts, facecolors=style["not_evaluated"],
                                         edgecolors="none", antialiaseds=False,
                                         rasterized=len(rows) > RASTERIZE_ABOVE))


def _runs(mask):
    """(start, end, row) of the runs of True along each row of a 2-D bool array."""
    import numpy as np

    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    change = np.diff(padded, axis=1)
    starts_r, starts_c = np.nonzero(change == 1)
    _ends_r, ends_c = np.nonzero(change == -1)
    return starts_c.astype(float), ends_c.astype(float), starts_r.astype(float)


def _rgba8(color: str):
    from matplotlib.colors import to_rgba

    return [round(255 * v) for v in to_rgba(color)]


def _glyph_rectangles(data: OncoprintData, style: Mapping, gap_x: float, gap_y: float):
    """Vertices (n x 4 x 2) and colours of alteration glyphs in data coordinates.

    Classes of one cell with the same glyph height share the cell side by side; taller glyphs
    are drawn first so that shorter ones (cBioPortal's mutation bar) sit on top of them.
    """
    import numpy as np

    classes = style["classes"]
    cells: dict[tuple[int, int], list[str]] = {}
    for r, c, k in zip(data.alt_rows, data.alt_cols, data.alt_classes, strict=True):
        present = cells.setdefault((r, c), [])
        if k not in present:
            present.append(k)
    vertices, colors, order = [], [], []
    for (r, c), present in cells.items():
        by_height: dict[float, list[str]] = {}
        for k in sorted(present, key=DISPLAY_CLASSES.index):
            by_height.setdefault(float(classes[k].get("height", 1.0)), []).append(k)
        for height, group in by_height.items():
            inner = 1.0 - gap_y
            h = inner * height
            top = r + gap_y / 2 + (inner - h) / 2
            width = (1.0 - gap_x) / len(group)
            for i, k in enumerate(group):
                left = c + gap_x / 2 + i * width
                vertices.append([(left, top), (left + width, top), (left + width, top + h),
                                 (left, top + h)])
                colors.append(classes[k]["color"])
                order.append(-height)
    if not vertices:
        return np.zeros((0, 4, 2)), []
    index = np.argsort(np.asarray(order), kind="stable")
    return np.asarray(vertices)[index], [colors[i] for i in index]


def _bar_rectangles(lefts, bottoms, widths, heights):
    import numpy as np

    lefts, bottoms = np.asarray(lefts, float), np.asarray(bottoms, float)
    rights, tops = lefts + np.asarray(widths, float), bottoms + np.asarray(heights, float)
    return np.stack([np.stack([lefts, bottoms], 1), np.stack([rights, bottoms], 1),
                     np.stack([rights, tops], 1), np.stack([lefts, tops], 1)], 1)


def draw_oncoprint(data: OncoprintData, outputs: Mapping[str, str | Path], *,
                   style: Mapping | None = None, title: str | None = None,
                   cores: int = 1) -> Layout:
    """Draw `data` to each {format: path} (png/svg/pdf, written atomically); return geometry.
    With `cores` > 1 the formats are written by two processes at once."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    style = style or load_style("figure1")
    unknown = sorted(set(outputs) - set(FORMATS))
    if unknown:
        raise LenallInputError(f"unknown plot format(s) {', '.join(unknown)}", field="--formats",
                               hint=f"use {', '.join(FORMATS)}")
    groups = legend_groups(data, style)
    provisional = compute_layout(data, 0.0)
    _, legend_height = _legend_geometry(groups, provisional.width - 2 * MARGIN
                                         - LEGEND_NOTES_WIDTH)
    layout = compute_layout(data, legend_height)
    rc = {"svg.hashsalt": "lenall", "font.family": "DejaVu Sans", "font.size": FONT_SIZE,
          "path.simplify": False, "svg.fonttype": "path", "pdf.fonttype": 42}
    with matplotlib.rc_context(rc):
        fig = plt.figure(figsize=(layout.width, layout.height), dpi=DPI)
        try:
            _draw(fig, data, style, layout, groups, title)
            _save(fig, outputs, cores)
        finally:
            plt.close(fig)
    return layout


def _draw(fig, data, style, layout: Layout, groups, title) -> None:
    from matplotlib.collections import PolyCollection

    n_rows, n_cols = layout.n_rows, layout.n_cols
    matrix_width = layout.cell_width * n_cols
    cell_px = layout.cell_width * DPI
    gap_x = style.get("gap", 0.1) if cell_px >= GAP_MIN_PX else 0.0
    gap_y = style.get("gap", 0.1)

    ax = fig.add_axes(layout.axes_rect(layout.matrix_left, layout.matrix_top, matrix_width,
                                       n_rows * layout.cell_height))
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    ax.set_facecolor("white")
    _cell_background(ax, data, style)
    _gap_bands(ax, n_rows, n_cols, gap_x, gap_y)
    if style.get("not_evaluated_line"):
        _not_evaluated_lines(ax, data, style, gap_x)
    verts, colors = _glyph_rectangles(data, style, gap_x, gap_y)
    if len(colors):
        ax.add_collection(PolyCollection(verts, facecolors=colors, edgecolors="none",
                                         antialiaseds=False, rasterized=len(colors) > RASTERIZE_ABOVE))
    _cytogenetic_marks(ax, data, layout)
    ax.set_yticks([r + 0.5 for r in range(n_rows)], data.rows)
    ax.tick_params(axis="y", length=0, pad=2)
    if _show_patient_labels(data):
        ax.set_xticks([c + 0.5 for c in range(n_cols)], data.patients, rotation=90)
        ax.tick_params(axis="x", length=0, pad=2)
    else:
        ax.set_xticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)

    _draw_top_bar(fig, data, style, layout, gap_x)
    _draw_markers(fig, data, style, layout)
    _draw_tracks(fig, data, style, layout, gap_x)
    _draw_right_bar(fig, data, style, layout)
    _draw_legend(fig, data, groups, style, layout)
    if title:
        fig.text(MARGIN / layout.width, 1 - 0.05 / layout.height, title, va="top", ha="left",
                 fontsize=FONT_SIZE + 1)


def _cytogenetic_marks(ax, data, layout: Layout) -> None:
    """A small white dot in cells that only karyotype / FISH / clinical testing altered."""
    import numpy as np

    if not data.cytogenetic_only:
        return
    rows, cols = np.asarray(data.cytogenetic_only, dtype=float).T
    size = min(6.0, max(0.5, (layout.cell_width * 72) ** 2 * 0.15))
    ax.scatter(cols + 0.5, rows + 0.5, marker="o", s=size, c="white", edgecolors="black",
               linewidths=0.3, zorder=3)


def _not_evaluated_lines(ax, data, style, gap_x) -> None:
    import numpy as np
    from matplotlib.collections import LineCollection

    rows, cols = np.nonzero(~data.evaluated)
    if not len(rows):
        return
    y = rows + 0.5
    segments = np.stack([np.stack([cols + gap_x / 2, y], 1),
                         np.stack([cols + 1 - gap_x / 2, y], 1)], 1)
    ax.add_collection(LineCollection(segments, colors=style["not_evaluated_line"],
                                     linewidths=0.5, antialiaseds=False,
                                     rasterized=len(rows) > RASTERIZE_ABOVE))


def _draw_top_bar(fig, data, style, layout: Layout, gap_x) -> None:
    """Alterations per patient, stacked by class. When columns are narrower than
    TOP_BAR_MIN_PX, each bar covers a bin of adjacent columns and shows their mean (a bar per
    sub-pixel column would only draw noise)."""
    import numpy as np
    from matplotlib.collections import PolyCollection

    ax = fig.add_axes(layout.axes_rect(layout.matrix_left, layout.top_bar_top,
                                       layout.cell_width * layout.n_cols, TOP_BAR_HEIGHT))
    counts = np.zeros((len(DISPLAY_CLASSES), layout.n_cols), dtype=float)
    if data.alt_classes:
        np.add.at(counts, (np.asarray([DISPLAY_CLASSES.index(k) for k in data.alt_classes]),
                           np.asarray(data.alt_cols)), 1)
    edges = _column_bins(layout.n_cols, layout.cell_width * layout.n_cols * DPI / TOP_BAR_MIN_PX)
    binned = len(edges) - 1 < layout.n_cols
    if binned:
        counts = np.add.reduceat(counts, edges[:-1], axis=1) / np.diff(edges)
        gap_x = 0.0
    lefts, widths = edges[:-1].astype(float), np.diff(edges).astype(float)
    bottoms = np.zeros(len(lefts))
    verts, colors = [], []
    for k, name in enumerate(DISPLAY_CLASSES):
        cols = np.nonzero(counts[k])[0]
        if len(cols):
            verts.append(_bar_rectangles(lefts[cols] + gap_x / 2, bottoms[cols],
                                         widths[cols] - gap_x, counts[k][cols]))
            colors += [style["classes"][name]["color"]] * len(cols)
            bottoms[cols] += counts[k][cols]
    if verts:
        ax.add_collection(PolyCollection(np.concatenate(verts), facecolors=colors,
                                         edgecolors="none", antialiaseds=False,
                                         rasterized=len(colors) > RASTERIZE_ABOVE))
    peak = float(bottoms.max()) if len(bottoms) else 0.0
    top = max(int(np.ceil(peak)), 1)
    ax.set_xlim(0, layout.n_cols)
    ax.set_ylim(0, top)
    ax.set_xticks([])
    ax.set_yticks([0, top])
    label = (f"Alterations\n(mean per\n{int(widths.max())} patients)" if binned
             else "Alterations")
    ax.set_ylabel(label, rotation=0, ha="right", va="center")
    for name in ("top", "right", "bottom"):
        ax.spines[name].set_visible(False)


def _column_bins(n_cols: int, max_bins: float):
    """Edges (column indices) of at most `max_bins` bins of adjacent columns, as equal as
    integers allow; one bin per column when they fit."""
    import numpy as np

    n_bins = max(1, min(n_cols, int(max_bins)))
    return np.unique(np.round(np.linspace(0, n_cols, n_bins + 1)).astype(int))


def _draw_markers(fig, data, style, layout: Layout) -> None:
    import numpy as np

    if not data.rna_marker or not any(data.rna_marker):
        return
    ax = fig.add_axes(layout.axes_rect(layout.matrix_left, layout.marker_top,
                                       layout.cell_width * layout.n_cols, MARKER_HEIGHT))
    ax.set_axis_off()
    ax.set_xlim(0, layout.n_cols)
    ax.set_ylim(0, 1)
    cols = np.nonzero(np.asarray(data.rna_marker))[0]
    size = min(18.0, max(1.0, (layout.cell_width * 72) ** 2 * 0.5))
    ax.scatter(cols + 0.5, np.full(len(cols), 0.45), marker=(6, 2, 0), s=size, c="black",
               linewidths=0.6)


def _draw_tracks(fig, data, style, layout: Layout, gap_x) -> None:
    import numpy as np

    scales = track_scales(data.tracks, style)
    for i, (name, values) in enumerate(data.tracks.items()):
        top = layout.tracks_top + i * (TRACK_HEIGHT + TRACK_GAP)
        ax = fig.add_axes(layout.axes_rect(layout.matrix_left, top,
                                           layout.cell_width * layout.n_cols, TRACK_HEIGHT))
        lookup = {v: _rgba8(c) for v, c in scales[name].colors.items()}
        missing = _rgba8(style.get("missing_track", "#ffffff"))
        image = np.asarray([[lookup.get(v, missing) for v in values]], dtype=np.uint8)
        ax.imshow(image, aspect="auto", interpolation="nearest",
                  extent=(0, layout.n_cols, 1, 0), resample=False)
        _gap_bands(ax, 1, layout.n_cols, gap_x, 0.0)
        ax.set_xlim(0, layout.n_cols)
        ax.set_xticks([])
        ax.set_yticks([0.5], [name])
        ax.tick_params(axis="y", length=0, pad=2)
        for spine in ax.spines.values():
            spine.set_visible(False)


def _gap_bands(ax, n_rows: int, n_cols: int, gap_x: float, gap_y: float) -> None:
    """White separators between cells: one band per row/column boundary, one collection."""
    import numpy as np
    from matplotlib.collections import PolyCollection

    verts = []
    if gap_x:
        edges = np.arange(n_cols + 1, dtype=float)
        verts.append(_bar_rectangles(edges - gap_x / 2, np.zeros(n_cols + 1),
                                     [gap_x] * (n_cols + 1), [n_rows] * (n_cols + 1)))
    if gap_y:
        edges = np.arange(n_rows + 1, dtype=float)
        verts.append(_bar_rectangles(np.zeros(n_rows + 1), edges - gap_y / 2,
                                     [n_cols] * (n_rows + 1), [gap_y] * (n_rows + 1)))
    if verts:
        ax.add_collection(PolyCollection(np.concatenate(verts), facecolors="white",
                                         edgecolors="none", antialiaseds=False))


def _draw_right_bar(fig, data, style, layout: Layout) -> None:
    import numpy as np
    from matplotlib.collections import PolyCollection

    altered = data.altered() & data.evaluated
    evaluable = data.evaluated.sum(axis=1)
    n_altered = altered.sum(axis=1)
    percent = np.where(evaluable > 0, 100.0 * n_altered / np.maximum(evaluable, 1), 0.0)
    ax = fig.add_axes(layout.axes_rect(layout.right_left, layout.matrix_top, RIGHT_BAR_WIDTH,
                                       layout.n_rows * layout.cell_height))
    rows = np.arange(layout.n_rows)
    ax.add_collection(PolyCollection(
        _bar_rectangles(np.zeros(layout.n_rows), rows + 0.2, percent, [0.6] * layout.n_rows),
        facecolors=style.get("bar_color", "#595959"), edgecolors="none", antialiaseds=False))
    ax.set_xlim(0, 100)
    ax.set_ylim(layout.n_rows, 0)
    ax.set_yticks([])
    ax.set_xticks([0, 50, 100], ["0", "50", "100%"])
    ax.xaxis.set_ticks_position("top")
    for name in ("right", "bottom", "left"):
        ax.spines[name].set_visible(False)
    mark = style.get("partial_mark", "\u2020")
    for r in range(layout.n_rows):
        incomplete = evaluable[r] < len(data.patients)
        text = (f"{percent[r]:.0f}% {n_altered[r]}/{evaluable[r]}" if evaluable[r]
                else "not evaluated")
        ax.text(102, r + 0.5, text + (mark if incomplete else ""), va="center", ha="left",
                clip_on=False)


def _draw_legend(fig, data, groups, style, layout: Layout) -> None:
    from matplotlib.collections import PolyCollection

    width = layout.width - 2 * MARGIN
    placed, height = _legend_geometry(groups, width - LEGEND_NOTES_WIDTH)
    if not placed or height <= 0:
        return
    ax = fig.add_axes(layout.axes_rect(MARGIN, layout.legend_top, width, height))
    ax.set_axis_off()
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    verts, colors = [], []
    for group, x, y in placed:
        ax.text(x, y, group.title, va="top", ha="left", fontweight="bold")
        top = y + LEGEND_TITLE_HEIGHT
        if group.colorbar:
            _colorbar(ax, group.colorbar, x, top)
            top += COLORBAR_HEIGHT
        for i, (color, label) in enumerate(group.entries):
            entry_top = top + i * LEGEND_ENTRY_HEIGHT
            verts.append([(x, entry_top), (x + 0.15, entry_top), (x + 0.15, entry_top + 0.11),
                          (x, entry_top + 0.11)])
            colors.append(color)
            ax.text(x + 0.2, entry_top + 0.055, label, va="center", ha="left")
    ax.add_collection(PolyCollection(verts, facecolors=colors, edgecolors="#808080",
                                     linewidths=0.3))
    labels = style.get("labels", {})
    notes = []
    if data.rna_marker and any(data.rna_marker) and style.get("rna_marker"):
        notes.append(f"{style['rna_marker']} {labels.get('rna_marker', 'Panel includes RNA')}")
    if data.cytogenetic_only:
        only = labels.get("cytogenetic_only", "karyotype / FISH / clinical test only")
        notes.append(f"\u25cb {only}")
    if (~data.evaluated).any():
        notes.append(f"{style.get('partial_mark', chr(0x2020))} "
                     f"{labels.get('partial', 'some patients not evaluated')}")
    for i, note in enumerate(notes):
        ax.text(width, i * LEGEND_ENTRY_HEIGHT, note, va="top", ha="right")


def _colorbar(ax, scale: TrackScale, x: float, top: float) -> None:
    """A numeric track's gradient as a bar of steps, its minimum and maximum below."""
    from matplotlib.collections import PolyCollection

    step = COLORBAR_WIDTH / COLORBAR_STEPS
    verts = [[(x + i * step, top), (x + (i + 1) * step, top), (x + (i + 1) * step, top + 0.11),
              (x + i * step, top + 0.11)] for i in range(COLORBAR_STEPS)]
    colors = [_gradient(scale.gradient, (i + 0.5) / COLORBAR_STEPS)
              for i in range(COLORBAR_STEPS)]
    ax.add_collection(PolyCollection(verts, facecolors=colors, edgecolors="none",
                                     antialiaseds=False))
    ax.add_patch(_outline(x, top, COLORBAR_WIDTH, 0.11))
    ax.text(x, top + 0.13, scale.low, va="top", ha="left")
    ax.text(x + COLORBAR_WIDTH, top + 0.13, scale.high, va="top", ha="right")


def _outline(x: float, top: float, width: float, height: float):
    from matplotlib.patches import Rectangle

    return Rectangle((x, top), width, height, facecolor="none", edgecolor="#808080",
                     linewidth=0.3)


def _save(fig, outputs: Mapping[str, str | Path], cores: int = 1) -> None:
    """Write each format; with `cores` > 1 (and fork available) the PNG is drawn by a forked
    copy of this process while this one writes the SVG and the PDF. The files do not depend on
    how many processes wrote them."""
    wanted = [fmt for fmt in FORMATS if fmt in outputs]
    if cores <= 1 or len(wanted) <= 1 or not hasattr(os, "fork"):
        for fmt in wanted:
            _save_one(fig, fmt, outputs[fmt])
        return
    # PNG (Agg at 300 dpi, then zlib) takes about as long as the SVG and PDF together
    first = ["png"] if "png" in wanted else wanted[:1]
    child, errors = _fork_saving(fig, {fmt: outputs[fmt] for fmt in first})
    try:
        for fmt in wanted:
            if fmt not in first:
                _save_one(fig, fmt, outputs[fmt])
    finally:
        with os.fdopen(errors, "rb") as pipe:
            error = pipe.read().decode("utf-8", "replace").strip()
        _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"writing the {', '.join(first)} failed in a forked process: "
                           f"{error or 'no message'}")


def _fork_saving(fig, outputs: Mapping[str, str | Path]) -> tuple[int, int]:
    """Fork; the child writes `outputs` and exits (0 on success), its error (if any) sent
    through a pipe. Returns the child's pid and the pipe's reading end."""
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    code = 1
    try:
        os.close(read)
        for fmt, path in outputs.items():
            _save_one(fig, fmt, path)
        code = 0
    except BaseException as error:  # reported by the parent; the child must never return
        os.write(write, f"{type(error).__name__}: {error}".encode())
    finally:
        os._exit(code)


def _save_one(fig, fmt: str, path: str | Path) -> None:
    from ..writers import atomic_path

    metadata = {"png": {"Software": None}, "svg": {"Date": None},
                "pdf": {"CreationDate": None, "ModDate": None, "Producer": None}}
    with atomic_path(path) as tmp, _pdf_fonts(fig, fmt):
        fig.savefig(tmp, format=fmt, dpi=DPI, metadata=metadata[fmt])


@contextlib.contextmanager
def _pdf_fonts(fig, fmt: str):
    """In a PDF, text is set in the standard Helvetica (one of the 14 fonts every PDF reader
    has) when every label can be written in its encoding (Windows-1252): nothing is embedded,
    text stays text, and the file is written without subsetting fonts (most of the PDF's time
    with embedded DejaVu Sans). Any other character (e.g. the open circle of the
    cytogenetic-only note, or a non-Latin patient name) keeps the embedded TrueType fonts."""
    if fmt != "pdf" or not core_font_text(fig):
        yield
        return
    import logging

    import matplotlib

    # findfont warns that DejaVu Sans has no Adobe metrics and Helvetica no 'normal' weight
    log = logging.getLogger("matplotlib.font_manager")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context({"pdf.use14corefonts": True}):
            yield
    finally:
        log.setLevel(level)


def core_font_text(fig) -> bool:
    """True when every text of the figure can be set in a standard PDF font (Windows-1252,
    no mathtext)."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        value = text.get_text()
        if "$" in value:
            return False
        try:
            value.encode("cp1252")
        except UnicodeEncodeError:
            return False
    return True
