"""Hotspots and driver classes (driver / likely_driver / VUS), with the rule that decided.

Both are data: assets/hotspots.tsv and assets/driver_rules.tsv (first matching rule wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from ..assets import asset, asset_rows
from ..errors import LenallInputError
from .consequence import TRUNCATING, Effect

DRIVER_CLASSES = ("driver", "likely_driver", "VUS")
_CHANGE = re.compile(r"p\.([A-Z*])(\d+)([A-Z*]|fs|del|dup|ins|=)?")


@dataclass(frozen=True)
class DriverRule:
    gene: str
    match: str
    codons: tuple[int, int] | None
    driver_class: str
    rule: str


class HotspotTable(NamedTuple):
    """assets/hotspots.tsv as lookups keyed by gene (the lookup is on the per-allele path)."""

    residues: dict[tuple[str, int], tuple[str, str, str]]  # (gene, pos) -> (ref, alt, tier)
    indels: dict[str, tuple[tuple[int, int, str], ...]]  # gene -> ((start, end, tier), ...)
    tiers: dict[str, str]  # hotspot label -> tier
    genes: frozenset[str]


HOTSPOT_KINDS = ("residue", "indel")
HOTSPOT_TIERS = ("curated", "statistical")
# the classes a residue hotspot is looked up for (charlottekyng/cancer_hotspots lookup rules:
# missense, stop gained; in-frame indels at the residue as before)
_RESIDUE_CLASSES = frozenset({"Missense_Mutation", "Nonsense_Mutation", "In_Frame_Del",
                              "In_Frame_Ins"})
_INDEL_CLASSES = frozenset({"In_Frame_Del", "In_Frame_Ins"})


@cache
def hotspot_table() -> HotspotTable:
    path = asset("hotspots.tsv")
    residues: dict[tuple[str, int], tuple[str, str, str]] = {}
    indels: dict[str, list[tuple[int, int, str]]] = {}
    tiers: dict[str, str] = {}
    for line, r in enumerate(asset_rows("hotspots.tsv"), start=1):
        try:
            start, end = int(r["start"]), int(r["end"])
        except (TypeError, ValueError):
            raise LenallInputError(f"data row {line}: start/end is not a residue number",
                                   file=path, field="start") from None
        if r["kind"] not in HOTSPOT_KINDS or r["tier"] not in HOTSPOT_TIERS or start > end \
                or not r.get("source"):
            raise LenallInputError(f"data row {line}: bad hotspot row {r['gene']} {start}-{end}",
                                   file=path, hint=f"kind {HOTSPOT_KINDS}, tier {HOTSPOT_TIERS}, "
                                                   "start <= end and a source")
        if r["kind"] == "residue":
            if start != end or (r["gene"], start) in residues:
                raise LenallInputError(f"data row {line}: residue {r['gene']} {start} repeated or a "
                                       "range", file=path, field="start")
            residues[(r["gene"], start)] = (r["ref_aa"], r["alt_aa"], r["tier"])
            tiers[f"{r['gene']} {r['ref_aa']}{start}"] = r["tier"]
        else:
            indels.setdefault(r["gene"], []).append((start, end, r["tier"]))
            tiers[_indel_label(r["gene"], start, end)] = r["tier"]
    genes = frozenset(g for g, _ in residues) | frozenset(indels)
    return HotspotTable(residues, {g: tuple(v) for g, v in indels.items()}, tiers, genes)


def _indel_label(gene: str, start: int, end: int) -> str:
    return f"{gene} {start}-{end} in-frame indel"


@cache
def driver_rules() -> tuple[DriverRule, ...]:
    rules = []
    for r in asset_rows("driver_rules.tsv"):
        codons = None
        if r["codons"] not in ("", "."):
            start, end = r["codons"].split("-")
            codons = (int(start), int(end))
        rules.append(DriverRule(r["gene"], r["match"], codons, r["driver_class"], r["rule"]))
    return tuple(rules)


def hotspot_genes() -> frozenset[str]:
    return hotspot_table().genes


def hotspot(effect: Effect) -> str | None:
    """'TP53 R175' when the protein change hits a listed hotspot residue (and allowed change);
    'FLT3 578-613 in-frame indel' when an in-frame indel starts inside a listed indel range."""
    table = hotspot_table()
    klass = effect.variant_classification
    if effect.gene not in table.genes or not effect.hgvsp_short or klass not in _RESIDUE_CLASSES:
        return None
    match = _CHANGE.match(effect.hgvsp_short)
    if not match:
        return None
    ref_aa, codon, alt_aa = match.group(1), int(match.group(2)), match.group(3)
    entry = table.residues.get((effect.gene, codon))
    if entry is not None and entry[0] == ref_aa and (entry[1] == "*" or entry[1] == alt_aa):
        return f"{effect.gene} {ref_aa}{codon}"
    if klass in _INDEL_CLASSES:
        for start, end, _ in table.indels.get(effect.gene, ()):
            if start <= codon <= end:
                return _indel_label(effect.gene, start, end)
    return None


def hotspot_tier(label: str | None) -> str | None:
    """'curated' or 'statistical' for a label made by `hotspot`."""
    return None if label is None else hotspot_table().tiers.get(label)


def _matches(rule: DriverRule, effect: Effect, hotspot_label: str | None) -> bool:
    if rule.gene != "*" and rule.gene != effect.gene:
        return False
    kind = effect.variant_classification
    if rule.match == "hotspot":
        ok = hotspot_label is not None
    elif rule.match == "curated_hotspot":
        ok = hotspot_tier(hotspot_label) == "curated"
    elif rule.match == "truncating":
        ok = kind in TRUNCATING
    elif rule.match == "missense":
        ok = kind == "Missense_Mutation"
    elif rule.match == "inframe":
        ok = kind in ("In_Frame_Del", "In_Frame_Ins")
    else:
        ok = False
    if ok and rule.codons is not None:
        position = effect.protein_position
        ok = position is not None and rule.codons[0] <= position <= rule.codons[1]
    return ok


@lru_cache(maxsize=4096)
def _rules_for(gene: str | None) -> tuple[DriverRule, ...]:
    """The rules that can match a gene, in table order."""
    return tuple(r for r in driver_rules() if r.gene == "*" or r.gene == gene)


def driver_class(effect: Effect, hotspot_label: str | None) -> tuple[str, str]:
    """(driver_class, rule) for the reported effect."""
    for rule in _rules_for(effect.gene):
        if _matches(rule, effect, hotspot_label):
            label = (f"{rule.rule}: {hotspot_label}" if rule.match.endswith("hotspot")
                     else rule.rule)
            return rule.driver_class, label
    return "VUS", "no_rule"
