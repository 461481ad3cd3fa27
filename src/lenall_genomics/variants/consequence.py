"""Consequence of a variant: the reported transcript's effect, its MAF class and short HGVSp.

Annotated VCFs (VEP CSQ, snpEff ANN) are read the way vcf2maf reads them: the gene is the one
most severely affected (protein-coding first), then within that gene the isoform override from
assets/, MANE Select, CANONICAL, else that gene's most severe effect.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from operator import itemgetter
from typing import NamedTuple

from ..assets import asset_rows

AA3 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
    "Sec": "U", "Pyl": "O", "Xaa": "X",
}
_AA3_RE = re.compile("|".join(AA3))
_SIMPLE_CHANGE = re.compile(r"p\.([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|=)$")
TRUNCATING = frozenset({"Nonsense_Mutation", "Frame_Shift_Del", "Frame_Shift_Ins", "Splice_Site",
                        "Translation_Start_Site", "Nonstop_Mutation"})
UNANNOTATED = "unannotated"


class Effect(NamedTuple):
    """The reported effect of one allele (immutable; a NamedTuple because one is built per
    record and that is several times cheaper than a frozen dataclass)."""

    gene: str | None
    transcript: str | None
    consequence: str | None  # SO terms joined by ','
    variant_classification: str
    hgvsc: str | None = None
    hgvsp: str | None = None
    hgvsp_short: str | None = None
    exon: str | None = None
    impact: str | None = None
    all_effects: str | None = None

    @property
    def protein_position(self) -> int | None:
        return protein_position(self.hgvsp_short)


UNANNOTATED_EFFECT = Effect(None, None, None, UNANNOTATED)
# Effect(...) runs a Python-level __new__; the annotator builds one per allele from all ten values
_new_effect = tuple.__new__


@cache
def consequence_table() -> dict[str, tuple[str, int]]:
    return {r["consequence"]: (r["variant_classification"], int(r["severity"]))
            for r in asset_rows("variant_classification.tsv")}


@cache
def isoform_overrides(genome: str) -> dict[str, str]:
    return {r["gene"]: r["transcript"] for r in asset_rows(f"isoform_overrides_{genome}.tsv")}


@cache
def severity(consequence: str) -> int:
    """Rank of the most severe SO term in a '&'- or ','-joined consequence (1 = most severe)."""
    table = consequence_table()
    return min((table.get(term, ("", 20))[1] for term in re.split(r"[&,]", consequence) if term),
               default=20)


def variant_classification(consequence: str | None, ref: str, alt: str) -> str:
    """MAF Variant_Classification of the most severe SO term, as vcf2maf assigns it."""
    if not consequence:
        return "Targeted_Region"
    mapped = _fixed_classification(consequence)
    if mapped is not None:
        return mapped
    ref_len = 0 if ref == "-" else len(ref)
    alt_len = 0 if alt == "-" else len(alt)
    return _classification(consequence, alt_len > ref_len, abs(ref_len - alt_len) % 3 == 0)


@lru_cache(maxsize=4096)
def _fixed_classification(consequence: str) -> str | None:
    """The class when it does not depend on the alleles (None when it does: indel terms)."""
    return _classification(consequence, False, True) if not any(
        consequence_table().get(term, ("", 0))[0] == "by_type"
        for term in re.split(r"[&,]", consequence)) else None


@cache
def _classification(consequence: str, insertion: bool, inframe: bool) -> str:
    table = consequence_table()
    terms = [t for t in re.split(r"[&,]", consequence) if t]
    term = min(terms, key=lambda t: table.get(t, ("", 20))[1])
    mapped = table.get(term, ("Targeted_Region", 20))[0]
    if mapped != "by_type":
        return mapped
    if term == "frameshift_variant" or (term == "protein_altering_variant" and not inframe):
        return "Frame_Shift_Ins" if insertion else "Frame_Shift_Del"
    return "In_Frame_Ins" if insertion else "In_Frame_Del"


def short_hgvsp(hgvsp: str | None) -> str | None:
    """'ENSP..:p.Arg175His' -> 'p.R175H'; 'p.Arg213GlyfsTer5' -> 'p.R213Gfs*5'; '=' kept."""
    if not hgvsp:
        return None
    return _short_of_text(hgvsp.split(":", 1)[-1].replace("%3D", "="))


def _short_of_text(text: str) -> str:
    """`short_hgvsp` of HGVSp text already without its protein id and with '=' for '%3D'."""
    if not text.startswith("p."):
        return text
    simple = _SIMPLE_CHANGE.match(text)  # most are one residue: 'p.Arg175His', 'p.Gly12='
    if simple is not None:
        ref, position, alt = simple.groups()
        if ref in AA3 and (alt == "=" or alt in AA3):
            return f"p.{AA3[ref]}{position}{AA3.get(alt, alt)}"
    return _AA3_RE.sub(_one_letter, text)


def _one_letter(match: re.Match) -> str:
    return AA3[match.group(0)]


def protein_position(short: str | None) -> int | None:
    if not short:
        return None
    match = re.match(r"p\.\(?[A-Z*]?(\d+)", short)
    return int(match.group(1)) if match else None


def _strip_version(transcript: str) -> str:
    return transcript.split(".", 1)[0]


def _biotype_rank(biotype: str) -> int:
    if biotype == "protein_coding":
        return 0
    return 2 if not biotype else 1


class Annotator:
    """Chooses one effect per allele from a CSQ or ANN string; parses only the fields it needs."""

    def __init__(self, genome: str, csq_fields: tuple[str, ...] | None = None,
                 ann_fields: tuple[str, ...] | None = None) -> None:
        self.overrides = {g: _strip_version(t) for g, t in isoform_overrides(genome).items()}
        self.table = consequence_table()
        if csq_fields:
            f = {name: i for i, name in enumerate(csq_fields)}
            self.idx = (f.get("Allele"), f.get("Consequence"), f.get("SYMBOL"), f.get("Feature"),
                        f.get("BIOTYPE"), f.get("HGVSc"), f.get("HGVSp"), f.get("EXON"),
                        f.get("IMPACT"), f.get("CANONICAL"), f.get("MANE_SELECT"),
                        f.get("ALLELE_NUM"))
            self.pop_fields = tuple((i, _is_subpopulation_field(name)) for name, i in f.items()
                                    if _is_population_field(name))
            self.snpeff = False
        elif ann_fields:
            f = {name: i for i, name in enumerate(ann_fields)}
            self.idx = (f.get("Allele"), f.get("Annotation"), f.get("Gene_Name"),
                        f.get("Feature_ID"), f.get("Transcript_BioType"), f.get("HGVS.c"),
                        f.get("HGVS.p"), f.get("Rank"), f.get("Annotation_Impact"), None, None,
                        None)
            self.pop_fields = ()
            self.snpeff = True
        else:
            raise ValueError("an Annotator needs CSQ or ANN fields")
        self.width = max(i for i in self.idx if i is not None) + 1
        # the population fields, when all come after those used to choose (VEP's usual order)
        offsets = [i - self.width for i, _ in self.pop_fields]
        self.pop_getter = itemgetter(*offsets) if offsets and min(offsets) >= 0 else None
        self.pop_last = max(offsets, default=0)
        self.rank_cache: dict[tuple[str, str], int] = {}
        # (BIOTYPE, Consequence) of an entry, the key of `rank_cache`; taken in C by `_ranked`
        b_i, c_i = self.idx[4], self.idx[1]
        self.rank_fields = itemgetter(b_i, c_i) if b_i is not None else None

    def entries(self, raw: str, allele: str, allele_num: int) -> list[list[str]]:
        a_i, n_i = self.idx[0], self.idx[11]
        if n_i is None and a_i is not None and not self.snpeff:  # VEP without ALLELE_NUM
            # only the fields used to choose are split; the rest stays in one last item
            width = self.width
            if "," not in raw:  # one entry
                fields = raw.split("|", width)
                return [fields] if fields[a_i] == allele else []
            out = []
            for entry in raw.split(","):
                fields = entry.split("|", width)
                if fields[a_i] == allele:
                    out.append(fields)
            return out
        out = []
        for entry in raw.split(","):
            fields = entry.split("|")
            if n_i is not None and len(fields) > n_i and fields[n_i]:
                if fields[n_i] == str(allele_num):
                    out.append(fields)
            elif a_i is None or fields[a_i] == allele or (self.snpeff and
                                                          fields[a_i].split("-")[-1] == allele):
                out.append(fields)
        return out

    def population_af(self, entries: list[list[str]]) -> float | None:
        """Highest gnomAD / MAX_AF value of the allele's CSQ entries ('&'-separated lists too)."""
        return self.population_afs(entries)[0]

    def population_afs(self, entries: list[list[str]]) -> tuple[float | None, float | None]:
        """(highest gnomAD / MAX_AF value, highest gnomAD sub-population AF) of the allele's CSQ
        entries ('&'-separated lists too); None when absent."""
        if not entries or not self.pop_fields:
            return None, None
        fields = entries[0]
        width = self.width
        # `entries` leaves the fields after the ones used to choose unsplit, in one last item
        rest = fields[width].split("|") if len(fields) == width + 1 else None
        getter = self.pop_getter
        if rest is not None and getter is not None and len(rest) > self.pop_last:
            if not any(getter(rest)):  # most variants have no population frequency
                return None, None
        best = best_subpop = None
        for i, is_subpop in self.pop_fields:
            if rest is not None and i >= width:
                text = rest[i - width] if i - width < len(rest) else ""
            else:
                text = fields[i] if i < len(fields) else ""
            if not text:
                continue
            for part in text.split("&"):
                try:
                    value = float(part)
                except ValueError:
                    continue
                if best is None or value > best:
                    best = value
                if is_subpop and (best_subpop is None or value > best_subpop):
                    best_subpop = value
        return best, best_subpop

    def choose(self, entries: list[list[str]], ref: str, alt: str) -> Effect:
        if not entries:
            return UNANNOTATED_EFFECT
        (_a, c_i, s_i, t_i, b_i, hc_i, hp_i, e_i, im_i, can_i, mane_i, _n) = self.idx
        width = self.width
        for fields in entries:
            if len(fields) < width:
                fields.extend([""] * (width - len(fields)))
        if len(entries) == 1:
            chosen = entries[0]
            gene = chosen[s_i] if s_i is not None else ""
        else:
            ranked = self._ranked(entries)
            best = ranked[0]
            if s_i is not None:
                for fields in ranked:  # the most severe effect on a named gene
                    if fields[s_i]:
                        best = fields
                        break
            gene = best[s_i] if s_i is not None else ""
            chosen = self._in_gene(ranked, gene, s_i, t_i, can_i, mane_i) if gene else best
        consequence = chosen[c_i].replace("&", ",") if c_i is not None else ""
        hgvsp = chosen[hp_i] if hp_i is not None else ""
        hgvsc = chosen[hc_i] if hc_i is not None else ""
        # the HGVSp text without the protein id, made once for both HGVSp columns ('' stays
        # '' when the raw text is only an id: as short_hgvsp gives)
        protein = hgvsp.split(":", 1)[-1].replace("%3D", "=") if hgvsp else None
        return _new_effect(Effect, (  # gene, transcript, consequence, class, HGVSc, HGVSp, ...
            gene or None,
            (chosen[t_i] if t_i is not None else "") or None,
            consequence or None,
            variant_classification(consequence, ref, alt),
            hgvsc.split(":", 1)[-1] if hgvsc else None,
            protein,
            _short_of_text(protein) if hgvsp else None,
            (chosen[e_i] if e_i is not None else "") or None,
            (chosen[im_i] if im_i is not None else "") or None,
            None,
        ))

    def _ranked(self, entries: list[list[str]]) -> list[list[str]]:
        """`entries` sorted by `_rank_key` (stable). Usually every rank is cached: then they are
        looked up and the entries ordered without a Python call per entry (map and
        list.__getitem__ run in C), which is most of the cost of choosing among entries."""
        getter = self.rank_fields
        if getter is not None:
            ranks = list(map(self.rank_cache.get, map(getter, entries)))
            if None not in ranks:
                order = sorted(range(len(entries)), key=ranks.__getitem__)
                return list(map(entries.__getitem__, order))
        return sorted(entries, key=self._rank_key)

    def _rank_key(self, fields: list[str]) -> int:
        """Protein-coding first, then the most severe consequence (lower ranks first)."""
        b_i, c_i = self.idx[4], self.idx[1]
        key = (fields[b_i] if b_i is not None else "", fields[c_i])
        rank = self.rank_cache.get(key)
        if rank is None:
            if len(self.rank_cache) > 10_000:
                self.rank_cache.clear()
            rank = self.rank_cache[key] = _biotype_rank(key[0]) * 1000 + severity(key[1])
        return rank

    def _in_gene(self, ranked, gene, s_i, t_i, can_i, mane_i):
        """Within the chosen gene: isoform override, MANE Select, CANONICAL, else the most
        severe (`ranked`: most severe first)."""
        override = self.overrides.get(gene) if t_i is not None else None
        first = mane = canonical = None
        for fields in ranked:
            if fields[s_i] != gene:
                continue
            if override and _strip_version(fields[t_i]) == override:
                return fields
            if first is None:
                first = fields
            if mane is None and mane_i is not None and fields[mane_i]:
                mane = fields
            if canonical is None and can_i is not None and fields[can_i] == "YES":
                canonical = fields
        return mane or canonical or first


def _is_population_field(name: str) -> bool:
    lowered = name.lower()
    return (lowered.startswith("gnomad") and lowered.endswith("af")) or lowered == "max_af"


# The gnomAD sub-populations vcf2maf compares with --max-subpop-af (vcf2maf.pl: AFR AMR ASJ EAS
# FIN NFE SAS); the overall AF and the catch-all OTH / remaining group are not sub-populations.
GNOMAD_SUBPOPULATIONS = frozenset({"AFR", "AMR", "ASJ", "EAS", "FIN", "NFE", "SAS"})
_SUBPOPULATION_FIELD = re.compile(r"gnomad[eg]?_([a-z]+)_af", re.IGNORECASE)


def _is_subpopulation_field(name: str) -> bool:
    """VEP CSQ gnomAD_AFR_AF (gnomAD 2), gnomADe_AFR_AF / gnomADg_AFR_AF (VEP 103+) and alike."""
    match = _SUBPOPULATION_FIELD.fullmatch(name)
    return match is not None and match.group(1).upper() in GNOMAD_SUBPOPULATIONS
