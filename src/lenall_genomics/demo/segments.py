"""Copy-number segments of the demo cohort from the karyotype design, written as FACETS cncf
tables (chrom 1..23, 23 = X) or CNVkit `.call.cns` (optionally with baf/cn1/cn2).

A genome is a list of integer states per chromosome arm (total copies, minor copies), with focal
events cut in; the observed log2 / allelic imbalance follow from purity the way the tools model it
(tumour fraction `p` mixed with diploid normal cells).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ..genome import ACROCENTRIC, AUTOSOMES, chromosomes
from .design import chrom_rank

PAR1 = (10001, 2781479)  # GRCh38 X PAR1, docs/methods.md f
PAR2 = (155701383, 156030895)
TELOMERE = 10000
Y_Q_END = 26600000
PANEL_PROBE_SPACING = 60000  # bp per probe: targeted panel + backbone
CNVKIT_GENES = {  # genes named in the CNVkit `gene` column when a segment covers them
    "TP53": ("17", 7661779), "RB1": ("13", 48303744), "TET2": ("4", 105145875),
    "IKZF1": ("7", 50304068), "IKZF2": ("2", 212999691), "IKZF3": ("17", 39757718),
    "CDKN2A": ("9", 21967752), "CDKN2B": ("9", 22002903), "CREBBP": ("16", 3725054),
    "KRAS": ("12", 25205246), "NRAS": ("1", 114704469), "KMT2A": ("11", 118436490),
    "CRLF2": ("X", 1187549), "P2RY8": ("X", 1462581), "BCR": ("22", 23179704),
    "ABL1": ("9", 130713016), "PAX5": ("9", 36833269), "ETV6": ("12", 11649674),
}


@dataclass
class Segment:
    chrom: str
    start: int
    end: int
    total: int
    minor: int | None

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def _list(text: str) -> list[str]:
    return [x for x in text.replace(";", ",").split(",") if x]


def _arms(chrom: str) -> list[tuple[int, int]]:
    info = chromosomes("GRCh38")[chrom]
    last = info.length - TELOMERE
    q = (info.centromere_end + 1, last)
    if chrom == "Y":  # Y PAR reads map to X; Yq12 heterochromatin is unsequenced
        return [(PAR1[1] + 1, info.centromere_start - 1), (info.centromere_end + 1, Y_Q_END)]
    if chrom in ACROCENTRIC:
        return [q]
    return [(TELOMERE + 1, info.centromere_start - 1), q]


def genome_states(row: dict[str, str], sex: str) -> list[Segment]:
    """Arm-level segments (before focal events) for one karyotype design row."""
    losses = set(_list(row["losses"]))
    gains = dict(item.split(":") for item in _list(row["gains"]))
    doubled = row["doubled"] == "yes"
    post = {c: (int(t), int(m)) for c, t, m in (i.split(":") for i in _list(row["post_doubling"]))}
    arm_events = {}
    for item in _list(row["arm_events"]):
        arm, total, minor = item.split(":")
        arm_events[arm] = (int(total), None if minor in ("", ".") else int(minor))
    segments = []
    chroms = list(AUTOSOMES) + ["X"] + (["Y"] if sex == "male" else [])
    for chrom in chroms:
        if chrom == "X" and sex == "male":
            total, minor = int(gains.get("X", 1)), 0
        elif chrom == "Y":
            total, minor = 1, 0
        elif chrom in losses:
            total, minor = 1, 0
        elif chrom in gains:
            total = int(gains[chrom])
            minor = total // 2 if total >= 4 else 1
        else:
            total, minor = 2, 1
        if doubled:
            total, minor = total * 2, minor * 2
        if chrom in post:
            total, minor = post[chrom]
        for arm_index, (start, end) in enumerate(_arms(chrom)):
            arm = chrom + ("q" if arm_index == len(_arms(chrom)) - 1 else "p")
            t, m = arm_events.get(arm, (total, minor))
            if arm in arm_events and m is None:
                m = 0 if t <= 1 else 1
            segments.extend(_par_split(chrom, start, end, t, m, sex))
    return segments


def _par_split(chrom: str, start: int, end: int, total: int, minor: int, sex: str) -> list[Segment]:
    """Male X: the pseudoautosomal regions keep two copies (X + Y)."""
    if chrom != "X" or sex != "male":
        return [Segment(chrom, start, end, total, minor)]
    pieces = []
    cuts = [(PAR1[0], PAR1[1], 2, 1), (PAR2[0], PAR2[1], 2, 1)]
    cursor = start
    for par_start, par_end, t, m in cuts:
        if par_end < start or par_start > end:
            continue
        if cursor < par_start:
            pieces.append(Segment(chrom, cursor, par_start - 1, total, minor))
        pieces.append(Segment(chrom, max(cursor, par_start), min(end, par_end), t, m))
        cursor = min(end, par_end) + 1
    if cursor <= end:
        pieces.append(Segment(chrom, cursor, end, total, minor))
    return pieces


def apply_focal(segments: list[Segment], focal: str) -> list[Segment]:
    """Cut focal events 'chrom:start-end:total:minor' into the segments, in the order given."""
    for item in _list(focal):
        chrom, span, total, minor = item.split(":")
        start, end = (int(x) for x in span.split("-"))
        out = []
        for seg in segments:
            if seg.chrom != chrom or seg.end < start or seg.start > end:
                out.append(seg)
                continue
            if seg.start < start:
                out.append(Segment(chrom, seg.start, start - 1, seg.total, seg.minor))
            out.append(Segment(chrom, max(seg.start, start), min(seg.end, end), int(total),
                               int(minor)))
            if seg.end > end:
                out.append(Segment(chrom, end + 1, seg.end, seg.total, seg.minor))
        segments = out
    return sorted(segments, key=lambda s: (chrom_rank(s.chrom), s.start))


def design_segments(row: dict[str, str], sex: str) -> list[Segment]:
    return apply_focal(genome_states(row, sex), row["focal"])


def _normal_copies(seg: Segment, sex: str) -> int:
    if sex == "male" and seg.chrom in ("X", "Y"):
        in_par = seg.chrom == "X" and (seg.end <= PAR1[1] or seg.start >= PAR2[0])
        return 2 if in_par else 1
    return 2


def _observed_ratio(seg: Segment, purity: float, sex: str) -> float:
    return (purity * seg.total + (1 - purity) * _normal_copies(seg, sex)) / 2


def _baf(seg: Segment, purity: float, sex: str) -> float | None:
    """Mirrored B-allele fraction of heterozygous germline SNPs in the mixed sample."""
    if seg.minor is None or _normal_copies(seg, sex) < 2:
        return None
    tumour = purity * seg.total + 2 * (1 - purity)
    return (purity * seg.minor + (1 - purity)) / tumour if tumour else 0.5


def _probes(seg: Segment, rng: random.Random) -> int:
    return max(3, round(seg.length / PANEL_PROBE_SPACING * rng.uniform(0.8, 1.2)))


def facets_cncf(segments: list[Segment], purity: float, sex: str, seed: str) -> str:
    """FACETS `fit$cncf` columns, as facets-suite writes the .cncf.txt table."""
    rng = random.Random(f"lenall-demo facets {seed}")
    header = ["chrom", "seg", "num.mark", "nhet", "cnlr.median", "mafR", "segclust",
              "cnlr.median.clust", "mafR.clust", "start", "end", "cf.em", "tcn.em", "lcn.em"]
    lines = ["\t".join(header)]
    clusters: dict[tuple[int, int | None], int] = {}
    for index, seg in enumerate(s for s in segments if s.chrom != "Y"):
        marks = _probes(seg, rng)
        nhet = max(1, round(marks * rng.uniform(0.15, 0.3)))
        cnlr = math.log2(max(_observed_ratio(seg, purity, sex), 0.05)) + rng.gauss(0, 0.03)
        baf = _baf(seg, purity, sex)
        maf_r = 0.0 if baf is None else (math.log((1 - baf) / max(baf, 1e-3))) ** 2 / 4
        maf_r = max(0.0, maf_r + rng.gauss(0, 0.01))
        minor: int | None = seg.minor
        # small heterozygous-SNP-poor segments get no minor-CN estimate, as FACETS does
        if seg.total == 2 and seg.minor == 1 and nhet < 15 and rng.random() < 0.5:
            minor = None
        cluster = clusters.setdefault((seg.total, seg.minor), len(clusters) + 1)
        normal_like = seg.total == 2 and seg.minor == 1
        cf = 1.0 if normal_like else purity
        chrom = "23" if seg.chrom == "X" else seg.chrom
        lines.append("\t".join([
            chrom, str(index + 1), str(marks), str(nhet), f"{cnlr:.6f}", f"{maf_r:.6f}",
            str(cluster), f"{cnlr:.6f}", f"{maf_r:.6f}", str(seg.start), str(seg.end),
            f"{cf:.6f}", str(seg.total), "NA" if minor is None else str(minor)]))
    return "\n".join(lines) + "\n"


def _genes_in(seg: Segment) -> str:
    names = sorted(g for g, (c, pos) in CNVKIT_GENES.items()
                   if c == seg.chrom and seg.start <= pos <= seg.end)
    return ",".join(names) if names else "-"


def cnvkit_call_cns(segments: list[Segment], purity: float, sex: str, seed: str,
                    allelic: bool) -> str:
    """CNVkit `call` output (.call.cns); with `allelic`, the baf/cn1/cn2 columns of `call --vcf`."""
    rng = random.Random(f"lenall-demo cnvkit {seed}")
    header = ["chromosome", "start", "end", "gene", "log2"]
    header += ["baf", "cn", "cn1", "cn2"] if allelic else ["cn"]
    header += ["depth", "probes", "weight"]
    lines = ["\t".join(header)]
    for seg in segments:
        # CNVkit's reference is diploid-female: a male's X and Y sit near log2 -1
        log2 = math.log2(max(_observed_ratio(seg, purity, sex), 0.02)) + rng.gauss(0, 0.04)
        probes = _probes(seg, rng)
        row = [f"chr{seg.chrom}", str(seg.start - 1), str(seg.end), _genes_in(seg),
               f"{log2:.6f}"]
        if allelic:
            baf = _baf(seg, purity, sex)
            major = None if seg.minor is None else seg.total - seg.minor
            row += ["" if baf is None else f"{baf:.6f}", str(seg.total),
                    "" if major is None else str(major),
                    "" if seg.minor is None else str(seg.minor)]
        else:
            row.append(str(seg.total))
        depth = 2 ** log2 * rng.uniform(180, 260)
        row += [f"{depth:.4f}", str(probes), f"{probes * rng.uniform(0.85, 0.98):.4f}"]
        lines.append("\t".join(row))
    return "\n".join(lines) + "\n"


def chromosome_count(segments: list[Segment]) -> int:
    """Whole-chromosome copies (arm-weighted majority state), for the truth table."""
    counts: dict[str, dict[int, int]] = {}
    for seg in segments:
        counts.setdefault(seg.chrom, {}).setdefault(seg.total, 0)
        counts[seg.chrom][seg.total] += seg.length
    return sum(max(states, key=states.get) for states in counts.values())
