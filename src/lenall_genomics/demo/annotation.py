"""Per-transcript effects of a planned variant, written as Ensembl VEP CSQ or snpEff ANN entries.

The canonical transcript carries the designed annotation; other coding transcripts of the gene
carry the same effect renumbered by their protein offset (or the variant's own alternative
annotation); non-coding transcripts carry the non-coding terms VEP uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .design import Design, Transcript

IMPACT = {
    "transcript_ablation": "HIGH", "splice_acceptor_variant": "HIGH",
    "splice_donor_variant": "HIGH", "stop_gained": "HIGH", "frameshift_variant": "HIGH",
    "stop_lost": "HIGH", "start_lost": "HIGH", "inframe_insertion": "MODERATE",
    "inframe_deletion": "MODERATE", "missense_variant": "MODERATE",
    "splice_region_variant": "LOW", "synonymous_variant": "LOW",
}
THREE_LETTER = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
                "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
                "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter"}

# VEP 110 `--everything`-style CSQ fields (a subset, in VEP's order).
CSQ_FIELDS = (
    "Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature_type", "Feature", "BIOTYPE",
    "EXON", "INTRON", "HGVSc", "HGVSp", "cDNA_position", "CDS_position", "Protein_position",
    "Amino_acids", "Codons", "Existing_variation", "DISTANCE", "STRAND", "FLAGS", "VARIANT_CLASS",
    "SYMBOL_SOURCE", "HGNC_ID", "CANONICAL", "MANE_SELECT", "MANE_PLUS_CLINICAL", "TSL", "APPRIS",
    "CCDS", "ENSP", "SWISSPROT", "SIFT", "PolyPhen", "HGVS_OFFSET", "AF", "gnomADe_AF",
    "gnomADe_AFR_AF", "gnomADe_AMR_AF", "gnomADe_ASJ_AF", "gnomADe_EAS_AF", "gnomADe_FIN_AF",
    "gnomADe_NFE_AF", "gnomADe_OTH_AF", "gnomADe_SAS_AF", "MAX_AF", "MAX_AF_POPS", "CLIN_SIG",
    "SOMATIC", "PHENO",
)
GNOMAD_POPS = ("AFR", "AMR", "ASJ", "EAS", "FIN", "NFE", "OTH", "SAS")
ANN_FIELDS = ("Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | "
              "Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | "
              "CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO")


@dataclass(frozen=True)
class Effect:
    """What a variant does to one transcript."""

    tx: Transcript
    consequence: str
    hgvsc: str = ""
    hgvsp: str = ""
    protein_position: str = ""
    amino_acids: str = ""
    codons: str = ""
    exon: str = ""
    intron: str = ""

    @property
    def impact(self) -> str:
        return max((IMPACT.get(term, "MODIFIER") for term in self.consequence.split("&")),
                   key=["MODIFIER", "LOW", "MODERATE", "HIGH"].index)


@dataclass(frozen=True)
class Planned:
    """The annotation-relevant part of a planned allele (a designed variant or a salt)."""

    gene: str
    consequence: str
    hgvsc: str
    hgvsp: str = ""
    protein_position: str = ""
    amino_acids: str = ""
    codons: str = ""
    exon: str = ""
    intron: str = ""
    alt_transcript: str = ""
    alt_consequence: str = ""
    alt_hgvsc: str = ""
    alt_hgvsp: str = ""
    alt_protein_position: str = ""
    alt_amino_acids: str = ""


_FIRST_NUMBER = re.compile(r"\d+")


def _shift(text: str, codons: int, *, nucleotides: bool) -> str:
    """Renumber the first position in a c./p. string by a protein offset."""
    if not text or not codons:
        return text
    delta = codons * 3 if nucleotides else codons
    match = _FIRST_NUMBER.search(text)
    if match is None:
        return text
    return text[:match.start()] + str(int(match.group()) + delta) + text[match.end():]


def effects(planned: Planned, design: Design) -> list[Effect]:
    out = []
    for tx in design.genes(planned.gene):
        if tx.canonical:
            out.append(Effect(tx, planned.consequence, planned.hgvsc, planned.hgvsp,
                              planned.protein_position, planned.amino_acids, planned.codons,
                              planned.exon, planned.intron))
        elif tx.transcript == planned.alt_transcript:
            out.append(Effect(tx, planned.alt_consequence, planned.alt_hgvsc, planned.alt_hgvsp,
                              planned.alt_protein_position, planned.alt_amino_acids, "",
                              planned.exon or "", planned.intron if not planned.alt_hgvsp else ""))
        elif tx.protein_offset == "NA":
            term = ("intron_variant&non_coding_transcript_variant" if planned.intron
                    or planned.consequence == "intron_variant"
                    else "non_coding_transcript_exon_variant")
            out.append(Effect(tx, term, _shift(planned.hgvsc, 0, nucleotides=True).replace(
                "c.", "n.", 1) if planned.hgvsc else ""))
        else:
            offset = 0 if tx.protein_offset in ("ARF", "") else int(tx.protein_offset)
            position = planned.protein_position
            if position and offset:
                position = "-".join(str(int(p) + offset) for p in position.split("-"))
            out.append(Effect(tx, planned.consequence,
                              _shift(planned.hgvsc, offset, nucleotides=True),
                              _shift(planned.hgvsp, offset, nucleotides=False), position,
                              planned.amino_acids, planned.codons, planned.exon, planned.intron))
    return out


def _cds_position(hgvsc: str) -> str:
    match = re.match(r"c\.(\d+)(?:_(\d+))?[ACGTdi]", hgvsc)
    if not match:
        return ""
    return match.group(1) if not match.group(2) else f"{match.group(1)}-{match.group(2)}"


def vep_allele(ref: str, alt: str) -> str:
    """VEP's allele string: the shared first base of an indel is trimmed ('-' when empty)."""
    if len(ref) != len(alt) and ref[0] == alt[0]:
        return alt[1:] or "-"
    return alt


