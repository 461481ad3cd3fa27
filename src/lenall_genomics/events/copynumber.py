"""Copy-number events from segments: gene-level calls and the special events of B-ALL.

Gene-level calls (assets/cn_genes.tsv) are focal deletions, gains and amplifications judged
against a sex-aware baseline; special events are the P2RY8::CRLF2 fusion inferred from a PAR1
deletion, exon-level deletions (IKZF1 Δ4-7) and copy-number breakpoints inside KMT2A.
Input is a segment table of readers.segments (model.SEGMENT_COLUMNS).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..genome import CHROMOSOMES, Gene, chromosomes, exons, genes
from ..model import EVENT_COLUMNS
from .rows import CONFIDENCE_RANK, DELETION_TYPES, event_rows, skipped_records
from .tables import cn_parameters, pseudoautosomal, reported_cn_genes

KMT2A_CN_LABEL = "KMT2A rearrangement (possible, from CN breakpoint)"
KMT2A_CN_LIKELY_LABEL = "KMT2A rearrangement (likely, from CN breakpoint)"
P2RY8_CRLF2_DNA_LABEL = "P2RY8::CRLF2 (inferred from DNA)"

# Why a reported gene has no gene-level call (listed in the QC file).
NOT_SEGMENTED = "not segmented"
ARM_LEVEL = "broad"

_LOSS_STATES = ("deep_deletion", "loss")
_GAIN_STATES = ("gain", "amplification")
_DIRECTION = {"deep_deletion": "down", "loss": "down", "gain": "up", "amplification": "up"}
_TYPE_WORDS = {"deep_deletion": "deep deletion", "loss": "loss",
               "intragenic_deletion": "intragenic deletion", "gain": "gain",
               "amplification": "amplification"}
_MAX_SEGMENTS_SHOWN = 4
_AMPLIFIED_GENE_FRACTION = 0.5


# --- segments ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Seg:
    chrom: str
    start: int
    end: int
    log2: float | None
    total: float | None
    minor: float | None


def _value(raw: Any) -> float | None:
    if raw is None or raw == "":
        return None
    value = float(raw)
    return None if math.isnan(value) else value


def _segments(table) -> list[_Seg]:
    """A segment table (readers.segments.read_segments) or its rows (read_segment_rows)."""
    rows = table.to_dict("records") if hasattr(table, "to_dict") else table
    return [_Seg(str(r["chrom"]), int(r["start"]), int(r["end"]), _value(r["log2"]),
                 _value(r["total_cn"]), _value(r["minor_cn"])) for r in rows]


def _by_chrom(segs: list[_Seg]) -> dict[str, list[_Seg]]:
    by_chrom: dict[str, list[_Seg]] = {}
    for seg in segs:
        by_chrom.setdefault(seg.chrom, []).append(seg)
    return by_chrom


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start) + 1)


def _describe(seg: _Seg) -> str:
    values = [f"log2 {seg.log2:g}" if seg.log2 is not None else "",
              f"cn {seg.total:g}" if seg.total is not None else "",
              f"minor {seg.minor:g}" if seg.minor is not None else ""]
    return f"{seg.chrom}:{seg.start}-{seg.end} " + " ".join(v for v in values if v)


def _describe_first(segs: list[_Seg]) -> str:
    return ", ".join(_describe(s) for s in segs[:_MAX_SEGMENTS_SHOWN])


# --- segment state -----------------------------------------------------------------------------

def _par(genome: str, chrom: str, pos: int) -> tuple[str, int] | None:
    """(PAR name, position on X) when the position lies in a pseudoautosomal region."""
    for name, x_start, x_end, y_start, y_end in pseudoautosomal(genome):
        if chrom == "X" and x_start <= pos <= x_end:
            return name, pos
        if chrom == "Y" and y_start <= pos <= y_end:
            return name, pos - y_start + x_start
    return None


def baseline(genome: str, chrom: str, pos: int, sex: str | None) -> int | None:
    """Expected copies: 2 for autosomes and PARs; X/Y by sex; None when it cannot be told."""
    if chrom not in ("X", "Y"):
        return 2
    if _par(genome, chrom, pos):
        return 2 if chrom == "X" else None  # PAR copy number is judged on X
    if sex == "male":
        return 1
    if sex == "female":
        return 2 if chrom == "X" else None
    return None


def segment_state(seg: _Seg, base: int, purity: float | None) -> tuple[str, str] | None:
    """(state, basis): state deep_deletion|loss|neutral|gain|amplification, basis total_cn|log2."""
    if seg.total is not None:
        return _total_cn_state(seg.total, base), "total_cn"
    if seg.log2 is None:
        return None
    return _log2_state(adjusted_log2(seg.log2, base, purity)), "log2"


def _total_cn_state(cn: float, base: int) -> str:
    p = cn_parameters()
    if cn <= p["cn_deep_deletion_max"]:
        return "deep_deletion"
    if cn < base - p["cn_loss_margin"]:
        return "loss"
    if cn >= p["cn_amplification_ratio"] * base:
        return "amplification"
    if cn > base + p["cn_gain_margin"]:
        return "gain"
    return "neutral"


def _log2_state(level: float) -> str:
    p = cn_parameters()
    if level <= p["log2_deep_deletion"]:
        return "deep_deletion"
    if level <= p["log2_loss"]:
        return "loss"
    if level <= p["log2_gain"]:
        return "neutral"
    if level <= p["log2_amplification"]:
        return "gain"
    return "amplification"


def adjusted_log2(log2: float, base: int, purity: float | None) -> float:
    """log2 of copies / baseline in the tumour cells.

    A male non-PAR X is about -1 against CNVkit's default reference, so it is shifted first;
    with purity p the observed ratio r = p * C/base + (1 - p) gives C/base = (r - (1 - p)) / p.
    """
    p = cn_parameters()
    if base == 1:
        log2 += p["male_x_log2_offset"]
    if purity is not None and purity >= p["min_purity"] and purity < 1:
        ratio = (2 ** log2 - (1 - purity)) / purity
        return math.log2(max(ratio, 2 ** -10))
    return log2


# --- the sample --------------------------------------------------------------------------------

@dataclass
class _GeneCall:
    gene: Gene
    event_type: str
    basis: str
    segments: list[_Seg]
    fraction: float
    deleted_exons: tuple[int, ...] = ()
    exon_count: int = 0


def cn_events(table, genome: str, sex: str | None = None,
              purity: float | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Copy-number events of one sample, and a QC summary (genes not judged and why)."""
    segs = _segments(table)
    by_chrom = _by_chrom(segs)
    qc: dict[str, Any] = {"segments": len(segs), "genes_not_segmented": [],
                          "genes_in_arm_level_changes": [],
                          "genes_not_judged_sex_unknown": [], "purity_used": None}
    p = cn_parameters()
    if purity is not None and p["min_purity"] <= purity < 1:
        qc["purity_used"] = purity
    calls = _gene_calls(by_chrom, genome, sex, purity, qc)
    events: list[dict[str, Any]] = []
    par1 = _p2ry8_crlf2(by_chrom, genome, purity)
    if par1:
        events.append(par1)
        explained = calls.get("P2RY8")
        if explained and explained.event_type in DELETION_TYPES:
            del calls["P2RY8"]  # the partial P2RY8 loss is the fusion's own breakpoint
    kmt2a = _kmt2a_breakpoints(by_chrom.get("11", []), genome, purity)
    partial = calls.get("KMT2A")
    if kmt2a and partial and partial.event_type == "intragenic_deletion":
        del calls["KMT2A"]  # the partial loss is the rearrangement's own breakpoint
        kmt2a[0]["evidence"] += f"; KMT2A partly lost (gene fraction {partial.fraction:.2f})"
    events.extend(_gene_events(calls, purity))
    events.extend(kmt2a)
    _sort_by_position(events, genome)
    return events, qc


