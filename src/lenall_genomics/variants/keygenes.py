"""Hotspots and driver classes (driver / likely_driver / VUS), with the rule that decided.

Both are data: assets/hotspots.tsv and assets/driver_rules.tsv (first matching rule wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ..assets import asset_rows
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


@cache
def hotspot_table() -> dict[tuple[str, int], tuple[str, str]]:
    return {(r["gene"], int(r["codon"])): (r["ref_aa"], r["alt_aa"]) for r in asset_rows("hotspots.tsv")}


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


@cache
def hotspot_genes() -> frozenset[str]:
    return frozenset(gene for gene, _ in hotspot_table())


def hotspot(effect: Effect) -> str | None:
    """'TP53 R175' when the protein change hits a listed hotspot codon (and allowed change)."""
    if (effect.gene not in hotspot_genes() or not effect.hgvsp_short
            or effect.variant_classification not in ("Missense_Mutation", "In_Frame_Del",
                                                     "In_Frame_Ins")):
        return None
    match = _CHANGE.match(effect.hgvsp_short)
    if not match:
        return None
    ref_aa, codon, alt_aa = match.group(1), int(match.group(2)), match.group(3)
    entry = hotspot_table().get((effect.gene, codon))
    if entry is None or entry[0] != ref_aa or (entry[1] != "*" and entry[1] != alt_aa):
        return None
    return f"{effect.gene} {ref_aa}{codon}"


def _matches(rule: DriverRule, effect: Effect, is_hotspot: bool) -> bool:
    if rule.gene != "*" and rule.gene != effect.gene:
        return False
    kind = effect.variant_classification
    if rule.match == "hotspot":
        ok = is_hotspot
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
        if _matches(rule, effect, hotspot_label is not None):
            label = f"{rule.rule}: {hotspot_label}" if rule.match == "hotspot" else rule.rule
            return rule.driver_class, label
    return "VUS", "no_rule"
