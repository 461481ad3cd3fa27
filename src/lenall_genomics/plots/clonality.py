"""Per-patient clonality figure: VAF in the earlier vs the later sample for each pair, coloured
shared / private / clonal-haematopoiesis gene, with the clonal IGH rearrangements listed beside it.

The SVG is written directly from the figure spec (figure_svg: fixed layout, text placed by
anchor, never measured), about a millisecond a figure, so a cohort of 1,000 pairs draws all its
figures in about a second. A PNG is drawn only on request (draw_png, matplotlib, the same layout
in inches), as it costs about 0.2 s a figure. Both are byte-identical on re-runs."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..clonality import PairResult

COLOURS = {
    "shared": "#b2182b",
    "subthreshold": "#ef8a62",
    "private_earlier": "#2166ac",
    "private_later": "#4daf4a",
    "ch": "#762a83",
}
LEGEND = (
    ("shared", "shared"),
    ("subthreshold", "below threshold in one"),
    ("private_earlier", "private, earlier"),
    ("private_later", "private, later"),
    ("ch", "CH gene (outline)"),
)


def _category(status: str) -> str:
    if status == "shared":
        return "shared"
    if status.startswith("subthreshold"):
        return "subthreshold"
    return status


def figure_spec(patient: str, pairs: Sequence[PairResult]) -> dict:
    """Everything the patient's figure shows, as plain data: the figure is drawn from this
    alone, so equal specs give equal files (clonality_run.py skips redrawing them)."""
    from ..clonality import clonotype_label

    return {"patient": patient, "pairs": [_pair_spec(pair, clonotype_label) for pair in pairs]}


def _pair_spec(pair: PairResult, label) -> dict:
    points = []
    for row in pair.mutations.rows if pair.mutations else []:
        shown = (row["status"] != "private_earlier" and row["status"] != "private_later"
                 or row["ch_gene"])
        points.append({
            "x": row["earlier_vaf"] if row["earlier_vaf"] is not None else 0.0,
            "y": row["later_vaf"] if row["later_vaf"] is not None else 0.0,
            "category": _category(row["status"]), "ch": bool(row["ch_gene"]),
            "label": (row["gene"] or f"{row['chrom']}:{row['pos']}") if shown else None})
    p_text = "." if pair.p_value is None else f"{pair.p_value:.4f}"
    return {
        "points": points,
        "xlabel": f"VAF {pair.earlier.name} ({pair.earlier.sample.diagnosis}, earlier)",
        "ylabel": f"VAF {pair.later.name} ({pair.later.sample.diagnosis}, later)",
        "title": f"{pair.verdict}\nidentity {pair.identity.call}, p {p_text}",
        "clonotypes": _clonotype_lines(pair, label),
    }


def plot_patient(patient: str, pairs: Sequence[PairResult], base: Path,
                 png: bool = False) -> list[Path]:
    """Write <base>.svg (and <base>.png when asked); returns the paths written."""
    return draw_figure(figure_spec(patient, pairs), base, png)


def draw_figure(spec: dict, base: Path, png: bool = False) -> list[Path]:
    """Write a figure_spec as <base>.svg, and <base>.png when asked; returns the paths."""
    from ..writers import atomic_path

    written = [base.with_name(base.name + ".svg")]
    with atomic_path(written[0]) as tmp:
        tmp.write_bytes(figure_svg(spec).encode("utf-8"))
    if png:
        written.insert(0, draw_png(spec, base))
    return written


def draw_png(spec: dict, base: Path) -> Path:
    """Draw a figure_spec as <base>.png with matplotlib; returns its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..writers import atomic_path

    pairs = spec["pairs"]
    n = max(1, len(pairs))
    fig, axes = plt.subplots(n, 2, figsize=(9.5, 4.2 * n), squeeze=False,
                             gridspec_kw={"width_ratios": [1.0, 0.9]})
    for row, pair in enumerate(pairs):
        _scatter(axes[row][0], pair)
        _clonotype_panel(axes[row][1], pair["clonotypes"])
    handles = [plt.Line2D([], [], marker="o", linestyle="", markersize=7,
                          markerfacecolor="white" if key == "ch" else COLOURS[key],
                          markeredgecolor=COLOURS[key], markeredgewidth=1.8 if key == "ch" else 0.5,
                          label=label) for key, label in LEGEND]
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=8, frameon=False)
    fig.suptitle(f"Patient {spec['patient']}: clonal relatedness", fontsize=12)
    _fixed_layout(fig, n)
    target = base.with_name(base.name + ".png")
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    return target


# Margins in inches for a figure of 9.5 x 4.2 in per pair: room for the suptitle and each
# scatter's two-line title above, its axis label and the legend below. A fixed layout, not
# tight_layout: that draws every text once more to measure it (a fifth of the drawing time).
_TOP_IN, _BOTTOM_IN, _LEFT_IN, _RIGHT_IN, _GAP_IN = 0.85, 1.0, 0.75, 0.15, 1.05


