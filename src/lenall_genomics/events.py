"""Driver events from fusion calls and copy-number segments (model.EVENT_COLUMNS).

Both ``<sample>.fusions.tsv`` and ``<sample>.cn_events.tsv`` have these columns:

- ``gene``: the gene the event is counted for (HGNC symbol; ``IGH`` for the whole locus). For a
  curated fusion the driver gene of ``assets/fusions_curated.tsv`` (CRLF2 for P2RY8::CRLF2 and
  IGH::CRLF2, ABL1 for BCR::ABL1, KMT2A for KMT2A::AFF1, ...); for other fusions the 5' gene.
  ``CDKN2A/B deletion`` is counted for CDKN2A (or CDKN2B when only CDKN2B is deleted).
- Gene-level copy-number events are focal: a loss or gain whose run of segments covers most of
  the chromosome arm (``broad_min_arm_fraction``) is karyotype, left to the ploidy step, and
  listed in the QC file (``genes_in_arm_level_changes``); deep deletions are always reported.
- ``event_type``: fusion (RNA fusion, or the P2RY8::CRLF2 fusion inferred from a PAR1 deletion)
  | rearrangement (a DNA structural variant, or a copy-number breakpoint inside KMT2A)
  | deep_deletion (no copy left) | loss (fewer copies than the baseline over the whole gene)
  | intragenic_deletion (part of the gene lost) | gain | amplification.
- ``partner``: the other fusion gene; empty for copy-number events and unknown partners.
  Intergenic breakpoints are written ``chrom:position``.
- ``label``: what the oncoprint shows: ``5'::3'`` for curated fusions (``P2RY8::CRLF2``,
  ``IGH::CRLF2``, ``BCR::ABL1``, ``KMT2A::AFF1``), ``other`` for every other fusion call,
  ``KMT2A rearrangement`` (DNA SV with a KMT2A breakpoint), ``KMT2A rearrangement (likely,
  from CN breakpoint)`` (3' part of KMT2A lost), ``KMT2A rearrangement (possible, from CN
  breakpoint)`` (any other copy-number step inside KMT2A), ``P2RY8::CRLF2 (inferred from DNA)``, ``IKZF1 Δ4-7`` (exons from
  ``assets/exons_<build>.tsv``), ``CDKN2A/B deletion``, ``<GENE> loss``, ``<GENE> deep deletion``,
  ``<GENE> intragenic deletion``, ``<GENE> gain``, ``<GENE> amplification``.
- ``source``: rna | dna_cn | dna_sv.
- ``evidence``: ``key=value`` pairs separated by ``; ``: fusion name as called, caller, reads
  (split + spanning), breakpoints, caller type, frame, filters, reciprocal call; for copy number
  the basis (total_cn or log2), the segments, copy numbers, purity and allelic state.
- ``confidence``: high | medium | low. Fusions: the caller's own confidence (Arriba high/medium/
  low, Archer strong/weak, VCF FILTER PASS = high, other = low), empty (``.``) when the caller
  gives none. Copy number: high from absolute copy number, medium from log2; the KMT2A
  rearrangement from a copy-number breakpoint is medium when likely, low when possible.

Rules are data: ``assets/fusions_curated.tsv``, ``assets/fusion_gene_aliases.tsv``,
``assets/cn_thresholds.tsv``, ``assets/pseudoautosomal_regions.tsv``.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from .assets import asset
from .genome import CHROMOSOMES, Gene, exons, genes
from .model import EVENT_COLUMNS
from .readers.fusions import SV_CALLERS

EVENT_TYPES = ("fusion", "rearrangement", "deep_deletion", "loss", "intragenic_deletion", "gain",
               "amplification")
DELETION_TYPES = ("deep_deletion", "loss", "intragenic_deletion")
CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1, "": 0}
KMT2A_CN_LABEL = "KMT2A rearrangement (possible, from CN breakpoint)"
KMT2A_CN_LIKELY_LABEL = "KMT2A rearrangement (likely, from CN breakpoint)"
P2RY8_CRLF2_DNA_LABEL = "P2RY8::CRLF2 (inferred from DNA)"


# --- asset tables ------------------------------------------------------------------------------

def _asset_rows(name: str) -> list[dict[str, str]]:
    with open(asset(name), encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#") and line.strip())
        return list(csv.DictReader(lines, delimiter="\t"))


@dataclass(frozen=True)
class CuratedFusion:
    gene5: str
    gene3: str
    driver: str  # "5" or "3"
    category: str
    rescue: bool
    source: str

    def matches(self, gene5: str, gene3: str) -> bool:
        return (gene5 != gene3 and self.gene5 in ("*", gene5) and self.gene3 in ("*", gene3))

    @property
    def exact(self) -> bool:
        return "*" not in (self.gene5, self.gene3)


@cache
def curated_fusions() -> tuple[CuratedFusion, ...]:
    rows = [CuratedFusion(r["gene5"], r["gene3"], r["driver"], r["category"],
                          r["rescue"].strip().lower() == "yes", r["source"])
            for r in _asset_rows("fusions_curated.tsv")]
    return tuple(sorted(rows, key=lambda r: not r.exact))  # exact rows are tried first


@cache
def gene_aliases() -> dict[str, str]:
    return {r["alias"].upper(): r["symbol"] for r in _asset_rows("fusion_gene_aliases.tsv")}


@cache
def cn_parameters() -> dict[str, float]:
    return {r["parameter"]: float(r["value"]) for r in _asset_rows("cn_thresholds.tsv")}


@cache
def reported_cn_genes() -> frozenset[str]:
    """Genes with gene-level copy-number events (assets/cn_genes.tsv, with sources)."""
    return frozenset(r["gene"] for r in _asset_rows("cn_genes.tsv"))


@cache
def pseudoautosomal(genome: str) -> tuple[tuple[str, int, int, int, int], ...]:
    """(name, x_start, x_end, y_start, y_end) of each PAR in the build."""
    return tuple((r["name"], int(r["start"]), int(r["end"]), int(r["y_start"]), int(r["y_end"]))
                 for r in _asset_rows("pseudoautosomal_regions.tsv") if r["genome"] == genome)


def curated_match(gene5: str, gene3: str) -> CuratedFusion | None:
    return next((c for c in curated_fusions() if c.matches(gene5, gene3)), None)


# --- gene names --------------------------------------------------------------------------------

# IGHV3-23, IGHD2-2, IGHJ4, IGHM, IGHG1, IGHA2, IGHE, IGHEP1, IGHGP, IGH@, IGH@-ext (STAR-Fusion),
# IGH-@ (not IGHMBP2)
_IGH_GENE = re.compile(r"^IGH(@.*|-@.*|[VDJ][A-Z0-9/\-.]*|M|D|E|EP1|GP|G[1-4]|A[12])$")
_DISTANCE = re.compile(r"^(.*?)\((-?\d+)\)$")


def in_igh_locus(genome: str, chrom: str, pos: int) -> bool:
    locus = genes(genome).get("IGH")
    return bool(locus and pos and chrom == locus.chrom and locus.start <= pos <= locus.end)


def normalize_gene(name: str, genome: str, chrom: str = "", pos: int = 0) -> str:
    """One HGNC-style symbol for a caller's gene field; IGH for the IGH locus; '' if none.

    Handles Arriba's intergenic lists ``A(123),B(456)`` (nearest gene wins), Ensembl suffixes
    (``A^ENSG...``), ``;``-joined gene lists, aliases (MLL -> KMT2A) and IGH segment genes.
    """
    if in_igh_locus(genome, chrom, pos):
        return "IGH"
    candidates: list[tuple[int, int, str]] = []
    for index, part in enumerate(re.split(r"[,;]", name or "")):
        part = part.strip().split("^")[0]
        distance = 0
        found = _DISTANCE.match(part)
        if found:
            part, distance = found.group(1).strip(), abs(int(found.group(2)))
        if part in ("", ".", "NA", "-"):
            continue
        symbol = gene_aliases().get(part.upper(), part)
        if _IGH_GENE.match(symbol.upper()):
            return "IGH"
        candidates.append((distance, index, symbol))
    return min(candidates)[2] if candidates else ""


# --- fusions -----------------------------------------------------------------------------------

def fusion_events(calls, genome: str) -> list[dict[str, Any]]:
    """Normalize a fusion call table (readers.fusions.CALL_COLUMNS) into event rows."""
    prepared = []
    for call in calls.to_dict("records"):
        gene5 = normalize_gene(call["gene5"], genome, call["chrom5"], int(call["pos5"]))
        gene3 = normalize_gene(call["gene3"], genome, call["chrom3"], int(call["pos3"]))
        gene5 = gene5 or _place(call["chrom5"], call["pos5"])
        gene3 = gene3 or _place(call["chrom3"], call["pos3"])
        prepared.append((gene5, gene3, call))
    groups: dict[tuple[str, ...], list[tuple[str, str, dict]]] = {}
    for gene5, gene3, call in prepared:
        groups.setdefault(tuple(sorted((gene5, gene3))), []).append((gene5, gene3, call))
    events = [_fusion_event(members) for members in groups.values()]
    return sorted(events, key=lambda e: (e["label"] == "other", e["gene"], e["partner"],
                                         e["label"], e["evidence"]))


def _place(chrom: str, pos: Any) -> str:
    return f"{chrom}:{int(pos)}" if chrom and int(pos or 0) else "intergenic"


def _reads(call: dict) -> int:
    return max(int(call["split_reads"]), 0) + max(int(call["spanning_reads"]), 0)


def _orientation(members: list[tuple[str, str, dict]]) -> tuple[str, str, CuratedFusion | None]:
    """The 5'::3' order of a group: a curated order first, else the best-supported call."""
    for gene5, gene3, call in members:
        hit = curated_match(gene5, gene3)
        if hit:
            return gene5, gene3, hit
        if not call["oriented"]:
            hit = curated_match(gene3, gene5)
            if hit:
                return gene3, gene5, hit
    support: dict[tuple[str, str], int] = {}
    for gene5, gene3, call in members:
        support[(gene5, gene3)] = support.get((gene5, gene3), 0) + _reads(call)
    best = max(support.items(), key=lambda item: item[1])[0]  # ties: first seen (dict order)
    return best[0], best[1], None


def _fusion_event(members: list[tuple[str, str, dict]]) -> dict[str, Any]:
    gene5, gene3, curated = _orientation(members)
    main = [c for g5, g3, c in members if (g5, g3) == (gene5, gene3) or not c["oriented"]]
    reciprocal = [c for g5, g3, c in members if c["oriented"] and (g5, g3) != (gene5, gene3)]
    calls = [c for _, _, c in members]
    dna = all(c["caller"] in SV_CALLERS for c in calls)
    source = "dna_sv" if dna else "rna"
    confidence = max((c["confidence"] for c in calls), key=lambda v: CONFIDENCE_RANK.get(v, 0))
    discarded = all(c["discarded"] for c in calls)
    notes = []
    if curated and discarded and not curated.rescue:
        notes.append(f"curated {gene5}::{gene3} but discarded by the caller")
        curated = None
    elif curated and (discarded or confidence == "low" or "read-through" in
                      " ".join(str(c["sv_type"]) for c in calls)) and curated.rescue:
        notes.append("whitelisted: a curated driver kept although the caller rated it low, "
                     "read-through or discarded")
    gene, partner, label = gene5, gene3, "other"
    if curated:
        gene, partner = (gene5, gene3) if curated.driver == "5" else (gene3, gene5)
        label = f"{gene5}::{gene3}"
    if dna and "KMT2A" in (gene5, gene3) and gene5 != gene3:
        gene, partner = "KMT2A", gene3 if gene5 == "KMT2A" else gene5
        label = label if curated and curated.exact else "KMT2A rearrangement"
    evidence = _fusion_evidence(gene5, gene3, main, reciprocal, dna, discarded, notes)
    return {"gene": gene, "event_type": "rearrangement" if dna else "fusion",
            "partner": partner, "label": label, "source": source, "evidence": evidence,
            "confidence": confidence}


def _fusion_evidence(gene5: str, gene3: str, main: list[dict], reciprocal: list[dict],
                     dna: bool, discarded: bool, notes: list[str]) -> str:
    split = sum(max(int(c["split_reads"]), 0) for c in main)
    spanning = sum(max(int(c["spanning_reads"]), 0) for c in main)
    unknown = all(int(c["split_reads"]) < 0 and int(c["spanning_reads"]) < 0 for c in main)
    called = sorted({f"{c['gene5'] or '.'}::{c['gene3'] or '.'}" for c in main})
    parts = [f"fusion={gene5}::{gene3}", f"called={','.join(called)}",
             f"caller={','.join(sorted({str(c['caller']) for c in main}))}",
             "reads=." if unknown else f"reads={split + spanning} (split {split}, spanning "
                                      f"{spanning})"]
    breakpoints = [f"{c['chrom5']}:{c['pos5']}>{c['chrom3']}:{c['pos3']}" for c in main
                   if c["chrom5"]]
    if breakpoints:
        shown = ",".join(breakpoints[:3]) + (f",+{len(breakpoints) - 3} more"
                                             if len(breakpoints) > 3 else "")
        parts.append(f"breakpoints={shown}")
    for name in ("sv_type", "frame", "filters"):
        values = sorted({str(c[name]) for c in main if str(c[name])})
        if values:
            parts.append(f"{'type' if name == 'sv_type' else name}={'|'.join(values)[:200]}")
    if reciprocal:
        parts.append(f"reciprocal={gene3}::{gene5} ({sum(_reads(c) for c in reciprocal)} reads)")
    if dna:
        parts.append("orientation=from curated table or breakpoint order (DNA)")
    elif not all(c["oriented"] for c in main):
        parts.append("orientation=unknown")
    if discarded:
        parts.append("discarded by the caller")
    parts.extend(notes)
    return "; ".join(p.replace("\t", " ") for p in parts)


# --- copy number -------------------------------------------------------------------------------

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
    return [_Seg(str(r["chrom"]), int(r["start"]), int(r["end"]), _value(r["log2"]),
                 _value(r["total_cn"]), _value(r["minor_cn"])) for r in table.to_dict("records")]


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
    p = cn_parameters()
    if seg.total is not None:
        cn = seg.total
        if cn <= p["cn_deep_deletion_max"]:
            return "deep_deletion", "total_cn"
        if cn < base - p["cn_loss_margin"]:
            return "loss", "total_cn"
        if cn >= p["cn_amplification_ratio"] * base:
            return "amplification", "total_cn"
        if cn > base + p["cn_gain_margin"]:
            return "gain", "total_cn"
        return "neutral", "total_cn"
    if seg.log2 is None:
        return None
    level = adjusted_log2(seg.log2, base, purity)
    if level <= p["log2_deep_deletion"]:
        return "deep_deletion", "log2"
    if level <= p["log2_loss"]:
        return "loss", "log2"
    if level <= p["log2_gain"]:
        return "neutral", "log2"
    if level <= p["log2_amplification"]:
        return "gain", "log2"
    return "amplification", "log2"


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


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start) + 1)


def _describe(seg: _Seg) -> str:
    values = [f"log2 {seg.log2:g}" if seg.log2 is not None else "",
              f"cn {seg.total:g}" if seg.total is not None else "",
              f"minor {seg.minor:g}" if seg.minor is not None else ""]
    return f"{seg.chrom}:{seg.start}-{seg.end} " + " ".join(v for v in values if v)


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
    by_chrom: dict[str, list[_Seg]] = {}
    for seg in segs:
        by_chrom.setdefault(seg.chrom, []).append(seg)
    qc: dict[str, Any] = {"segments": len(segs), "genes_not_segmented": [],
                          "genes_in_arm_level_changes": [],
                          "genes_not_judged_sex_unknown": [], "purity_used": None}
    p = cn_parameters()
    if purity is not None and p["min_purity"] <= purity < 1:
        qc["purity_used"] = purity
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
        if call == "not segmented":
            qc["genes_not_segmented"].append(gene.name)
        elif call == "broad":
            qc["genes_in_arm_level_changes"].append(gene.name)
        elif call is not None:
            calls[gene.name] = call
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
    order = {c: i for i, c in enumerate(CHROMOSOMES)}
    gene_table = genes(genome)

    def position(event: dict[str, Any]) -> tuple:
        gene = gene_table.get(event["gene"])
        return (order.get(gene.chrom, 99), gene.start) if gene else (99, 0)

    events.sort(key=lambda e: (*position(e), e["gene"], e["label"], e["evidence"]))
    return events, qc


def _gene_call(gene: Gene, segs: list[_Seg], base: int, purity: float | None,
               genome: str) -> _GeneCall | str | None:
    p = cn_parameters()
    overlapping = [(s, _overlap(s.start, s.end, gene.start, gene.end)) for s in segs]
    overlapping = [(s, bp) for s, bp in overlapping if bp > 0]
    segmented = sum(bp for _, bp in overlapping)
    if not segmented:
        return "not segmented"
    states = [(s, bp, segment_state(s, base, purity)) for s, bp in overlapping]
    states = [(s, bp, st) for s, bp, st in states if st is not None]
    if not states:
        return "not segmented"
    deleted = [(s, bp, st) for s, bp, st in states if st[0] in ("deep_deletion", "loss")]
    gained = [(s, bp, st) for s, bp, st in states if st[0] in ("gain", "amplification")]
    basis = states[0][2][1]
    if deleted:
        fraction = sum(bp for _, bp, _ in deleted) / segmented
        deep = any(st[0] == "deep_deletion" for _, _, st in deleted)
        if not deep and _is_broad(gene, segs, [s for s, _, _ in deleted], base, purity, genome):
            return "broad"
        kind = ("deep_deletion" if deep else "loss") if fraction >= p["gene_whole_fraction"] \
            else "intragenic_deletion"
        call = _GeneCall(gene, kind, deleted[0][2][1], [s for s, _, _ in deleted], fraction)
        return _with_exons(call, genome)
    if gained and sum(bp for _, bp, _ in gained) / segmented >= p["gene_whole_fraction"]:
        if _is_broad(gene, segs, [s for s, _, _ in gained], base, purity, genome):
            return "broad"
        amp = sum(bp for _, bp, st in gained if st[0] == "amplification") / segmented >= 0.5
        return _GeneCall(gene, "amplification" if amp else "gain", basis,
                         [s for s, _, _ in gained], sum(bp for _, bp, _ in gained) / segmented)
    return None


def _is_broad(gene: Gene, segs: list[_Seg], seeds: list[_Seg], base: int,
              purity: float | None, genome: str) -> bool:
    """True when the run of same-direction segments holding the gene covers most of its arm.

    Arm-level and whole-chromosome changes belong to the karyotype (the ploidy step), not to
    gene-level events: a monosomy 7 is not an IKZF1 deletion.
    """
    from .genome import chromosomes

    def direction(seg: _Seg) -> str:
        state = segment_state(seg, base, purity)
        if state is None:
            return "unknown"
        return {"deep_deletion": "down", "loss": "down", "gain": "up",
                "amplification": "up"}.get(state[0], "neutral")

    want = direction(seeds[0])
    first, last = segs.index(seeds[0]), segs.index(seeds[-1])
    while first > 0 and direction(segs[first - 1]) == want:
        first -= 1
    while last + 1 < len(segs) and direction(segs[last + 1]) == want:
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
    events = []
    cdkn = [calls.pop(n) for n in ("CDKN2A", "CDKN2B")
            if n in calls and calls[n].event_type in DELETION_TYPES]
    if cdkn:
        worst = min(cdkn, key=lambda c: DELETION_TYPES.index(c.event_type))
        lead = next((c for c in cdkn if c.gene.name == "CDKN2A"), worst)
        details = "; ".join(f"{c.gene.name} {c.event_type} ({_allelic(c)})" for c in cdkn)
        events.append(_cn_event(lead.gene.name, worst.event_type, "CDKN2A/B deletion", worst,
                                purity, f"{details}; allelic={_allelic(worst)}"))
    for call in calls.values():
        label = {"deep_deletion": "deep deletion", "loss": "loss",
                 "intragenic_deletion": "intragenic deletion", "gain": "gain",
                 "amplification": "amplification"}[call.event_type]
        extra = ""
        if call.deleted_exons:
            extra = f"exons lost={','.join(str(n) for n in call.deleted_exons)} of " \
                    f"{call.exon_count}"
        events.append(_cn_event(call.gene.name, call.event_type,
                                _exon_label(call) or f"{call.gene.name} {label}", call, purity,
                                extra))
    return events


def _cn_event(gene: str, event_type: str, label: str, call: _GeneCall, purity: float | None,
              extra: str) -> dict[str, Any]:
    segs = ", ".join(_describe(s) for s in call.segments[:4])
    more = f" (+{len(call.segments) - 4} more)" if len(call.segments) > 4 else ""
    parts = [f"basis={call.basis}", f"segments={segs}{more}",
             f"gene fraction={call.fraction:.2f}"]
    if call.basis == "log2":
        parts.append(f"purity={purity:g}" if purity is not None else "purity=unknown")
    if extra:
        parts.append(extra)
    return {"gene": gene, "event_type": event_type, "partner": "", "label": label,
            "source": "dna_cn", "evidence": "; ".join(parts),
            "confidence": "high" if call.basis == "total_cn" else "medium"}


def _p2ry8_crlf2(by_chrom: dict[str, list[_Seg]], genome: str,
                 purity: float | None) -> dict[str, Any] | None:
    """A focal PAR1 loss from just past CRLF2 into P2RY8, CRLF2 itself kept (docs/methods.md f)."""
    table = genes(genome)
    crlf2, p2ry8 = table.get("CRLF2"), table.get("P2RY8")
    if crlf2 is None or p2ry8 is None:
        return None
    p = cn_parameters()
    gap_start, gap_end = min(crlf2.end, p2ry8.end) + 1, max(crlf2.start, p2ry8.start) - 1
    runs: list[list[_Seg]] = []
    for chrom in ("X", "Y"):
        run: list[_Seg] = []
        for seg in by_chrom.get(chrom, []):
            mapped = _on_x_par1(seg, genome)
            state = segment_state(mapped, 2, purity) if mapped else None
            if state and state[0] in ("deep_deletion", "loss"):
                run.append(mapped)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    for run in runs:
        start, end = run[0].start, run[-1].end
        lost = sum(_overlap(s.start, s.end, gap_start, gap_end) for s in run)
        crlf2_lost = sum(_overlap(s.start, s.end, crlf2.start, crlf2.end) for s in run)
        if (lost >= p["par1_gap_min_fraction"] * (gap_end - gap_start + 1)
                and crlf2_lost < p["par1_crlf2_max_fraction"] * (crlf2.end - crlf2.start + 1)
                and end - start + 1 <= p["par1_max_deletion_bp"]):
            basis = "total_cn" if all(s.total is not None for s in run) else "log2"
            evidence = (f"basis={basis}; PAR1 loss {run[0].chrom}:{start}-{end} "
                        f"({end - start + 1} bp): " + ", ".join(_describe(s) for s in run[:4])
                        + f"; CRLF2 kept ({crlf2_lost} bp lost); P2RY8 "
                        f"{_overlap(start, end, p2ry8.start, p2ry8.end)} bp lost")
            return {"gene": "CRLF2", "event_type": "fusion", "partner": "P2RY8",
                    "label": P2RY8_CRLF2_DNA_LABEL, "source": "dna_cn", "evidence": evidence,
                    "confidence": "medium"}
    return None


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


def _kmt2a_breakpoints(segs: list[_Seg], genome: str,
                       purity: float | None) -> list[dict[str, Any]]:
    """Adjacent segments whose boundary falls inside KMT2A with a copy-number step.

    Loss of the 3' part of KMT2A (the reciprocal partner of an unbalanced translocation deleted)
    makes a rearrangement likely; any other step inside the gene makes it possible.
    """
    kmt2a = genes(genome).get("KMT2A")
    if kmt2a is None:
        return []
    p = cn_parameters()
    forward = kmt2a.strand == "+" if kmt2a.strand in "+-" and kmt2a.strand else \
        p["kmt2a_forward_strand"] >= 1
    found = []
    for left, right in zip(segs, segs[1:], strict=False):
        if not any(kmt2a.start <= pos <= kmt2a.end for pos in (left.end, right.start)):
            continue
        if left.total is not None and right.total is not None:
            change, minimum = right.total - left.total, p["breakpoint_min_cn_step"]
        elif left.log2 is not None and right.log2 is not None:
            change, minimum = right.log2 - left.log2, p["breakpoint_min_log2_step"]
        else:
            continue
        if abs(change) < minimum:
            continue
        three_prime_lost = change < 0 if forward else change > 0
        found.append({
            "gene": "KMT2A", "event_type": "rearrangement", "partner": "",
            "label": KMT2A_CN_LIKELY_LABEL if three_prime_lost else KMT2A_CN_LABEL,
            "source": "dna_cn",
            "evidence": (f"copy-number breakpoint inside KMT2A ({kmt2a.chrom}:{kmt2a.start}-"
                         f"{kmt2a.end}) between {_describe(left)} and {_describe(right)}; "
                         + ("3' part of KMT2A lost (likely unbalanced rearrangement)"
                            if three_prime_lost else "possible")
                         + "; confirm by FISH or a structural-variant call"),
            "confidence": "medium" if three_prime_lost else "low"})
    return _merge_breakpoints(found)


def _merge_breakpoints(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One KMT2A event per sample: the most confident breakpoint, the count in evidence."""
    if len(found) <= 1:
        return found
    best = dict(max(found, key=lambda e: CONFIDENCE_RANK[e["confidence"]]))
    best["evidence"] = f"{len(found)} breakpoints inside KMT2A; " + best["evidence"]
    return [best]


