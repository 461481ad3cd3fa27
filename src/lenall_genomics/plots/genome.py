"""Per-sample genome plot: total and minor copy number along the concatenated chromosomes.

LOH (minor CN 0) is shaded, chromosomes counted as lost are marked, and the ploidy class is in
the title. Written as PNG and SVG with fixed metadata so that a re-run is byte-identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..genome import chromosomes

if TYPE_CHECKING:
    from ..ploidy import PloidyCall, Segment

TOTAL_COLOUR = "#222222"
MINOR_COLOUR = "#1f77b4"
LOH_COLOUR = "#f4a582"
LOST_COLOUR = "#b2182b"
GAINED_COLOUR = "#2166ac"
CN_CEILING = 6  # values above are drawn at the ceiling with a marker


def plot_genome(call: PloidyCall, segments: Sequence[Segment], stem: str | Path) -> list[Path]:
    """Draw <stem>.png and <stem>.svg; returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..writers import atomic_path

    stem = Path(stem)
    with matplotlib.rc_context({"svg.hashsalt": "lenall", "font.family": "DejaVu Sans",
                                "font.size": 8, "path.simplify": False}):
        fig, ax = plt.subplots(figsize=(12, 3.2), dpi=100)
        try:
            _draw(ax, call, segments)
            fig.tight_layout()
            # tight_layout leaves a placeholder layout engine, and with any engine set each
            # savefig draws the figure once more first (a third of the plot's time); the
            # margins are set now, so the files are the same without it
            fig.set_layout_engine(None)
            written = []
            for suffix, metadata in ((".png", {"Software": None}), (".svg", {"Date": None})):
                target = stem.with_name(stem.name + suffix)
                with atomic_path(target) as tmp:
                    fig.savefig(tmp, format=suffix[1:], metadata=metadata)
                written.append(target)
        finally:
            plt.close(fig)
    return written


def _offsets(genome: str, names: Sequence[str]) -> dict[str, int]:
    sizes = chromosomes(genome)
    offsets, position = {}, 0
    for name in names:
        offsets[name] = position
        position += sizes[name].length
    offsets["_end"] = position
    return offsets


def _draw(ax, call: PloidyCall, segments: Sequence[Segment]) -> None:
    from matplotlib.collections import LineCollection, PolyCollection

    names = [s.chrom for s in call.states]
    offsets = _offsets(call.genome, names)
    lost = set(call.evidence.get("lost_before_doubling" if call.masked else "lost", []))
    gained = set(call.evidence.get("gained_before_doubling" if call.masked else "gained", []))
    sizes = chromosomes(call.genome)
    for index, name in enumerate(names):
        left, width = offsets[name], sizes[name].length
        if index % 2:
            ax.axvspan(left, left + width, color="#f2f2f2", zorder=0, lw=0)
        colour = LOST_COLOUR if name in lost else GAINED_COLOUR if name in gained else "black"
        ax.text(left + width / 2, -0.45, name, ha="center", va="top", color=colour,
                fontweight="bold" if name in lost | gained else "normal")
        if name in lost:
            ax.plot([left, left + width], [-0.28, -0.28], color=LOST_COLOUR, lw=3,
                    solid_capstyle="butt")
    loh, totals, minors, above = [], [], [], []
    for seg in segments:
        if seg.chrom not in offsets:
            continue
        x0, x1 = offsets[seg.chrom] + seg.start, offsets[seg.chrom] + seg.end
        if seg.minor == 0 and not _haploid(call, seg.chrom):
            loh.append([(x0, 0.0), (x0, 1.0), (x1, 1.0), (x1, 0.0)])
        total = min(seg.total, CN_CEILING)
        totals.append([(x0, total), (x1, total)])
        if seg.total > CN_CEILING:
            above.append((x0 + x1) / 2)
        if seg.minor is not None:
            minor = min(seg.minor, CN_CEILING)
            minors.append([(x0, minor - 0.08), (x1, minor - 0.08)])
    # one collection per kind of mark: one artist per segment made drawing the slowest part
    # of the ploidy step
    spans = ax.get_xaxis_transform()  # x in data, y from 0 to 1 of the axes
    ax.add_collection(PolyCollection(loh, facecolors=LOH_COLOUR, alpha=0.45, linewidths=0,
                                     zorder=1, transform=spans))
    ax.add_collection(LineCollection(totals, colors=TOTAL_COLOUR, linewidths=2.2,
                                     capstyle="butt", zorder=3))
    ax.add_collection(LineCollection(minors, colors=MINOR_COLOUR, linewidths=1.6,
                                     capstyle="butt", zorder=3))
    if above:
        ax.plot(above, [CN_CEILING] * len(above), linestyle="", marker="^", color=TOTAL_COLOUR,
                ms=4, zorder=4)
    ax.add_collection(LineCollection([[(offsets[name], 0.0), (offsets[name], 1.0)]
                                      for name in names[1:]], colors="#bbbbbb", linewidths=0.5,
                                     zorder=2, transform=spans))
    ax.set_xlim(0, offsets["_end"])
    ax.set_ylim(-1.0, CN_CEILING + 0.5)
    ax.set_yticks(range(CN_CEILING + 1))
    ax.set_xticks([])
    ax.set_ylabel("copy number")
    ax.set_title(_title(call), loc="left")
    _legend(ax)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not segments:
        ax.text(offsets["_end"] / 2, CN_CEILING / 2, "no segments", ha="center", va="center",
                fontsize=14, color="#888888")


def _haploid(call: PloidyCall, chrom: str) -> bool:
    """Male X and Y have no second allele: minor CN 0 there is not LOH."""
    return chrom == "Y" or (chrom == "X" and call.sex == "male")


def _title(call: PloidyCall) -> str:
    parts = [f"{call.sample}: {call.ploidy_class}"]
    if call.modal_number is not None:
        parts.append(f"{call.modal_number} chromosomes observed")
    if call.masked:
        parts.append(f"masked (doubled), {call.pre_doubling_count} before doubling")
    if call.low_hypodiploid:
        parts.append("low hypodiploid (<= 43)")
    parts.append(f"QC {call.qc.get('status')}")
    return " | ".join(parts)


def _legend(ax) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], color=TOTAL_COLOUR, lw=2.2, label="total CN"),
               Line2D([], [], color=MINOR_COLOUR, lw=1.6, label="minor CN"),
               Patch(color=LOH_COLOUR, alpha=0.45, label="LOH (minor CN 0)"),
               Line2D([], [], color=LOST_COLOUR, lw=3, label="counted lost")]
    ax.legend(handles=handles, loc="upper right", ncol=4, frameon=False, fontsize=7)
