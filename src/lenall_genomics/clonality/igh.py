"""IGH clonotypes: same IGHV and IGHJ genes, same junction length, >= 85% nucleotide identity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .inputs import SampleData


def junction_identity(a: str, b: str) -> float | None:
    """Fraction of identical nucleotides of two junctions of equal length; None otherwise."""
    if not a or len(a) != len(b):
        return None
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def same_clonotype(a: dict, b: dict, min_identity: float) -> float | None:
    """Identity when a and b are one clonotype (V gene and J gene in common, equal junction
    length, identity >= min_identity: scoper), else None."""
    v_common = set(a["v_gene"].split(",")) & set(b["v_gene"].split(","))
    j_common = set(a["j_gene"].split(",")) & set(b["j_gene"].split(","))
    if not v_common or not j_common:
        return None
    identity = junction_identity(a["cdr3_nt"] or "", b["cdr3_nt"] or "")
    return identity if identity is not None and identity >= min_identity else None


def dominant_clonotypes(rows: Sequence[dict] | None, min_fraction: float) -> list[dict]:
    return [r for r in rows or () if r["fraction"] >= min_fraction and r.get("cdr3_nt")]


@dataclass(frozen=True)
class IghComparison:
    call: str  # yes | no | unknown
    matches: tuple[tuple[dict, dict, float], ...] = ()
    earlier: tuple[dict, ...] = ()
    later: tuple[dict, ...] = ()
    note: str = ""


def compare_igh(earlier: SampleData, later: SampleData, params: dict[str, float]
                ) -> IghComparison:
    if earlier.clonotypes is None or later.clonotypes is None:
        missing = [d.name for d in (earlier, later) if d.clonotypes is None]
        return IghComparison("unknown", note=f"no IGH clonotypes for {', '.join(missing)}")
    dom_e = dominant_clonotypes(earlier.clonotypes, params["igh_dominant_fraction"])
    dom_l = dominant_clonotypes(later.clonotypes, params["igh_dominant_fraction"])
    if not dom_e or not dom_l:
        missing = [d.name for d, dom in ((earlier, dom_e), (later, dom_l)) if not dom]
        return IghComparison("unknown", earlier=tuple(dom_e), later=tuple(dom_l),
                             note=f"no clonal IGH rearrangement in {', '.join(missing)}")
    matches = []
    for a in dom_e:
        for b in dom_l:
            identity = same_clonotype(a, b, params["igh_identity"])
            if identity is not None:
                matches.append((a, b, identity))
    return IghComparison("yes" if matches else "no", tuple(matches), tuple(dom_e), tuple(dom_l))


def clonotype_label(row: dict) -> str:
    aa = row.get("cdr3_aa") or row.get("cdr3_nt")
    return f"{row['v_gene']}/{row['j_gene']} {aa} ({row['fraction'] * 100:.1f}%)"
