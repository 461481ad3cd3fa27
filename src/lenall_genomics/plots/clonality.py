"""Per-patient clonality figure: VAF in the earlier vs the later sample for each pair, coloured
shared / private / clonal-haematopoiesis gene, with the clonal IGH rearrangements listed beside it.
Written as PNG and SVG with fixed metadata so that re-runs are byte-identical."""

from __future__ import annotations

from collections.abc import Sequence
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


def plot_patient(patient: str, pairs: Sequence[PairResult], base: Path) -> list[Path]:
    """Draw <base>.png and <base>.svg; returns both paths."""
    return draw_figure(figure_spec(patient, pairs), base)


def draw_figure(spec: dict, base: Path) -> list[Path]:
    """Draw a figure_spec as <base>.png and <base>.svg; returns both paths."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "lenall"
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
    base.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix, metadata in ((".png", {"Software": None}), (".svg", {"Date": None})):
        target = base.with_name(base.name + suffix)
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=suffix[1:], dpi=150, metadata=metadata)
        written.append(target)
    plt.close(fig)
    return written


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