def _fixed_layout(fig, pairs: int) -> None:
    width, height = fig.get_size_inches()
    axes_height = (height - _TOP_IN - _BOTTOM_IN - _GAP_IN * (pairs - 1)) / pairs
    fig.subplots_adjust(left=_LEFT_IN / width, right=1 - _RIGHT_IN / width,
                        bottom=_BOTTOM_IN / height, top=1 - _TOP_IN / height,
                        hspace=_GAP_IN / axes_height, wspace=0.12)


def _scatter(ax, pair: dict) -> None:
    points = pair["points"]
    if points:
        # one collection for all points (drawn in the same order): one artist per point made
        # the figure's drawing time grow with the mutation count
        ax.scatter([p["x"] for p in points], [p["y"] for p in points], s=42,
                   c=[COLOURS[p["category"]] for p in points],
                   edgecolors=[COLOURS["ch"] if p["ch"] else "black" for p in points],
                   linewidths=[1.8 if p["ch"] else 0.4 for p in points], zorder=3)
    for point in points:
        if point["label"] is not None:
            ax.annotate(point["label"], (point["x"], point["y"]), fontsize=7, xytext=(4, 3),
                        textcoords="offset points")
    if not pair["points"]:
        ax.text(0.5, 0.5, "no somatic mutations\n(variants tables missing or empty)",
                ha="center", va="center", fontsize=9, transform=ax.transAxes)
    ax.plot([0, 1], [0, 1], color="#bbbbbb", linewidth=0.8, linestyle="--", zorder=1)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(pair["xlabel"])
    ax.set_ylabel(pair["ylabel"])
    ax.set_title(pair["title"], fontsize=9)
    ax.grid(True, linewidth=0.3, color="#dddddd")


def _clonotype_lines(pair: PairResult, label) -> list[str]:
    lines = ["IGH clonotypes (clonal)"]
    shared_ids = {(id(a), id(b)) for a, b, _ in pair.igh.matches}
    shared_rows = {id(a) for a, _ in shared_ids} | {id(b) for _, b in shared_ids}
    for data, rows in ((pair.earlier, pair.igh.earlier), (pair.later, pair.igh.later)):
        lines.append("")
        lines.append(f"{data.name} ({data.sample.diagnosis})")
        if data.clonotypes is None:
            lines.append("  no clonotype data")
            continue
        if not rows:
            lines.append("  no clonal rearrangement")
        for row in rows[:5]:
            mark = "*" if id(row) in shared_rows else " "
            lines.append(f" {mark}{label(row)}")
    lines.append("")
    lines.append({"yes": "* shared clonotype", "no": "distinct clonotypes",
                  "unknown": "IGH comparison not possible"}[pair.igh.call])
    return lines


def _clonotype_panel(ax, lines: list[str]) -> None:
    ax.axis("off")
    ax.text(0.0, 1.0, "\n".join(lines), va="top", ha="left", family="monospace", fontsize=7.5,
            transform=ax.transAxes)


# --- the SVG, written directly ------------------------------------------------------------------
# One user unit is 1/100 inch: the figure is 9.5 x 4.2 in per pair, as the PNG, and the margins
# are _fixed_layout's. Font sizes are the PNG's points in these units (1 pt = 100/72).
_UNIT = 100.0
_PT = _UNIT / 72.0
_SANS = "DejaVu Sans, Arial, Helvetica, sans-serif"
_MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
_LO, _HI = -0.02, 1.02  # the axes' data range
_TICKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# widths of the two panels and the gap between them: width ratios 1 : 0.9, wspace 0.12
_PANELS = 9.5 - _LEFT_IN - _RIGHT_IN
_SCATTER_IN = _PANELS / (1.9 * (1 + 0.12 / 2))
_PANEL_GAP_IN = 0.12 * _SCATTER_IN * 1.9 / 2


def _n(value: float) -> str:
    """A coordinate with two decimals, without trailing zeros (one text form per value)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(x: float, y: float, text: str, size: float, *, anchor: str = "start",
          extra: str = "") -> str:
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size * _PT)}" '
            f'text-anchor="{anchor}"{extra}>{escape(text)}</text>')


def _lines(x: float, y: float, lines: Sequence[str], size: float, *, anchor: str = "start",
           spacing: float = 1.2, extra: str = "") -> str:
    """Several lines as one <text>, each a <tspan>; y is the first line's baseline."""
    step = size * _PT * spacing
    spans = "".join(f'<tspan x="{_n(x)}" y="{_n(y + i * step)}">{escape(line) or " "}</tspan>'
                    for i, line in enumerate(lines))
    return (f'<text font-size="{_n(size * _PT)}" text-anchor="{anchor}"{extra}>{spans}'
            "</text>")