def variant_class(ref: str, alt: str) -> str:
    if len(ref) == len(alt) == 1:
        return "SNV"
    if len(ref) > len(alt):
        return "deletion"
    if len(ref) < len(alt):
        return "insertion"
    return "substitution"


def gnomad_fields(population_af: float | None, seed_key: str) -> dict[str, str]:
    """gnomAD exome AF and sub-population AFs around `population_af` (empty when absent)."""
    if population_af is None:
        return {}
    import random

    rng = random.Random(f"lenall-demo gnomad {seed_key}")
    pops = {pop: min(0.99, population_af * rng.uniform(0.4, 1.6)) for pop in GNOMAD_POPS}
    fields = {"gnomADe_AF": _af(population_af), "AF": _af(min(0.99, population_af * 1.05))}
    fields.update({f"gnomADe_{pop}_AF": _af(v) for pop, v in pops.items()})
    top = max(pops, key=lambda p: (pops[p], p))
    fields["MAX_AF"] = _af(pops[top])
    fields["MAX_AF_POPS"] = f"gnomADe_{top}"
    return fields


def _af(value: float) -> str:
    return f"{value:.4g}" if value >= 1e-4 else f"{value:.3e}"


def csq_entries(ref: str, alt: str, planned: Planned, design: Design,
                population_af: float | None, seed_key: str) -> list[str]:
    pop = gnomad_fields(population_af, seed_key)
    entries = []
    for effect in effects(planned, design):
        tx = effect.tx
        hgvsp = effect.hgvsp.replace("=", "%3D")
        values = {
            "Allele": vep_allele(ref, alt), "Consequence": effect.consequence,
            "IMPACT": effect.impact, "SYMBOL": tx.gene, "Gene": tx.gene_id,
            "Feature_type": "Transcript", "Feature": tx.transcript, "BIOTYPE": tx.biotype,
            "EXON": effect.exon if not effect.intron else "", "INTRON": effect.intron,
            "HGVSc": f"{tx.transcript}.{tx.tx_version}:{effect.hgvsc}" if effect.hgvsc else "",
            "HGVSp": (f"{tx.protein}.{tx.protein_version}:{hgvsp}"
                      if hgvsp and tx.protein else ""),
            "CDS_position": _cds_position(effect.hgvsc),
            "Protein_position": effect.protein_position, "Amino_acids": effect.amino_acids,
            "Codons": effect.codons, "STRAND": str(tx.strand), "VARIANT_CLASS":
                variant_class(ref, alt), "SYMBOL_SOURCE": "HGNC",
            "CANONICAL": "YES" if tx.canonical else "", "MANE_SELECT": tx.mane_select,
            "ENSP": tx.protein, **pop,
        }
        if values["CDS_position"]:
            values["cDNA_position"] = str(int(values["CDS_position"].split("-")[0]) + 187)
        entries.append("|".join(values.get(name, "") for name in CSQ_FIELDS))
    return entries


def ann_entries(ref: str, alt: str, planned: Planned, design: Design) -> list[str]:
    """snpEff ANN: severest first; 'Ter' written as '*' the way snpEff writes stop codons."""
    found = effects(planned, design)
    order = ["HIGH", "MODERATE", "LOW", "MODIFIER"]
    found.sort(key=lambda e: (order.index(e.impact), not e.tx.canonical, e.tx.transcript))
    entries = []
    for effect in found:
        tx = effect.tx
        coding = tx.protein_offset != "NA"
        rank = effect.intron or effect.exon
        if rank and "/" not in rank:
            rank = f"{rank}/{tx.exons}"
        aa = effect.protein_position.split("-")[0]
        values = [
            alt, effect.consequence, effect.impact, tx.gene, tx.gene_id, "transcript",
            tx.transcript, tx.biotype, rank, effect.hgvsc if coding else
            effect.hgvsc.replace("c.", "n.", 1),
            effect.hgvsp.replace("Ter", "*") if coding else "", "",
            f"{_cds_position(effect.hgvsc).split('-')[0]}/{tx.exons * 300}"
            if coding and _cds_position(effect.hgvsc) else "",
            f"{aa}/{tx.exons * 100}" if coding and aa else "", "", "",
        ]
        entries.append("|".join(values))
    return entries


def lof_entry(planned: Planned, design: Design) -> str | None:
    if IMPACT.get(planned.consequence) != "HIGH" or planned.consequence.startswith("splice"):
        return None
    txs = design.genes(planned.gene)
    coding = [t for t in txs if t.protein_offset != "NA"]
    return f"({planned.gene}|{txs[0].gene_id}|{len(txs)}|{len(coding) / len(txs):.2f})"


def three_letter(one: str) -> str:
    return THREE_LETTER[one]
