"""Copy-number evidence: breakpoints shared within a tolerance (breakclone) and arm-level events."""

from __future__ import annotations

from collections.abc import Sequence

from ..genome import AUTOSOMES
from .sites import site_order


def segment_state(segment: dict, params: dict[str, float]) -> int | None:
    if segment["total_cn"] is not None:
        return int(round(segment["total_cn"]))
    log2 = segment["log2"]
    if log2 is None:
        return None
    if log2 <= params["cn_deep_loss_log2"]:
        return 0
    if log2 <= params["cn_loss_log2"]:
        return 1
    if log2 < params["cn_gain_log2"]:
        return 2
    return 3 if log2 < params["cn_amp_log2"] else 4


def breakpoints(segments: Sequence[dict], params: dict[str, float]) -> list[tuple[str, int]]:
    """Positions where the copy-number state changes between adjacent segments of a chromosome."""
    found = []
    by_chrom: dict[str, list[dict]] = {}
    for segment in segments:
        by_chrom.setdefault(segment["chrom"], []).append(segment)
    for chrom, items in by_chrom.items():
        items.sort(key=lambda s: s["start"])
        for left, right in zip(items, items[1:], strict=False):
            a, b = segment_state(left, params), segment_state(right, params)
            if a is not None and b is not None and a != b:
                found.append((chrom, left["end"]))
    return sorted(found, key=lambda bp: (site_order((bp[0], bp[1], "", ""))))


def cn_tolerance(samples: Sequence[Sequence[dict]], params: dict[str, float]) -> int:
    """breakclone: 5 x the mean distance between probes (segment length / markers)."""
    length = markers = 0.0
    for segments in samples:
        for segment in segments:
            if segment["n_markers"]:
                length += segment["end"] - segment["start"] + 1
                markers += segment["n_markers"]
    if not markers:
        return int(params["cn_tolerance_default"])
    return int(round(params["cn_tolerance_probes"] * length / markers))


def shared_breakpoints(a: Sequence[tuple[str, int]], b: Sequence[tuple[str, int]],
                       tolerance: int) -> list[tuple[str, int, int]]:
    """Pairs of breakpoints within `tolerance`, each used once (nearest first)."""
    candidates = sorted(
        (abs(pa - pb), ca, pa, pb) for ca, pa in a for cb, pb in b
        if ca == cb and abs(pa - pb) <= tolerance)
    used_a: set[tuple[str, int]] = set()
    used_b: set[tuple[str, int]] = set()
    matched = []
    for _, chrom, pa, pb in candidates:
        if (chrom, pa) in used_a or (chrom, pb) in used_b:
            continue
        used_a.add((chrom, pa))
        used_b.add((chrom, pb))
        matched.append((chrom, pa, pb))
    return sorted(matched, key=lambda m: site_order((m[0], m[1], "", "")))


def arm_events(segments: Sequence[dict], genome: str, params: dict[str, float]) -> set[str]:
    """Autosome arms with one non-neutral state (loss/gain/LOH) over >= 90% of their segments."""
    from ..genome import ACROCENTRIC, chromosomes

    table = chromosomes(genome)
    events = set()
    for chrom in AUTOSOMES:
        if chrom not in table:
            continue
        info = table[chrom]
        arms = {"q": (info.centromere_end + 1, info.length)}
        if chrom not in ACROCENTRIC:
            arms["p"] = (1, info.centromere_start)
        for arm, (start, end) in arms.items():
            lengths: dict[str, float] = {}
            callable_length = 0.0
            for s in segments:
                if s["chrom"] != chrom:
                    continue
                overlap = min(end, s["end"]) - max(start, s["start"]) + 1
                state = segment_state(s, params)
                if overlap <= 0 or state is None:
                    continue
                callable_length += overlap
                label = _arm_state(state, s["minor_cn"])
                lengths[label] = lengths.get(label, 0.0) + overlap
            for label, covered in lengths.items():
                if label != "neutral" and covered >= params["arm_fraction"] * callable_length:
                    events.add(f"{chrom}{arm} {label}")
    return events


def _arm_state(total: int, minor: float | None) -> str:
    if total < 2:
        return "loss"
    if total > 2:
        return "gain"
    return "LOH" if minor is not None and minor == 0 else "neutral"