def _gene_calls(by_chrom: dict[str, list[_Seg]], genome: str, sex: str | None,
                purity: float | None, qc: dict[str, Any]) -> dict[str, _GeneCall]:
    """Gene-level calls of the reported genes; genes without one are listed in ``qc``."""
    calls: dict[str, _GeneCall] = {}
    reported = reported_cn_genes()
    for gene in sorted(genes(genome).values(), key=lambda g: (g.chrom, g.start, g.name)):
        if gene.name not in reported or gene.chrom not in CHROMOSOMES:
            continue  # IGH is not listed: its copy number changes with normal VDJ recombination
        base = baseline(genome, gene.chrom, gene.start, sex)
        if base is None:
            qc["genes_not_judged_sex_unknown"].append(gene.name)
            continue
        call = _gene_call(gene, by_chrom.get(gene.chrom, []), base, purity, genome)
        if call == NOT_SEGMENTED:
            qc["genes_not_segmented"].append(gene.name)
        elif call == ARM_LEVEL:
            qc["genes_in_arm_level_changes"].append(gene.name)
        elif call is not None:
            calls[gene.name] = call
    return calls


def _sort_by_position(events: list[dict[str, Any]], genome: str) -> None:
    """Genome order of the event's gene (unknown genes last), then gene, label, evidence."""
    order = {c: i for i, c in enumerate(CHROMOSOMES)}
    gene_table = genes(genome)

    def position(event: dict[str, Any]) -> tuple:
        gene = gene_table.get(event["gene"])
        return (order.get(gene.chrom, 99), gene.start) if gene else (99, 0)

    events.sort(key=lambda e: (*position(e), e["gene"], e["label"], e["evidence"]))