def event_rows(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events restricted to model.EVENT_COLUMNS, in their given order."""
    return [{c: e.get(c, "") for c in EVENT_COLUMNS} for e in events]


# --- steps: files in, files out ----------------------------------------------------------------

def run_fusions(sample: str, path, outdir, genome: str, fmt: str | None) -> dict[str, Any]:
    """Read one fusion file, write <outdir>/<sample>.fusions.tsv (+ .fusions.qc.json)."""
    from pathlib import Path

    from .genome import check_genome
    from .readers.fusions import read_fusions
    from .writers import write_json, write_tsv

    check_genome(genome)
    calls = read_fusions(path, fmt, genome)
    events = fusion_events(calls, genome)
    out = Path(outdir) / f"{sample}.fusions.tsv"
    write_tsv(out, EVENT_COLUMNS, event_rows(events))
    skipped = calls.attrs.get("skipped", [])
    write_json(Path(outdir) / f"{sample}.fusions.qc.json", {
        "sample": sample, "input": str(path), "format": calls.attrs.get("format"),
        "calls": len(calls), "events": len(events),
        "drivers": sum(e["label"] != "other" for e in events),
        "skipped": len(skipped),
        "skipped_records": [{"line": n, "reason": r} for n, r in skipped[:1000]],
    })
    return {"path": out, "calls": len(calls), "events": len(events),
            "drivers": sum(e["label"] != "other" for e in events), "skipped": len(skipped)}


def run_copynumber(sample: str, path, outdir, genome: str, fmt: str | None,
                   purity: float | None, sex: str | None,
                   file_sample: str | None = None) -> dict[str, Any]:
    """Read one segment file; write <sample>.segments.tsv, .cn_events.tsv, .copynumber.qc.json."""
    from pathlib import Path

    from .genome import check_genome
    from .model import SEGMENT_COLUMNS
    from .readers.segments import read_segments
    from .writers import write_json, write_tsv

    check_genome(genome)
    table = read_segments(path, fmt, file_sample or sample, genome)
    events, qc = cn_events(table, genome, sex, purity)
    segments_out = Path(outdir) / f"{sample}.segments.tsv"
    write_tsv(segments_out, SEGMENT_COLUMNS, table.to_dict("records"), digits=6)
    out = Path(outdir) / f"{sample}.cn_events.tsv"
    write_tsv(out, EVENT_COLUMNS, event_rows(events))
    skipped = table.attrs.get("skipped", [])
    write_json(Path(outdir) / f"{sample}.copynumber.qc.json", {
        "sample": sample, "input": str(path), "format": table.attrs.get("format"),
        "file_sample": table.attrs.get("sample"), "sex": sex, "purity": purity,
        "events": len(events), "skipped": len(skipped),
        "skipped_records": [{"line": n, "reason": r} for n, r in skipped[:1000]], **qc,
    })
    return {"path": out, "segments": len(table), "events": len(events), "skipped": len(skipped)}
