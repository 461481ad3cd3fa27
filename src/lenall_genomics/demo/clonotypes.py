"""IGH rearrangement tables (AIRR Rearrangement TSV, as IgBLAST/MiXCR exporters write) for the
samples of the clonality cases.

Each sample has a dominant clone (with a one-base sequencing/hypermutation variant read group)
and a polyclonal background. The related case shares its clone between myeloma and ALL with two
somatic-hypermutation differences in the junction; the others use distinct V/J genes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

AIRR_COLUMNS = (
    "sequence_id", "sequence", "rev_comp", "productive", "vj_in_frame", "stop_codon", "locus",
    "v_call", "d_call", "j_call", "c_call", "sequence_alignment", "germline_alignment",
    "junction", "junction_aa", "cdr3", "cdr3_aa", "v_cigar", "d_cigar", "j_cigar",
    "junction_length", "duplicate_count", "consensus_count", "clone_id",
)
CODONS = {
    "TTT": "F", "TTC": "F", "TTA": "L", "TTG": "L", "CTT": "L", "CTC": "L", "CTA": "L", "CTG": "L",
    "ATT": "I", "ATC": "I", "ATA": "I", "ATG": "M", "GTT": "V", "GTC": "V", "GTA": "V", "GTG": "V",
    "TCT": "S", "TCC": "S", "TCA": "S", "TCG": "S", "CCT": "P", "CCC": "P", "CCA": "P", "CCG": "P",
    "ACT": "T", "ACC": "T", "ACA": "T", "ACG": "T", "GCT": "A", "GCC": "A", "GCA": "A", "GCG": "A",
    "TAT": "Y", "TAC": "Y", "TAA": "*", "TAG": "*", "CAT": "H", "CAC": "H", "CAA": "Q", "CAG": "Q",
    "AAT": "N", "AAC": "N", "AAA": "K", "AAG": "K", "GAT": "D", "GAC": "D", "GAA": "E", "GAG": "E",
    "TGT": "C", "TGC": "C", "TGA": "*", "TGG": "W", "CGT": "R", "CGC": "R", "CGA": "R", "CGG": "R",
    "AGT": "S", "AGC": "S", "AGA": "R", "AGG": "R", "GGT": "G", "GGC": "G", "GGA": "G", "GGG": "G",
}
SENSE = [c for c, aa in CODONS.items() if aa != "*"]
J_TAIL = "GGCCAGGGAACCCTGGTCACCGTCTCCTCAG"  # IGHJ framework 4 after the junction's W
V_GENES = ("IGHV1-2*02", "IGHV1-18*01", "IGHV1-69*01", "IGHV3-7*01", "IGHV3-11*01",
           "IGHV3-21*01", "IGHV3-23*01", "IGHV3-30*18", "IGHV3-33*01", "IGHV3-48*03",
           "IGHV4-34*01", "IGHV4-39*01", "IGHV4-59*01", "IGHV5-51*01")
D_GENES = ("IGHD1-26*01", "IGHD2-2*01", "IGHD3-10*01", "IGHD3-22*01", "IGHD4-17*01",
           "IGHD6-13*01", "IGHD6-19*01")
J_GENES = ("IGHJ3*02", "IGHJ4*02", "IGHJ5*02", "IGHJ6*02")
C_GENES = {"MM": "IGHG1", "B-ALL": "IGHM"}


@dataclass(frozen=True)
class Clone:
    v: str
    d: str
    j: str
    junction: str  # nucleotides, TGT ... TGG
    v_region: str  # nucleotides before the junction


def translate(nt: str) -> str:
    return "".join(CODONS[nt[i:i + 3]] for i in range(0, len(nt) - 2, 3))


def make_clone(seed: str, v: str | None = None, j: str | None = None) -> Clone:
    rng = random.Random(f"lenall-demo clone {seed}")
    middle = "".join(rng.choice(SENSE) for _ in range(rng.randint(9, 16)))
    junction = "TGT" + "GC" + rng.choice("GAC") + middle + "TGG"
    junction = junction if translate(junction)[-1] == "W" else junction
    v_region = "".join(rng.choice(SENSE) for _ in range(95))
    return Clone(v or rng.choice(V_GENES), rng.choice(D_GENES), j or rng.choice(J_GENES),
                 junction, v_region)


def hypermutate(clone: Clone, changes: int, seed: str) -> Clone:
    """Silent-position (third base) changes inside the junction, keeping its length and frame."""
    rng = random.Random(f"lenall-demo shm {seed}")
    junction = list(clone.junction)
    positions = rng.sample(range(8, len(junction) - 4, 3), changes)
    for pos in positions:
        codon = "".join(junction[pos - 2:pos + 1])
        options = [c for c in SENSE if c[:2] == codon[:2] and c != codon]
        if options:
            junction[pos - 2:pos + 1] = list(rng.choice(options))
    return Clone(clone.v, clone.d, clone.j, "".join(junction), clone.v_region)


# Per sample: the dominant clone's seed and genes, and how many background clones.
CLONE_PLAN = {
    "P18_MM": ("p18-mm", "IGHV4-34*01", "IGHJ6*02", 0),
    "P18_BALL": ("p18-all", "IGHV1-69*01", "IGHJ4*02", 0),
    "P23_MM": ("p23-shared", "IGHV3-23*01", "IGHJ4*02", 0),
    "P23_BALL": ("p23-shared", "IGHV3-23*01", "IGHJ4*02", 2),
    "P23_BALL_REL": ("p23-shared", "IGHV3-23*01", "IGHJ4*02", 3),
    "P11_MM": ("p11-mm", "IGHV3-30*18", "IGHJ5*02", 0),
    "P11_BALL": ("p11-all", "IGHV4-39*01", "IGHJ3*02", 0),
}


def dominant_clone(sample: str) -> Clone:
    seed, v, j, changes = CLONE_PLAN[sample]
    clone = make_clone(seed, v, j)
    return hypermutate(clone, changes, seed) if changes else clone


def airr_tsv(sample: str, diagnosis: str) -> str:
    rng = random.Random(f"lenall-demo airr {sample}")
    dominant = dominant_clone(sample)
    clones = [(dominant, rng.randint(2400, 5200))]
    variant = hypermutate(dominant, 1, f"{sample} read variant")
    clones.append((variant, rng.randint(20, 90)))
    for index in range(rng.randint(7, 11)):
        clones.append((make_clone(f"{sample} background {index}"), rng.randint(3, 60)))
    lines = ["\t".join(AIRR_COLUMNS)]
    for index, (clone, count) in enumerate(clones):
        sequence = clone.v_region + clone.junction + J_TAIL
        cdr3 = clone.junction[3:-3]
        v_len = len(clone.v_region) + 6
        clone_id = "1" if index < 2 else str(index)
        row = [
            f"{sample}.{index + 1:04d}", sequence, "F", "T", "T", "F", "IGH", clone.v, clone.d,
            clone.j, C_GENES.get(diagnosis, "IGHM"), sequence, sequence, clone.junction,
            translate(clone.junction), cdr3, translate(cdr3), f"{v_len}=",
            f"{v_len + 3}S8=", f"{len(sequence) - 40}S40=", str(len(clone.junction)),
            str(count), str(count), clone_id,
        ]
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"


def junction_identity(a: str, b: str) -> float:
    if len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