# --- gene-level calls --------------------------------------------------------------------------

def _gene_call(gene: Gene, segs: list[_Seg], base: int, purity: float | None,
               genome: str) -> _GeneCall | str | None:
    """The gene's call, NOT_SEGMENTED, ARM_LEVEL, or None when its copy number is normal."""
    overlapping = [(s, _overlap(s.start, s.end, gene.start, gene.end)) for s in segs]
    overlapping = [(s, bp) for s, bp in overlapping if bp > 0]
    segmented = sum(bp for _, bp in overlapping)
    if not segmented:
        return NOT_SEGMENTED
    states = [(s, bp, segment_state(s, base, purity)) for s, bp in overlapping]
    states = [(s, bp, st) for s, bp, st in states if st is not None]
    if not states:
        return NOT_SEGMENTED
    deleted = [(s, bp, st) for s, bp, st in states if st[0] in _LOSS_STATES]
    gained = [(s, bp, st) for s, bp, st in states if st[0] in _GAIN_STATES]
    if deleted:
        return _deletion_call(gene, segs, deleted, segmented, base, purity, genome)
    gained_fraction = sum(bp for _, bp, _ in gained) / segmented if gained else 0
    if gained and gained_fraction >= cn_parameters()["gene_whole_fraction"]:
        basis = states[0][2][1]
        return _gain_call(gene, segs, gained, segmented, basis, base, purity, genome)
    return None


def _deletion_call(gene: Gene, segs: list[_Seg], deleted: list, segmented: int, base: int,
                   purity: float | None, genome: str) -> _GeneCall | str:
    fraction = sum(bp for _, bp, _ in deleted) / segmented
    deep = any(st[0] == "deep_deletion" for _, _, st in deleted)
    lost_segments = [s for s, _, _ in deleted]
    if not deep and _is_broad(gene, segs, lost_segments, base, purity, genome):
        return ARM_LEVEL
    if fraction >= cn_parameters()["gene_whole_fraction"]:
        kind = "deep_deletion" if deep else "loss"
    else:
        kind = "intragenic_deletion"
    call = _GeneCall(gene, kind, deleted[0][2][1], lost_segments, fraction)
    return _with_exons(call, genome)


def _gain_call(gene: Gene, segs: list[_Seg], gained: list, segmented: int, basis: str,
               base: int, purity: float | None, genome: str) -> _GeneCall | str:
    gained_segments = [s for s, _, _ in gained]
    if _is_broad(gene, segs, gained_segments, base, purity, genome):
        return ARM_LEVEL
    amplified = sum(bp for _, bp, st in gained if st[0] == "amplification") / segmented
    kind = "amplification" if amplified >= _AMPLIFIED_GENE_FRACTION else "gain"
    return _GeneCall(gene, kind, basis, gained_segments,
                     sum(bp for _, bp, _ in gained) / segmented)


def _direction(seg: _Seg, base: int, purity: float | None) -> str:
    state = segment_state(seg, base, purity)
    if state is None:
        return "unknown"
    return _DIRECTION.get(state[0], "neutral")


