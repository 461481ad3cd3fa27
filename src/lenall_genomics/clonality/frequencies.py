"""How common a mutation is in independent tumours (assets/mutation_frequencies.tsv), per
disease where known: the weight of a shared mutation in the likelihood-ratio test, and whether
it is a recurrent hotspot that arises independently too often to show a common clone."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..assets import asset
from ..errors import LenallInputError
from .parameters import read_asset_table

ANY_DISEASE = "*"
# samplesheet diagnosis -> the disease of the frequency table's rows
TABLE_DISEASES = {"MM": "MM", "B-ALL": "B-ALL", "BALLLP": "B-ALL"}


def table_disease(diagnosis: str | None) -> str:
    return TABLE_DISEASES.get(diagnosis or "", ANY_DISEASE)


@dataclass(frozen=True)
class Frequency:
    value: float
    basis: str  # the row used: "KRAS p.G12D (MM)", "TP53 p.R248 (any cancer)", "default"


@dataclass(frozen=True)
class FrequencyTable:
    rows: dict[tuple[str, str, str], float]  # (disease, gene, variant) -> frequency
    default: float
    _genes: frozenset[str] = field(init=False, compare=False, repr=False)  # genes with rows

    def __post_init__(self) -> None:
        object.__setattr__(self, "_genes", frozenset(gene for _d, gene, _v in self.rows))

    def find(self, gene: str | None, hgvsp: str | None, disease: str = ANY_DISEASE
             ) -> Frequency:
        """The disease's own rows first (exact change, codon, gene), then those of any cancer,
        then the default: independent tumours of the same disease are the null."""
        if (gene or "") not in self._genes:  # most mutations: no row to look for
            return Frequency(self.default, "default")
        short = short_protein_change(hgvsp)
        codon = re.match(r"^p\.([A-Z*]\d+)", short) if short else None
        variants = [v for v in (short, codon and f"p.{codon.group(1)}") if v] if gene else []
        if gene:
            variants.append("*")
        for where in dict.fromkeys((disease, ANY_DISEASE)):
            for variant in variants:
                value = self.rows.get((where, gene or "", variant))
                if value is not None:
                    label = "any" if variant == "*" else variant
                    scope = "any cancer" if where == ANY_DISEASE else where
                    return Frequency(value, f"{gene} {label} ({scope})")
        return Frequency(self.default, "default")

    def lookup(self, gene: str | None, hgvsp: str | None, disease: str = ANY_DISEASE
               ) -> tuple[float, str]:
        found = self.find(gene, hgvsp, disease)
        return found.value, found.basis


def pair_frequency(p_earlier: float, p_later: float) -> float:
    """The one frequency p of the Ostrovnaya-Begg model for two tumours of different diseases.

    Under independence the two carry the mutation with probabilities p1 and p2, so a mutated
    locus is shared with probability q = p1 p2 / (p1 + p2 - p1 p2); the model's p/(2 - p)
    equals q at p = 2q / (1 + q), which is p1 when p1 = p2.
    """
    if p_earlier == p_later:
        return p_earlier
    q = p_earlier * p_later / (p_earlier + p_later - p_earlier * p_later)
    return 2 * q / (1 + q)


def load_frequencies(path: str | Path | None = None) -> FrequencyTable:
    path = Path(path) if path else asset("mutation_frequencies.tsv")
    rows: dict[tuple[str, str, str], float] = {}
    default = None
    for number, row in enumerate(read_asset_table(path), start=1):
        try:
            value = float(row["frequency"])
        except (KeyError, TypeError, ValueError):
            raise LenallInputError("frequency is not a number", file=path, line=number,
                                   field="frequency", hint="use a value between 0 and 1") from None
        if not 0 < value < 1:
            raise LenallInputError(f"frequency {value} is not between 0 and 1", file=path,
                                   line=number, field="frequency",
                                   hint="a population frequency p must satisfy 0 < p < 1")
        disease = (row.get("disease") or ANY_DISEASE).strip()
        if disease not in (ANY_DISEASE, *TABLE_DISEASES.values()):
            raise LenallInputError(
                f"unknown disease '{disease}'", file=path, line=number, field="disease",
                hint=f"use one of {', '.join(sorted(set(TABLE_DISEASES.values())))} or * "
                     "(any cancer)")
        if row["gene"] == "*" and row["variant"] == "default":
            default = value
        else:
            key = (disease, row["gene"], row["variant"])
            if key in rows:
                raise LenallInputError(
                    f"{row['gene']} {row['variant']} ({disease}) is listed twice", file=path,
                    line=number, field="variant", hint="keep one row per gene, variant and "
                                                       "disease")
            rows[key] = value
    if default is None:
        raise LenallInputError("no default row (gene '*', variant 'default')", file=path,
                               field="variant", hint="add the frequency used for unlisted "
                                                     "mutations")
    return FrequencyTable(rows, default)


_AA3 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
    "Sec": "U", "Xaa": "X",
}


@lru_cache(maxsize=16384)
def short_protein_change(hgvsp: str | None) -> str | None:
    """'ENSP..:p.Gly12Asp' / 'p.(Gly12Asp)' / 'p.G12D' -> 'p.G12D'."""
    if not hgvsp or hgvsp == ".":
        return None
    text = hgvsp.split(":")[-1].replace("(", "").replace(")", "")
    if not text.startswith("p."):
        return None
    body = re.sub("|".join(_AA3), lambda m: _AA3[m.group(0)], text[2:])
    return "p." + body
