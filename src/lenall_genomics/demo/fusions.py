"""Fusion-caller outputs of the demo cohort: Arriba `fusions.tsv` (v2 columns) and STAR-Fusion
`star-fusion.fusion_predictions.abridged.tsv` (v1.10+ columns), from assets/figure1/fusions.tsv.
"""

from __future__ import annotations

import random

ARRIBA_COLUMNS = (
    "#gene1", "gene2", "strand1(gene/fusion)", "strand2(gene/fusion)", "breakpoint1",
    "breakpoint2", "site1", "site2", "type", "split_reads1", "split_reads2", "discordant_mates",
    "coverage1", "coverage2", "confidence", "reading_frame", "tags", "retained_protein_domains",
    "closest_genomic_breakpoint1", "closest_genomic_breakpoint2", "gene_id1", "gene_id2",
    "transcript_id1", "transcript_id2", "direction1", "direction2", "filters",
    "fusion_transcript", "peptide_sequence", "read_identifiers",
)
STAR_FUSION_COLUMNS = (
    "#FusionName", "JunctionReadCount", "SpanningFragCount", "est_J", "est_S", "SpliceType",
    "LeftGene", "LeftBreakpoint", "RightGene", "RightBreakpoint", "LargeAnchorSupport", "FFPM",
    "LeftBreakDinuc", "LeftBreakEntropy", "RightBreakDinuc", "RightBreakEntropy", "annots",
)
KNOWN_TAGS = {("P2RY8", "CRLF2"): "Mitelman,CCLE", ("KMT2A", "AFF1"): "Mitelman",
              ("TFG", "ADGRG7"): "GTEx", ("KANSL1", "ARL17A"): "GTEx"}


def _dot(value: str) -> str:
    return value if value else "."


def _directions(strand1: str, strand2: str) -> tuple[str, str]:
    """Arriba: the 5' gene's partner lies downstream of its breakpoint when it is on '+'."""
    gene1 = strand1.split("/")[1]
    gene2 = strand2.split("/")[1]
    return ("downstream" if gene1 == "+" else "upstream",
            "upstream" if gene2 == "+" else "downstream")


def _reads(prefix: str, count: int, rng: random.Random) -> list[str]:
    return [f"{prefix}:{rng.randint(1101, 2228)}:{rng.randint(1000, 30000)}:"
            f"{rng.randint(1000, 30000)}" for _ in range(count)]


def _sequence(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("ACGT") for _ in range(length))


def arriba_tsv(calls: list[dict[str, str]], sample: str) -> str:
    rng = random.Random(f"lenall-demo arriba {sample}")
    lines = ["\t".join(ARRIBA_COLUMNS)]
    for call in calls:
        d1, d2 = _directions(call["strand1"], call["strand2"])
        split1, split2, disc = int(call["split1"]), int(call["split2"]), int(call["discordant"])
        in_frame = call["reading_frame"] == "in-frame"
        transcript = _sequence(rng, 60) + "|" + _sequence(rng, 60)
        peptide = "." if not in_frame else "MKLSE" + "|" + "GTRQW"
        tags = KNOWN_TAGS.get((call["gene1"], call["gene2"]), ".")
        filters = "." if call["confidence"] == "high" else (
            f"duplicates({rng.randint(1, 9)})" if call["confidence"] == "medium"
            else f"duplicates({rng.randint(1, 5)}),low_entropy(1)")
        reads = _reads("NB501311:208:HJ2CKBGXB", split1 + split2 + disc, rng)
        lines.append("\t".join([
            call["gene1"], call["gene2"], call["strand1"], call["strand2"], call["breakpoint1"],
            call["breakpoint2"], call["site1"], call["site2"], call["type"], str(split1),
            str(split2), str(disc), call["coverage1"], call["coverage2"], call["confidence"],
            _dot(call["reading_frame"]), tags, ".", ".", ".", _dot(call["gene_id1"]),
            _dot(call["gene_id2"]), _dot(call["transcript_id1"]), _dot(call["transcript_id2"]),
            d1, d2, filters, transcript, peptide, ",".join(reads) or "."]))
    return "\n".join(lines) + "\n"


def star_fusion_tsv(calls: list[dict[str, str]], sample: str) -> str:
    rng = random.Random(f"lenall-demo star-fusion {sample}")
    lines = ["\t".join(STAR_FUSION_COLUMNS)]
    for call in sorted(calls, key=lambda c: -(int(c["split1"]) + int(c["split2"]))):
        junction = int(call["split1"]) + int(call["split2"])
        spanning = int(call["discordant"]) or max(0, junction // 2)
        s1, s2 = call["strand1"].split("/")[0], call["strand2"].split("/")[0]
        annots = '["INTRACHROMOSOMAL[{}]"]'.format(call["breakpoint1"].split(":")[0].replace(
            "chr", "chr")) if call["breakpoint1"].split(":")[0] == call["breakpoint2"].split(":")[0] \
            else '["INTERCHROMOSOMAL"]'
        lines.append("\t".join([
            f"{call['gene1']}--{call['gene2']}", str(junction), str(spanning),
            f"{junction:.2f}", f"{spanning:.2f}", call["site1"],
            f"{call['gene1']}^{call['gene_id1']}", f"{call['breakpoint1']}:{s1}",
            f"{call['gene2']}^{call['gene_id2']}", f"{call['breakpoint2']}:{s2}",
            call["confidence"], f"{(junction + spanning) * rng.uniform(0.05, 0.09):.4f}", "GT",
            f"{rng.uniform(1.6, 1.99):.4f}", "AG", f"{rng.uniform(1.6, 1.99):.4f}", annots]))
    return "\n".join(lines) + "\n"