def _is_broad(gene: Gene, segs: list[_Seg], seeds: list[_Seg], base: int,
              purity: float | None, genome: str) -> bool:
    """True when the run of same-direction segments holding the gene covers most of its arm.

    Arm-level and whole-chromosome changes belong to the karyotype (the ploidy step), not to
    gene-level events: a monosomy 7 is not an IKZF1 deletion.
    """
    want = _direction(seeds[0], base, purity)
    first, last = segs.index(seeds[0]), segs.index(seeds[-1])
    while first > 0 and _direction(segs[first - 1], base, purity) == want:
        first -= 1
    while last + 1 < len(segs) and _direction(segs[last + 1], base, purity) == want:
        last += 1
    chrom = chromosomes(genome).get(gene.chrom)
    if chrom is None:
        return False
    arm = (1, chrom.centromere_start - 1) if gene.end < chrom.centromere_start else \
        (chrom.centromere_end + 1, chrom.length)
    covered = sum(_overlap(s.start, s.end, *arm) for s in segs[first:last + 1])
    return covered >= cn_parameters()["broad_min_arm_fraction"] * (arm[1] - arm[0] + 1)


def _with_exons(call: _GeneCall, genome: str) -> _GeneCall:
    """Which exons a deletion removes, for genes with exon coordinates in assets/."""
    gene_exons = exons(genome, call.gene.name)
    if not gene_exons:
        return call
    p = cn_parameters()
    lost = tuple(e.number for e in gene_exons
                 if sum(_overlap(s.start, s.end, e.start, e.end) for s in call.segments)
                 >= p["exon_deleted_fraction"] * (e.end - e.start + 1))
    call.deleted_exons, call.exon_count = lost, len(gene_exons)
    if lost and len(lost) == len(gene_exons) and call.event_type == "intragenic_deletion":
        call.event_type = "loss"  # every exon lost: a whole-gene loss whatever the introns do
    elif call.event_type != "intragenic_deletion" and 0 < len(lost) < len(gene_exons):
        call.event_type = "intragenic_deletion"
    return call


# --- gene-level event rows ---------------------------------------------------------------------

def _exon_label(call: _GeneCall) -> str | None:
    lost = call.deleted_exons
    if not lost or len(lost) == call.exon_count:
        return None
    if list(lost) != list(range(lost[0], lost[-1] + 1)):
        return f"{call.gene.name} Δ" + ",".join(str(n) for n in lost)
    return f"{call.gene.name} Δ{lost[0]}" + (f"-{lost[-1]}" if len(lost) > 1 else "")


def _allelic(call: _GeneCall) -> str:
    if call.event_type == "deep_deletion":
        return "biallelic"
    if call.basis == "log2":
        return "unknown (log2 only)"
    if all(s.minor is not None for s in call.segments):
        return "monoallelic"
    return "monoallelic (total CN only)"


def _gene_events(calls: dict[str, _GeneCall], purity: float | None) -> list[dict[str, Any]]:
    """Event rows of the gene calls; CDKN2A and CDKN2B deletions become one event."""
    events = []
    cdkn2ab = _cdkn2ab_event(calls, purity)
    if cdkn2ab:
        events.append(cdkn2ab)
    events.extend(_single_gene_event(call, purity) for call in calls.values())
    return events


def _cdkn2ab_event(calls: dict[str, _GeneCall], purity: float | None) -> dict[str, Any] | None:
    """The ``CDKN2A/B deletion`` event; takes the CDKN2A and CDKN2B deletions out of ``calls``."""
    cdkn = [calls.pop(n) for n in ("CDKN2A", "CDKN2B")
            if n in calls and calls[n].event_type in DELETION_TYPES]
    if not cdkn:
        return None
    worst = min(cdkn, key=lambda c: DELETION_TYPES.index(c.event_type))
    lead = next((c for c in cdkn if c.gene.name == "CDKN2A"), worst)
    details = "; ".join(f"{c.gene.name} {c.event_type} ({_allelic(c)})" for c in cdkn)
    return _cn_event(lead.gene.name, worst.event_type, "CDKN2A/B deletion", worst, purity,
                     f"{details}; allelic={_allelic(worst)}")


def _single_gene_event(call: _GeneCall, purity: float | None) -> dict[str, Any]:
    extra = ""
    if call.deleted_exons:
        extra = f"exons lost={','.join(str(n) for n in call.deleted_exons)} of " \
                f"{call.exon_count}"
    label = _exon_label(call) or f"{call.gene.name} {_TYPE_WORDS[call.event_type]}"
    return _cn_event(call.gene.name, call.event_type, label, call, purity, extra)


