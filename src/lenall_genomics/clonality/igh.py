"""IGH clonotypes: same IGHV and IGHJ genes, same junction length, >= 85% nucleotide identity.

Two samples' clones are called distinct only with adequate data: enough IGH reads in each and a
productive rearrangement among each sample's clones. A myeloma expresses a productive VDJ; a
B-ALL's dominant rearrangement may be out of frame (its other allele), and RNA-based clonotypes
miss unexpressed alleles, so a non-productive rearrangement alone cannot show two clones differ.
The isotype (constant gene) is not part of a clonotype: class switch keeps the VDJ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .inputs import SampleData

_STOPS = frozenset(("TAA", "TAG", "TGA"))


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


def is_productive(row: dict) -> bool:
    """The table's own productive call when it has one (AIRR `productive`), else from the
    junction: in frame (a whole number of codons) and without a stop codon (IgBLAST's rule)."""
    stated = str(row.get("productive") or "").strip().upper()
    if stated in ("T", "TRUE", "1", "YES"):
        return True
    if stated in ("F", "FALSE", "0", "NO"):
        return False
    nt = (row.get("cdr3_nt") or "").upper()
    if not nt or len(nt) % 3:
        return False
    return not any(nt[i:i + 3] in _STOPS for i in range(0, len(nt), 3))


def merge_isotypes(rows: Sequence[dict] | None) -> list[dict]:
    """One row per V gene, J gene and junction: rows that differ only by constant gene (a
    class-switched clone, or a tool splitting clones by isotype) are one clonotype."""
    merged: dict[tuple[str, str, str], dict] = {}
    for row in rows or ():
        key = (row["v_gene"], row["j_gene"], row.get("cdr3_nt") or "")
        isotype = row.get("c_gene") or row.get("c_call")
        if key not in merged:
            merged[key] = {**row, "isotypes": [isotype] if isotype else []}
            continue
        entry = merged[key]
        entry["fraction"] += row["fraction"]
        entry["count"] = (entry.get("count") or 0) + (row.get("count") or 0)
        entry["productive"] = "T" if is_productive(entry) or is_productive(row) else "F"
        if isotype and isotype not in entry["isotypes"]:
            entry["isotypes"].append(isotype)
    return sorted(merged.values(), key=lambda r: (-r["fraction"], r["v_gene"], r["j_gene"],
                                                   r.get("cdr3_nt") or ""))


def dominant_clonotypes(rows: Sequence[dict] | None, min_fraction: float) -> list[dict]:
    return [r for r in merge_isotypes(rows) if r["fraction"] >= min_fraction and r.get("cdr3_nt")]


def igh_reads(rows: Sequence[dict] | None) -> float:
    return sum(float(r.get("count") or 0) for r in rows or ())


@dataclass(frozen=True)
class IghComparison:
    call: str  # yes | no | unknown: a clone in common
    matches: tuple[tuple[dict, dict, float], ...] = ()
    earlier: tuple[dict, ...] = ()
    later: tuple[dict, ...] = ()
    note: str = ""
    distinct: str = "unknown"  # yes: adequate data and distinct productive clones | no | unknown


def _inadequacy(data: SampleData, dominant: Sequence[dict], params: dict[str, float]
                ) -> str | None:
    reads = igh_reads(data.clonotypes)
    if reads < params["igh_min_reads"]:
        return f"{data.name} has {reads:g} IGH reads (< {params['igh_min_reads']:g})"
    if not any(is_productive(r) for r in dominant):
        return f"no productive clonal IGH rearrangement in {data.name}"
    return None


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
    if matches:
        return IghComparison("yes", tuple(matches), tuple(dom_e), tuple(dom_l), distinct="no")
    reasons = [r for r in (_inadequacy(earlier, dom_e, params), _inadequacy(later, dom_l, params))
               if r]
    if reasons:
        return IghComparison("no", (), tuple(dom_e), tuple(dom_l),
                             note="not enough to call the clones distinct: " + "; ".join(reasons))
    return IghComparison("no", (), tuple(dom_e), tuple(dom_l), distinct="yes")


def clonotype_label(row: dict) -> str:
    aa = row.get("cdr3_aa") or row.get("cdr3_nt")
    flags = [] if is_productive(row) else ["non-productive"]
    flags += row.get("isotypes") or []
    extra = f" [{', '.join(flags)}]" if flags else ""
    return f"{row['v_gene']}/{row['j_gene']} {aa} ({row['fraction'] * 100:.1f}%){extra}"
