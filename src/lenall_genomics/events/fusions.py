"""Fusion events: caller gene names normalised, reciprocal calls merged, curated drivers labelled.

Input is a call table of readers.fusions (CALL_COLUMNS); output rows follow model.EVENT_COLUMNS.
"""

from __future__ import annotations

import re
from typing import Any

from ..genome import genes
from ..model import EVENT_COLUMNS
from ..readers.fusions import SV_CALLERS
from .rows import CONFIDENCE_RANK, event_rows, skipped_records
from .tables import CuratedFusion, curated_match, gene_aliases

# A call with its normalised 5' and 3' genes.
Member = tuple[str, str, dict]

# IGHV3-23, IGHD2-2, IGHJ4, IGHM, IGHG1, IGHA2, IGHE, IGHEP1, IGHGP, IGH@, IGH@-ext (STAR-Fusion),
# IGH-@ (not IGHMBP2)
_IGH_GENE = re.compile(r"^IGH(@.*|-@.*|[VDJ][A-Z0-9/\-.]*|M|D|E|EP1|GP|G[1-4]|A[12])$")
_DISTANCE = re.compile(r"^(.*?)\((-?\d+)\)$")
_MISSING_GENE = ("", ".", "NA", "-")
_MAX_BREAKPOINTS_SHOWN = 3
_MAX_FIELD_CHARS = 200


# --- gene names --------------------------------------------------------------------------------

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
        part, distance = _gene_and_distance(part)
        if part in _MISSING_GENE:
            continue
        symbol = gene_aliases().get(part.upper(), part)
        if _IGH_GENE.match(symbol.upper()):
            return "IGH"
        candidates.append((distance, index, symbol))
    return min(candidates)[2] if candidates else ""


def _gene_and_distance(part: str) -> tuple[str, int]:
    """``A^ENSG..`` -> (A, 0); Arriba's intergenic ``A(-123)`` -> (A, 123)."""
    part = part.strip().split("^")[0]
    found = _DISTANCE.match(part)
    if found:
        return found.group(1).strip(), abs(int(found.group(2)))
    return part, 0


def _place(chrom: str, pos: Any) -> str:
    return f"{chrom}:{int(pos)}" if chrom and int(pos or 0) else "intergenic"


def _partner_name(call: dict, end: str, genome: str) -> str:
    """The normalised gene at one end (``5`` or ``3``) of a call, else its position."""
    chrom, pos = call[f"chrom{end}"], call[f"pos{end}"]
    return normalize_gene(call[f"gene{end}"], genome, chrom, int(pos)) or _place(chrom, pos)


# --- events ------------------------------------------------------------------------------------

def fusion_events(calls, genome: str) -> list[dict[str, Any]]:
    """Normalize fusion calls (dicts with readers.fusions.CALL_COLUMNS, or read_fusions' table)
    into event rows."""
    records = calls.to_dict("records") if hasattr(calls, "to_dict") else calls
    members = [(_partner_name(call, "5", genome), _partner_name(call, "3", genome), call)
               for call in records]
    events = [_fusion_event(group) for group in _group_by_gene_pair(members).values()]
    return sorted(events, key=lambda e: (e["label"] == "other", e["gene"], e["partner"],
                                         e["label"], e["evidence"]))


def _group_by_gene_pair(members: list[Member]) -> dict[tuple[str, ...], list[Member]]:
    """Calls of the same two genes, in either order (a fusion and its reciprocal), together."""
    groups: dict[tuple[str, ...], list[Member]] = {}
    for gene5, gene3, call in members:
        groups.setdefault(tuple(sorted((gene5, gene3))), []).append((gene5, gene3, call))
    return groups


def _reads(call: dict) -> int:
    return max(int(call["split_reads"]), 0) + max(int(call["spanning_reads"]), 0)


def _orientation(members: list[Member]) -> tuple[str, str, CuratedFusion | None]:
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


def _fusion_event(members: list[Member]) -> dict[str, Any]:
    gene5, gene3, curated = _orientation(members)
    main = [c for g5, g3, c in members if (g5, g3) == (gene5, gene3) or not c["oriented"]]
    reciprocal = [c for g5, g3, c in members if c["oriented"] and (g5, g3) != (gene5, gene3)]
    calls = [c for _, _, c in members]
    dna = all(c["caller"] in SV_CALLERS for c in calls)
    confidence = _best_confidence(calls)
    discarded = all(c["discarded"] for c in calls)
    curated, notes = _curation(curated, gene5, gene3, calls, confidence, discarded)
    gene, partner, label = _driver_and_label(gene5, gene3, curated, dna)
    evidence = _fusion_evidence(gene5, gene3, main, reciprocal, dna, discarded, notes)
    return {"gene": gene, "event_type": "rearrangement" if dna else "fusion",
            "partner": partner, "label": label, "source": "dna_sv" if dna else "rna",
            "evidence": evidence, "confidence": confidence}