def figure_svg(spec: dict) -> str:
    """The figure of a figure_spec as SVG text (the same layout as draw_png)."""
    pairs = spec["pairs"]
    n = max(1, len(pairs))
    width, height = 9.5 * _UNIT, 4.2 * n * _UNIT
    axes_h = (4.2 * n - _TOP_IN - _BOTTOM_IN - _GAP_IN * (n - 1)) / n * _UNIT
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width * 0.72)}pt" '
           f'height="{_n(height * 0.72)}pt" viewBox="0 0 {_n(width)} {_n(height)}" '
           f'font-family="{_SANS}">',
           f"<title>Patient {escape(spec['patient'])}: clonal relatedness</title>",
           f'<rect width="{_n(width)}" height="{_n(height)}" fill="#ffffff"/>',
           _text(width / 2, 0.42 * _UNIT, f"Patient {spec['patient']}: clonal relatedness",
                 12, anchor="middle")]
    for row, pair in enumerate(pairs):
        top = (_TOP_IN + row * (_GAP_IN + axes_h / _UNIT)) * _UNIT
        out.append(_scatter_svg(pair, _LEFT_IN * _UNIT, top, _SCATTER_IN * _UNIT, axes_h))
        right = (_LEFT_IN + _SCATTER_IN + _PANEL_GAP_IN) * _UNIT
        out.append(_lines(right, top + 7.5 * _PT, pair["clonotypes"], 7.5,
                          extra=f' font-family="{_MONO}" xml:space="preserve"'))
    if not pairs:
        out.append(_text(width / 2, height / 2, "no pair of tumour samples compared", 9,
                         anchor="middle"))
    out.append(_legend_svg(width, height - 0.25 * _UNIT))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _scatter_svg(pair: dict, left: float, top: float, w: float, h: float) -> str:
    def px(v: float) -> float:
        return left + (v - _LO) / (_HI - _LO) * w

    def py(v: float) -> float:
        return top + h - (v - _LO) / (_HI - _LO) * h

    out = ['<g class="pair">']
    for tick in _TICKS:  # grid, then the ticks and their labels
        out.append(f'<path d="M{_n(px(tick))} {_n(top)}V{_n(top + h)}M{_n(left)} '
                   f'{_n(py(tick))}H{_n(left + w)}" stroke="#dddddd" stroke-width="0.4"/>')
        out.append(f'<path d="M{_n(px(tick))} {_n(top + h)}v4.9M{_n(left)} {_n(py(tick))}'
                   f'h-4.9" stroke="#000000" stroke-width="1.1"/>')
        out.append(_text(px(tick), top + h + 19, f"{tick:.1f}", 10, anchor="middle"))
        out.append(_text(left - 8, py(tick) + 4.8, f"{tick:.1f}", 10, anchor="end"))
    out.append(f'<path d="M{_n(px(0))} {_n(py(0))}L{_n(px(1))} {_n(py(1))}" stroke="#bbbbbb" '
               'stroke-width="1.1" stroke-dasharray="4.1 1.8" fill="none"/>')
    points = pair["points"]
    for p in points:
        colour = COLOURS[p["category"]]
        edge, stroke = (COLOURS["ch"], 1.8) if p["ch"] else ("#000000", 0.4)
        out.append(f'<circle cx="{_n(px(p["x"]))}" cy="{_n(py(p["y"]))}" r="4.5" '
                   f'fill="{colour}" stroke="{edge}" stroke-width="{_n(stroke * _PT)}"/>')
    for p in points:
        if p["label"] is not None:
            out.append(_text(px(p["x"]) + 4 * _PT, py(p["y"]) - 3 * _PT, p["label"], 7))
    if not points:
        out.append(_lines(left + w / 2, top + h / 2 - 6,
                          ["no somatic mutations", "(variants tables missing or empty)"], 9,
                          anchor="middle"))
    out.append(f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(w)}" height="{_n(h)}" '
               'fill="none" stroke="#000000" stroke-width="1.1"/>')
    out.append(_text(left + w / 2, top + h + 40, pair["xlabel"], 10, anchor="middle"))
    out.append(_text(left - 42, top + h / 2, pair["ylabel"], 10, anchor="middle",
                     extra=f' transform="rotate(-90 {_n(left - 42)} {_n(top + h / 2)})"'))
    title = pair["title"].split("\n")
    out.append(_lines(left + w / 2, top - 8 - (len(title) - 1) * 9 * _PT * 1.2, title, 9,
                      anchor="middle"))
    out.append("</g>")
    return "".join(out)


def _legend_svg(width: float, baseline: float) -> str:
    # each entry: a marker, then its label; widths from the label's length (no text measuring)
    size = 8 * _PT
    entries = [(key, label, 18 + 0.55 * size * len(label)) for key, label in LEGEND]
    gap = 24.0
    x = (width - sum(w for *_, w in entries) - gap * (len(entries) - 1)) / 2
    out = ['<g class="legend">']
    for key, label, w in entries:
        ch = key == "ch"
        fill = "#ffffff" if ch else COLOURS[key]
        out.append(f'<circle cx="{_n(x + 5)}" cy="{_n(baseline - size * 0.35)}" r="4.9" '
                   f'fill="{fill}" stroke="{COLOURS[key]}" '
                   f'stroke-width="{_n((1.8 if ch else 0.5) * _PT)}"/>')
        out.append(_text(x + 18, baseline, label, 8))
        x += w + gap
    out.append("</g>")
    return "".join(out)