def _cn_event(gene: str, event_type: str, label: str, call: _GeneCall, purity: float | None,
              extra: str) -> dict[str, Any]:
    more = f" (+{len(call.segments) - _MAX_SEGMENTS_SHOWN} more)" \
        if len(call.segments) > _MAX_SEGMENTS_SHOWN else ""
    parts = [f"basis={call.basis}", f"segments={_describe_first(call.segments)}{more}",
             f"gene fraction={call.fraction:.2f}"]
    if call.basis == "log2":
        parts.append(f"purity={purity:g}" if purity is not None else "purity=unknown")
    if extra:
        parts.append(extra)
    return {"gene": gene, "event_type": event_type, "partner": "", "label": label,
            "source": "dna_cn", "evidence": "; ".join(parts),
            "confidence": "high" if call.basis == "total_cn" else "medium"}


# --- P2RY8::CRLF2 from a PAR1 deletion ---------------------------------------------------------

def _p2ry8_crlf2(by_chrom: dict[str, list[_Seg]], genome: str,
                 purity: float | None) -> dict[str, Any] | None:
    """A focal PAR1 loss from just past CRLF2 into P2RY8, CRLF2 itself kept (docs/methods.md f)."""
    table = genes(genome)
    crlf2, p2ry8 = table.get("CRLF2"), table.get("P2RY8")
    if crlf2 is None or p2ry8 is None:
        return None
    p = cn_parameters()
    gap_start, gap_end = min(crlf2.end, p2ry8.end) + 1, max(crlf2.start, p2ry8.start) - 1
    for run in _par1_loss_runs(by_chrom, genome, purity):
        start, end = run[0].start, run[-1].end
        lost = sum(_overlap(s.start, s.end, gap_start, gap_end) for s in run)
        crlf2_lost = sum(_overlap(s.start, s.end, crlf2.start, crlf2.end) for s in run)
        if (lost >= p["par1_gap_min_fraction"] * (gap_end - gap_start + 1)
                and crlf2_lost < p["par1_crlf2_max_fraction"] * (crlf2.end - crlf2.start + 1)
                and end - start + 1 <= p["par1_max_deletion_bp"]):
            return {"gene": "CRLF2", "event_type": "fusion", "partner": "P2RY8",
                    "label": P2RY8_CRLF2_DNA_LABEL, "source": "dna_cn",
                    "evidence": _par1_evidence(run, crlf2_lost, p2ry8),
                    "confidence": "medium"}
    return None


def _par1_loss_runs(by_chrom: dict[str, list[_Seg]], genome: str,
                    purity: float | None) -> list[list[_Seg]]:
    """Runs of consecutive lost PAR1 segments of X, then of Y, in chrX coordinates."""
    runs: list[list[_Seg]] = []
    for chrom in ("X", "Y"):
        run: list[_Seg] = []
        for seg in by_chrom.get(chrom, []):
            mapped = _on_x_par1(seg, genome)
            state = segment_state(mapped, 2, purity) if mapped else None
            if state and state[0] in _LOSS_STATES:
                run.append(mapped)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    return runs


def _par1_evidence(run: list[_Seg], crlf2_lost: int, p2ry8: Gene) -> str:
    start, end = run[0].start, run[-1].end
    basis = "total_cn" if all(s.total is not None for s in run) else "log2"
    return (f"basis={basis}; PAR1 loss {run[0].chrom}:{start}-{end} "
            f"({end - start + 1} bp): " + _describe_first(run)
            + f"; CRLF2 kept ({crlf2_lost} bp lost); P2RY8 "
            f"{_overlap(start, end, p2ry8.start, p2ry8.end)} bp lost")


def _on_x_par1(seg: _Seg, genome: str) -> _Seg | None:
    """The part of a segment inside PAR1, in chrX coordinates; None outside PAR1."""
    for name, x_start, x_end, y_start, y_end in pseudoautosomal(genome):
        if name != "PAR1":
            continue
        lo, hi = (x_start, x_end) if seg.chrom == "X" else (y_start, y_end)
        if seg.end < lo or seg.start > hi:
            return None
        shift = 0 if seg.chrom == "X" else x_start - y_start
        return _Seg("X", max(seg.start, lo) + shift, min(seg.end, hi) + shift, seg.log2,
                    seg.total, seg.minor)
    return None


# --- KMT2A rearrangement from a copy-number breakpoint -----------------------------------------