def _best_confidence(calls: list[dict]) -> str:
    return max((c["confidence"] for c in calls), key=lambda v: CONFIDENCE_RANK.get(v, 0))


def _curation(curated: CuratedFusion | None, gene5: str, gene3: str, calls: list[dict],
              confidence: str, discarded: bool) -> tuple[CuratedFusion | None, list[str]]:
    """The curated row still applying, and notes when the caller's own verdict was overridden.

    A fusion the caller discarded stays curated only when the table allows rescuing it.
    """
    if curated and discarded and not curated.rescue:
        return None, [f"curated {gene5}::{gene3} but discarded by the caller"]
    read_through = "read-through" in " ".join(str(c["sv_type"]) for c in calls)
    if curated and (discarded or confidence == "low" or read_through) and curated.rescue:
        return curated, ["whitelisted: a curated driver kept although the caller rated it low, "
                         "read-through or discarded"]
    return curated, []


def _driver_and_label(gene5: str, gene3: str, curated: CuratedFusion | None,
                      dna: bool) -> tuple[str, str, str]:
    """(gene counted, partner, oncoprint label) of a fusion."""
    gene, partner, label = gene5, gene3, "other"
    if curated:
        gene, partner = (gene5, gene3) if curated.driver == "5" else (gene3, gene5)
        label = f"{gene5}::{gene3}"
    if dna and "KMT2A" in (gene5, gene3) and gene5 != gene3:
        gene, partner = "KMT2A", gene3 if gene5 == "KMT2A" else gene5
        label = label if curated and curated.exact else "KMT2A rearrangement"
    return gene, partner, label


# --- evidence ----------------------------------------------------------------------------------

def _fusion_evidence(gene5: str, gene3: str, main: list[dict], reciprocal: list[dict],
                     dna: bool, discarded: bool, notes: list[str]) -> str:
    called = sorted({f"{c['gene5'] or '.'}::{c['gene3'] or '.'}" for c in main})
    parts = [f"fusion={gene5}::{gene3}", f"called={','.join(called)}",
             f"caller={','.join(sorted({str(c['caller']) for c in main}))}",
             _reads_evidence(main)]
    breakpoints = _breakpoints_evidence(main)
    if breakpoints:
        parts.append(breakpoints)
    parts.extend(_caller_field_evidence(main))
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


def _reads_evidence(main: list[dict]) -> str:
    """Supporting reads; ``.`` when no call of the group gives a read count."""
    split = sum(max(int(c["split_reads"]), 0) for c in main)
    spanning = sum(max(int(c["spanning_reads"]), 0) for c in main)
    if all(int(c["split_reads"]) < 0 and int(c["spanning_reads"]) < 0 for c in main):
        return "reads=."
    return f"reads={split + spanning} (split {split}, spanning {spanning})"


def _breakpoints_evidence(main: list[dict]) -> str:
    breakpoints = [f"{c['chrom5']}:{c['pos5']}>{c['chrom3']}:{c['pos3']}" for c in main
                   if c["chrom5"]]
    if not breakpoints:
        return ""
    shown = ",".join(breakpoints[:_MAX_BREAKPOINTS_SHOWN])
    if len(breakpoints) > _MAX_BREAKPOINTS_SHOWN:
        shown += f",+{len(breakpoints) - _MAX_BREAKPOINTS_SHOWN} more"
    return f"breakpoints={shown}"


def _caller_field_evidence(main: list[dict]) -> list[str]:
    """The caller's type, frame and filter values of the group, each capped in length."""
    parts = []
    for name in ("sv_type", "frame", "filters"):
        values = sorted({str(c[name]) for c in main if str(c[name])})
        if values:
            shown_name = "type" if name == "sv_type" else name
            parts.append(f"{shown_name}={'|'.join(values)[:_MAX_FIELD_CHARS]}")
    return parts


# --- step: file in, files out ------------------------------------------------------------------

def run_fusions(sample: str, path, outdir, genome: str, fmt: str | None) -> dict[str, Any]:
    """Read one fusion file, write <outdir>/<sample>.fusions.tsv (+ .fusions.qc.json)."""
    from pathlib import Path

    from ..genome import check_genome
    from ..readers.fusions import read_fusion_calls
    from ..writers import write_json, write_tsv

    check_genome(genome)
    calls = read_fusion_calls(path, fmt, genome)
    events = fusion_events(calls.rows, genome)
    out = Path(outdir) / f"{sample}.fusions.tsv"
    write_tsv(out, EVENT_COLUMNS, event_rows(events))
    skipped = calls.skipped
    drivers = sum(e["label"] != "other" for e in events)
    write_json(Path(outdir) / f"{sample}.fusions.qc.json", {
        "sample": sample, "input": str(path), "format": calls.format,
        "calls": len(calls.rows), "events": len(events), "drivers": drivers,
        "skipped": len(skipped), "skipped_records": skipped_records(skipped),
    })
    return {"path": out, "calls": len(calls.rows), "events": len(events), "drivers": drivers,
            "skipped": len(skipped)}
