"""How common a mutation is in independent tumours (assets/mutation_frequencies.tsv): the
weight of a shared mutation in the likelihood-ratio test."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..assets import asset
from ..errors import LenallInputError
from .parameters import read_asset_table


@dataclass(frozen=True)
class FrequencyTable:
    exact: dict[tuple[str, str], float]
    default: float

    def lookup(self, gene: str | None, hgvsp: str | None) -> tuple[float, str]:
        """(frequency, basis): exact protein change, then codon, then gene, then default."""
        short = short_protein_change(hgvsp)
        if gene and short:
            if (gene, short) in self.exact:
                return self.exact[(gene, short)], f"{gene} {short}"
            codon = re.match(r"^p\.([A-Z*]\d+)", short)
            if codon and (gene, f"p.{codon.group(1)}") in self.exact:
                return self.exact[(gene, f"p.{codon.group(1)}")], f"{gene} p.{codon.group(1)}"
        if gene and (gene, "*") in self.exact:
            return self.exact[(gene, "*")], f"{gene} any"
        return self.default, "default"


def load_frequencies(path: str | Path | None = None) -> FrequencyTable:
    path = Path(path) if path else asset("mutation_frequencies.tsv")
    exact: dict[tuple[str, str], float] = {}
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
        if row["gene"] == "*" and row["variant"] == "default":
            default = value
        else:
            exact[(row["gene"], row["variant"])] = value
    if default is None:
        raise LenallInputError("no default row (gene '*', variant 'default')", file=path,
                               field="variant", hint="add the frequency used for unlisted "
                                                     "mutations")
    return FrequencyTable(exact, default)


_AA3 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
    "Sec": "U", "Xaa": "X",
}


def short_protein_change(hgvsp: str | None) -> str | None:
    """'ENSP..:p.Gly12Asp' / 'p.(Gly12Asp)' / 'p.G12D' -> 'p.G12D'."""
    if not hgvsp or hgvsp == ".":
        return None
    text = hgvsp.split(":")[-1].replace("(", "").replace(")", "")
    if not text.startswith("p."):
        return None
    body = re.sub("|".join(_AA3), lambda m: _AA3[m.group(0)], text[2:])
    return "p." + body