def _kmt2a_breakpoints(segs: list[_Seg], genome: str,
                       purity: float | None) -> list[dict[str, Any]]:
    """Adjacent segments whose boundary falls inside KMT2A with a copy-number step.

    Loss of the 3' part of KMT2A (the reciprocal partner of an unbalanced translocation deleted)
    makes a rearrangement likely; any other step inside the gene makes it possible.
    """
    kmt2a = genes(genome).get("KMT2A")
    if kmt2a is None:
        return []
    forward = _kmt2a_forward(kmt2a)
    found = []
    for left, right in zip(segs, segs[1:], strict=False):
        if not any(kmt2a.start <= pos <= kmt2a.end for pos in (left.end, right.start)):
            continue
        change = _cn_step(left, right)
        if change is None:
            continue
        three_prime_lost = change < 0 if forward else change > 0
        found.append(_kmt2a_breakpoint_event(kmt2a, left, right, three_prime_lost))
    return _merge_breakpoints(found)


def _kmt2a_forward(kmt2a: Gene) -> bool:
    """KMT2A on the forward strand: from the gene table, else from assets/cn_thresholds.tsv."""
    if kmt2a.strand in "+-" and kmt2a.strand:
        return kmt2a.strand == "+"
    return cn_parameters()["kmt2a_forward_strand"] >= 1


def _cn_step(left: _Seg, right: _Seg) -> float | None:
    """The copy-number change from left to right; None when unknown or below the minimum step."""
    p = cn_parameters()
    if left.total is not None and right.total is not None:
        change, minimum = right.total - left.total, p["breakpoint_min_cn_step"]
    elif left.log2 is not None and right.log2 is not None:
        change, minimum = right.log2 - left.log2, p["breakpoint_min_log2_step"]
    else:
        return None
    return None if abs(change) < minimum else change


def _kmt2a_breakpoint_event(kmt2a: Gene, left: _Seg, right: _Seg,
                            three_prime_lost: bool) -> dict[str, Any]:
    return {
        "gene": "KMT2A", "event_type": "rearrangement", "partner": "",
        "label": KMT2A_CN_LIKELY_LABEL if three_prime_lost else KMT2A_CN_LABEL,
        "source": "dna_cn",
        "evidence": (f"copy-number breakpoint inside KMT2A ({kmt2a.chrom}:{kmt2a.start}-"
                     f"{kmt2a.end}) between {_describe(left)} and {_describe(right)}; "
                     + ("3' part of KMT2A lost (likely unbalanced rearrangement)"
                        if three_prime_lost else "possible")
                     + "; confirm by FISH or a structural-variant call"),
        "confidence": "medium" if three_prime_lost else "low"}


def _merge_breakpoints(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One KMT2A event per sample: the most confident breakpoint, the count in evidence."""
    if len(found) <= 1:
        return found
    best = dict(max(found, key=lambda e: CONFIDENCE_RANK[e["confidence"]]))
    best["evidence"] = f"{len(found)} breakpoints inside KMT2A; " + best["evidence"]
    return [best]


# --- step: file in, files out ------------------------------------------------------------------

def run_copynumber(sample: str, path, outdir, genome: str, fmt: str | None,
                   purity: float | None, sex: str | None,
                   file_sample: str | None = None) -> dict[str, Any]:
    """Read one segment file; write <sample>.segments.tsv, .cn_events.tsv, .copynumber.qc.json."""
    from pathlib import Path

    from ..genome import check_genome
    from ..model import SEGMENT_COLUMNS
    from ..readers.segments import read_segment_rows
    from ..writers import write_json, write_tsv

    check_genome(genome)
    table = read_segment_rows(path, fmt, file_sample or sample, genome)  # no pandas import
    events, qc = cn_events(table.rows, genome, sex, purity)
    segments_out = Path(outdir) / f"{sample}.segments.tsv"
    write_tsv(segments_out, SEGMENT_COLUMNS, table.rows, digits=6)
    out = Path(outdir) / f"{sample}.cn_events.tsv"
    write_tsv(out, EVENT_COLUMNS, event_rows(events))
    skipped = table.skipped
    write_json(Path(outdir) / f"{sample}.copynumber.qc.json", {
        "sample": sample, "input": str(path), "format": table.format,
        "file_sample": table.sample, "sex": sex, "purity": purity,
        "events": len(events), "skipped": len(skipped),
        "skipped_records": skipped_records(skipped), **qc,
    })
    return {"path": out, "segments": len(table.rows), "events": len(events),
            "skipped": len(skipped)}
