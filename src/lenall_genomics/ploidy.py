"""Chromosome counting, ploidy class and masked (doubled) hypodiploidy from copy-number segments.

Input is the normalized per-sample `<sample>.segments.tsv` (model.SEGMENT_COLUMNS) written by the
`copynumber` step. The method is docs/methods.md section c; every threshold is a parameter in
assets/ploidy_rules.tsv and the class ranges are data in assets/ploidy_classes.tsv.

How a sample is decided:
1. Segments are clipped to chromosome arms (centromeres from genome.chromosomes; the centromere
   itself is not judged); acrocentric chromosomes 13, 14, 15, 21 and 22 are judged on q only.
   Integer states: total CN rounded to the nearest integer. When a segment has only log2, total
   CN is derived as 2 * 2**log2 (ploidy-naive), or (2 * 2**log2 - 2(1 - p)) / p with purity p.
2. An arm takes state k when one total-CN state covers >= state_min_fraction of its callable
   length. A chromosome is `whole` when all judged arms take the same state; otherwise it is
   `arm` (arms take different states) or `partial` (an arm has no dominant state).
3. Counting rule for arm-level and partial chromosomes: they do not change the count; such a
   chromosome is counted at diploid_reference copies clipped to the range of its arm states
   (an arm without a dominant state is represented by its length-weighted median state). So
   del(9p) or +1q counts 2, and a monosomy with a small focal gain still counts 1.
   Unmeasured autosomes are counted at diploid_reference and listed.
4. Sex chromosomes are counted as observed and judged against the declared sex: one X in a male
   is expected, Y absent in a female is expected. An unmeasured Y counts as expected (male: 1,
   female: 0); with unknown sex and no Y data the sex chromosomes count max(X, 2).
5. LOH: minor CN 0 over >= loh_min_fraction of the minor-known callable length (not X in males).
6. Copies before doubling and the masked-hypodiploid rule: docs/methods.md c steps 5-6; whole-genome
   doubling by Bielski 2018 (major CN >= 2 over > 50% of the autosomes).
   Without minor CN, a genome that looks doubled (count >= 47 and ploidy >= 2.5, or >= 2
   tetrasomies and no more trisomies than tetrasomies) is `indeterminate`, never hyperdiploid.

Deviations from docs/methods.md c, and why:
- step 1 "clonal segments only (FACETS cf >= 0.8 x purity)": the normalized segments contract
  has no cellular-fraction column, so this step uses every segment; the `copynumber` step is
  where subclonal segments would be dropped.
- a doubled-looking genome with >= 7 LOH autosomes and <= 43 chromosomes before doubling, but
  more than masked_max_partial_loh autosomes with arm-level LOH, is `indeterminate` (the
  "others heterozygous" condition fails, yet hypodiploidy is not excluded).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from .assets import asset
from .errors import LenallInputError
from .genome import ACROCENTRIC, AUTOSOMES, Chromosome, chromosomes, normalize_chrom
from .model import SEX_CODES
from .readers.cells import parse_number

PLOIDY_TABLE_COLUMNS = ("sample", "modal_number", "class", "low_hypodiploid", "masked",
                        "pre_doubling_count", "lost", "gained", "loh", "qc_status")

INSUFFICIENT = "insufficient_data"
INDETERMINATE = "indeterminate"
UNCLASSIFIED = "unclassified"
SEX_CHROMOSOMES = ("X", "Y")


# --- parameters and classes (data in assets/) ----------------------------------------------------

def _data_rows(path: Path, *, what: str = "file", hint: str | None = None, check_header=None,
               header_hint: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a `#`-commented TSV with a header line (checked by `check_header`,
    required when `header_hint` is given)."""
    if not path.is_file():
        raise LenallInputError(f"{what} not found", file=path, hint=hint)
    header: list[str] | None = None
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\r\n").split("\t")
            if header is None:
                header = check_header(cells, path) if check_header else cells
                continue
            yield number, dict(zip(header, cells, strict=False))
    if header is None and header_hint is not None:
        raise LenallInputError("no header line", file=path, hint=header_hint)


def load_rules(path: Path | None = None, overrides: Mapping[str, str] | None = None
               ) -> dict[str, float]:
    """The ploidy parameters: assets/ploidy_rules.tsv, then an optional file, then NAME=VALUE."""
    rules = _read_rules(asset("ploidy_rules.tsv"))
    if path is not None:
        for name, value in _read_rules(Path(path)).items():
            _check_known(name, rules, path)
            rules[name] = value
    for name, text in (overrides or {}).items():
        _check_known(name, rules, "--param")
        rules[name] = _number(text, file="--param", line=None, field=name)
    return rules


def _read_rules(path: Path) -> dict[str, float]:
    rules = {}
    for number, row in _data_rows(path):
        name = row.get("parameter", "")
        rules[name] = _number(row.get("value", ""), file=path, line=number, field="value")
    return rules


def _check_known(name: str, rules: Mapping[str, float], where: object) -> None:
    if name not in rules:
        raise LenallInputError(f"unknown ploidy parameter '{name}'", file=str(where),
                               field="parameter",
                               hint=f"known parameters: {', '.join(sorted(rules))}")


def _number(text: str, *, file: object, line: int | None, field: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise LenallInputError(f"'{text}' is not a number", file=str(file), line=line,
                               field=field) from None


@dataclass(frozen=True)
class PloidyClass:
    name: str
    low: int
    high: int


def load_classes(path: Path | None = None) -> tuple[PloidyClass, ...]:
    path = Path(path) if path is not None else asset("ploidy_classes.tsv")
    found = []
    for number, row in _data_rows(path):
        low = int(_number(row.get("min", ""), file=path, line=number, field="min"))
        high = int(_number(row.get("max", ""), file=path, line=number, field="max"))
        found.append(PloidyClass(row["class"], low, high))
    return tuple(sorted(found, key=lambda c: c.low))


def classify(count: int, classes: Sequence[PloidyClass]) -> str:
    return next((c.name for c in classes if c.low <= count <= c.high), UNCLASSIFIED)


# --- segments ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Segment:
    chrom: str  # normalized: "1".."22", "X", "Y"
    start: int  # 1-based inclusive
    end: int
    cn: float  # total copy number as given or derived from log2 (may be fractional)
    minor: int | None  # None = unknown
    line: int = 0
    from_log2: bool = False

    @property
    def total(self) -> int:
        return _round_half_up(self.cn)

    @property
    def length(self) -> int:
        return self.end - self.start + 1


@dataclass
class SegmentInput:
    segments: list[Segment]
    skipped: dict[str, int] = field(default_factory=dict)
    from_log2: int = 0
    overlap_bp: int = 0


def _round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def read_segments(path: str | Path, genome: str, purity: float | None = None) -> SegmentInput:
    """Read a normalized segments TSV; bad values raise LenallInputError (file, line, field)."""
    path = Path(path)
    if purity is not None and not 0 < purity <= 1:
        raise LenallInputError(f"purity {purity} is outside (0, 1]", field="--purity")
    sizes = chromosomes(genome)
    result = SegmentInput(segments=[])
    rows = _data_rows(path, what="segments file", hint="run `lenall copynumber` first",
                      check_header=_check_header,
                      header_hint="expected columns chrom, start, end, log2, total_cn, ...")
    for number, row in rows:
        segment = _parse_segment(row, path, number, sizes, purity, result.skipped)
        if segment is not None:
            result.segments.append(segment)
            result.from_log2 += segment.from_log2
    result.segments, result.overlap_bp = _clip_overlaps(result.segments)
    return result


def segments_from_rows(rows: Iterable[Mapping[str, Any]], genome: str,
                       purity: float | None = None, source: str = "segments") -> SegmentInput:
    """SegmentInput from records with model.SEGMENT_COLUMNS (e.g. readers.segments output rows).

    Checked like the file (`source` names it in errors; line = record number + 1).
    """
    sizes = chromosomes(genome)
    result = SegmentInput(segments=[])
    for number, record in enumerate(rows, start=2):
        row = {k: "" if v is None else str(v) for k, v in record.items()}
        segment = _parse_segment(row, Path(source), number, sizes, purity, result.skipped)
        if segment is not None:
            result.segments.append(segment)
            result.from_log2 += segment.from_log2
    result.segments, result.overlap_bp = _clip_overlaps(result.segments)
    return result


def _check_header(cells: list[str], path: Path) -> list[str]:
    for name in ("chrom", "start", "end"):
        if name not in cells:
            raise LenallInputError(f"column '{name}' missing", file=path, line=None, field=name,
                                   hint="expected the normalized segments of `lenall copynumber`")
    if "total_cn" not in cells and "log2" not in cells:
        raise LenallInputError("neither 'total_cn' nor 'log2' column", file=path,
                               field="total_cn", hint="a copy-number value is needed")
    return cells


def _value(row: Mapping[str, str], name: str, path: Path, line: int) -> float | None:
    return parse_number(row.get(name), file=path, line=line, field=name)


def _parse_segment(row: Mapping[str, str], path: Path, line: int,
                   sizes: Mapping[str, Chromosome], purity: float | None,
                   skipped: dict[str, int]) -> Segment | None:
    chrom = normalize_chrom(row.get("chrom", "").strip())
    if chrom not in sizes:
        skipped["other_contig"] = skipped.get("other_contig", 0) + 1
        return None
    start, end = (_value(row, name, path, line) for name in ("start", "end"))
    if start is None or end is None or start < 1 or end < start:
        raise LenallInputError(f"bad segment extent start={row.get('start')} "
                               f"end={row.get('end')}", file=path, line=line, field="start",
                               hint="start must be >= 1 and <= end (1-based inclusive)")
    if end > sizes[chrom].length:
        raise LenallInputError(
            f"segment ends at {int(end)}, beyond the end of chromosome {chrom} "
            f"({sizes[chrom].length})", file=path, line=line, field="end",
            hint="is the file of another genome build? check --genome")
    total = _value(row, "total_cn", path, line)
    minor = _value(row, "minor_cn", path, line)
    log2 = _value(row, "log2", path, line)
    from_log2 = total is None and log2 is not None
    if from_log2:
        total = _cn_from_log2(log2, purity)
    if total is None:
        skipped["no_copy_number"] = skipped.get("no_copy_number", 0) + 1
        return None
    for name, value in (("total_cn", total), ("minor_cn", minor)):
        if value is not None and value < 0:
            raise LenallInputError(f"negative copy number {value}", file=path, line=line,
                                   field=name)
    if minor is not None and not from_log2 and minor > total + 1e-9:
        raise LenallInputError(f"minor CN {minor:g} is above total CN {total:g}", file=path,
                               line=line, field="minor_cn",
                               hint="minor_cn is the copy number of the less frequent allele")
    minor_int = None if minor is None else _round_half_up(minor)
    if minor_int is not None and from_log2 and minor_int > _round_half_up(total):
        skipped["minor_above_log2_total"] = skipped.get("minor_above_log2_total", 0) + 1
        minor_int = None
    return Segment(chrom, int(start), int(end), float(total), minor_int, line, from_log2)


def _cn_from_log2(log2: float, purity: float | None) -> float:
    ratio_cn = 2.0 * 2.0 ** log2
    if purity is None:
        return ratio_cn
    return max(0.0, (ratio_cn - 2.0 * (1.0 - purity)) / purity)


def _clip_overlaps(segments: list[Segment]) -> tuple[list[Segment], int]:
    """Sort, and trim a segment's start where it overlaps the previous one (counted in QC)."""
    order = {c: i for i, c in enumerate(AUTOSOMES + SEX_CHROMOSOMES)}
    ordered = sorted(segments, key=lambda s: (order.get(s.chrom, 99), s.start, s.end))
    kept: list[Segment] = []
    overlap = 0
    for seg in ordered:
        previous = kept[-1] if kept and kept[-1].chrom == seg.chrom else None
        if previous is not None and seg.start <= previous.end:
            overlap += min(seg.end, previous.end) - seg.start + 1
            if seg.end <= previous.end:
                continue
            seg = replace(seg, start=previous.end + 1)
        kept.append(seg)
    return kept, overlap


# --- arm and chromosome states ------------------------------------------------------------------

@dataclass(frozen=True)
class ArmState:
    arm: str  # "p" or "q"
    length: int
    callable_bp: int
    total_cn: int | None  # dominant state, None when no state covers state_min_fraction
    state_fraction: float  # fraction of the callable length at the dominant state
    median_cn: int | None  # length-weighted median state (represents a partial arm)
    minor_cn: int | None
    minor_known_bp: int
    loh_fraction: float | None

    @property
    def covered_fraction(self) -> float:
        return self.callable_bp / self.length if self.length else 0.0


@dataclass
class ChromosomeState:
    chrom: str
    level: str  # whole | arm | partial | not_measured
    total_cn: int | None
    minor_cn: int | None
    loh: bool | None
    loh_fraction: float | None
    counted: int  # copies in the observed chromosome count
    expected: int
    pre_doubling: int | None = None
    arms: list[ArmState] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def arm_bounds(chrom: Chromosome) -> dict[str, tuple[int, int]]:
    """Judged arms of a chromosome, 1-based inclusive; acrocentrics on q only."""
    arms = {"q": (chrom.centromere_end + 1, chrom.length)}
    if chrom.name not in ACROCENTRIC:
        arms["p"] = (1, chrom.centromere_start - 1)
    return dict(sorted(arms.items()))


def _pieces(segments: Iterable[Segment], lo: int, hi: int) -> list[tuple[int, Segment]]:
    found = []
    for seg in segments:
        overlap = min(seg.end, hi) - max(seg.start, lo) + 1
        if overlap > 0:
            found.append((overlap, seg))
    return found


def _dominant(weights: Mapping[int, int]) -> tuple[int | None, float]:
    total = sum(weights.values())
    if not total:
        return None, 0.0
    state, weight = max(sorted(weights.items()), key=lambda item: item[1])
    return state, weight / total


def _weighted_median(weights: Mapping[int, int]) -> int | None:
    total = sum(weights.values())
    running = 0
    for state in sorted(weights):
        running += weights[state]
        if running * 2 >= total:
            return state
    return None


def arm_state(arm: str, bounds: tuple[int, int], segments: Sequence[Segment],
              rules: Mapping[str, float], min_callable_bp: int | None = None) -> ArmState:
    lo, hi = bounds
    pieces = _pieces(segments, lo, hi)
    length = hi - lo + 1
    callable_bp = sum(bp for bp, _ in pieces)
    totals: dict[int, int] = {}
    minors: dict[int, int] = {}
    for bp, seg in pieces:
        totals[seg.total] = totals.get(seg.total, 0) + bp
        if seg.minor is not None:
            minors[seg.minor] = minors.get(seg.minor, 0) + bp
    enough = (callable_bp >= min_callable_bp if min_callable_bp is not None
              else callable_bp >= rules["min_arm_callable_fraction"] * length)
    state, fraction = _dominant(totals)
    minor, minor_fraction = _dominant(minors)
    minor_known = sum(minors.values())
    if not enough:
        return ArmState(arm, length, callable_bp, None, fraction, None, None, minor_known, None)
    return ArmState(
        arm, length, callable_bp,
        state if fraction >= rules["state_min_fraction"] else None, fraction,
        _weighted_median(totals),
        minor if minor_fraction >= rules["state_min_fraction"] else None,
        minor_known, minors.get(0, 0) / minor_known if minor_known else None)


def expected_copies(chrom: str, sex: str) -> int:
    if chrom == "X":
        return 1 if sex == "male" else 2
    if chrom == "Y":
        return 1 if sex == "male" else 0
    return 2


def chromosome_state(chrom: Chromosome, segments: Sequence[Segment], sex: str,
                     rules: Mapping[str, float]) -> ChromosomeState:
    """State of one chromosome from its judged arms (docs/methods.md c steps 2 and 4)."""
    min_bp = int(rules["min_y_callable_bp"]) if chrom.name == "Y" else None
    arms = [arm_state(name, bounds, segments, rules, min_bp)
            for name, bounds in arm_bounds(chrom).items()]
    if chrom.name == "Y":  # judged as one piece: Yp is short and Yq12 is unsequenced
        arms = [_merge_arms(arms, rules)]
    expected = expected_copies(chrom.name, sex)
    measured = [a for a in arms if a.median_cn is not None]
    if not measured:
        return ChromosomeState(chrom.name, "not_measured", None, None, None, None,
                               _unmeasured_count(chrom.name, expected, rules), expected, arms=arms)
    states = {a.total_cn for a in measured}
    if len(measured) == len(arms) and len(states) == 1 and None not in states:
        level, total = "whole", states.pop()
        counted = total
    else:
        level = "partial" if None in states else "arm"
        total = None
        reference = expected if chrom.name in SEX_CHROMOSOMES else int(rules["diploid_reference"])
        counted = arm_level_count(measured, reference)
    minor, loh, loh_fraction = _chromosome_minor(measured, rules)
    if chrom.name == "X" and sex == "male":
        loh = None  # one X in a male has no second allele to lose
    return ChromosomeState(chrom.name, level, total, minor, loh, loh_fraction, counted, expected,
                           arms=arms)


def arm_level_count(arms: Sequence[ArmState], reference: int) -> int:
    """The reference copy number clipped to the range of the arms' states."""
    shown = [a.total_cn if a.total_cn is not None else a.median_cn for a in arms]
    values = [v for v in shown if v is not None]
    return min(max(values), max(min(values), reference))


def _unmeasured_count(chrom: str, expected: int, rules: Mapping[str, float]) -> int:
    return expected if chrom in SEX_CHROMOSOMES else int(rules["diploid_reference"])


def _merge_arms(arms: Sequence[ArmState], rules: Mapping[str, float]) -> ArmState:
    """Y as one arm-like piece, so that its state needs min_y_callable_bp in total."""
    length = sum(a.length for a in arms)
    callable_bp = sum(a.callable_bp for a in arms)
    pick = max(arms, key=lambda a: a.callable_bp)
    if callable_bp < rules["min_y_callable_bp"] or pick.median_cn is None:
        return ArmState("pq", length, callable_bp, None, 0.0, None, None, 0, None)
    return replace(pick, arm="pq", length=length, callable_bp=callable_bp)


def _chromosome_minor(arms: Sequence[ArmState], rules: Mapping[str, float]
                      ) -> tuple[int | None, bool | None, float | None]:
    known = sum(a.minor_known_bp for a in arms)
    if not known:
        return None, None, None
    loh_bp = sum((a.loh_fraction or 0.0) * a.minor_known_bp for a in arms)
    loh_fraction = loh_bp / known
    minors = {a.minor_cn for a in arms}
    minor = minors.pop() if len(minors) == 1 else None
    return minor, loh_fraction >= rules["loh_min_fraction"], loh_fraction


def pre_doubling_copies(total: int, minor: int | None, loh: bool | None) -> int | None:
    """docs/methods.md c step 5: m = 0 -> 1; m = k/2 -> 2; k in {3, 4}, m = 1 -> 2; k 5-10 -> 3."""
    if total == 0:
        return 0
    if loh:
        minor = 0
    if minor is None:
        return None
    minor = min(minor, total - minor)  # a tool that reports the other allele as "minor"
    if minor <= 0:
        return 1
    if 2 * minor == total or (total in (3, 4) and minor == 1):
        return 2
    if total >= 5:
        return 3
    return 2  # not reached for 0 < minor <= total / 2 with total <= 4


# --- the call ---------------------------------------------------------------------------------

@dataclass
class PloidyCall:
    sample: str
    genome: str
    sex: str
    modal_number: int | None
    ploidy_class: str
    observed_class: str | None
    low_hypodiploid: bool | None
    masked: bool | None
    doubled: bool | None
    pre_doubling_count: int | None
    states: list[ChromosomeState]
    evidence: dict[str, Any]
    qc: dict[str, Any]
    parameters: dict[str, float]
    classes: tuple[PloidyClass, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "sample": self.sample,
            "genome": self.genome,
            "sex": self.sex,
            "modal_number": self.modal_number,
            "class": self.ploidy_class,
            "observed_class": self.observed_class,
            "low_hypodiploid": self.low_hypodiploid,
            "masked": self.masked,
            "doubled": self.doubled,
            "pre_doubling_count": self.pre_doubling_count,
            "chromosomes": [_state_json(s) for s in self.states],
            "evidence": self.evidence,
            "qc": self.qc,
            "parameters": self.parameters,
            "class_ranges": [asdict(c) for c in self.classes],
        }


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _state_json(state: ChromosomeState) -> dict[str, Any]:
    data = asdict(state)
    data["arms"] = [dict(asdict(a), covered_fraction=a.covered_fraction) for a in state.arms]
    return _rounded(data)


def normalize_sex(sex: str | None) -> str:
    return SEX_CODES.get((sex or "").strip().lower(), "unknown")


def call_ploidy(sample: str, data: SegmentInput, genome: str, sex: str | None = None,
                rules: Mapping[str, float] | None = None,
                classes: Sequence[PloidyClass] | None = None) -> PloidyCall:
    """Decide the ploidy class of one sample from its segments."""
    rules = dict(rules) if rules is not None else load_rules()
    classes = tuple(classes) if classes is not None else load_classes()
    sex = normalize_sex(sex)
    chroms = chromosomes(genome)
    by_chrom: dict[str, list[Segment]] = {}
    for seg in data.segments:
        by_chrom.setdefault(seg.chrom, []).append(seg)
    names = [c for c in AUTOSOMES + SEX_CHROMOSOMES if c in chroms]
    states = [chromosome_state(chroms[c], by_chrom.get(c, []), sex, rules) for c in names]
    _count_sex_chromosomes(states, sex)
    qc = quality(data, states, chroms, rules)
    call = PloidyCall(sample, genome, sex, None, INSUFFICIENT, None, None, None, None, None,
                      states, {}, qc, dict(sorted(rules.items())), classes)
    call.evidence = _base_evidence(states, data)
    if qc["status"] == "fail":
        call.evidence["decision"] = "insufficient data: " + "; ".join(qc["problems"])
        return call
    _decide(call, data, rules, classes)
    return call


def _count_sex_chromosomes(states: list[ChromosomeState], sex: str) -> None:
    """Unmeasured Y counts as expected; with unknown sex and no Y, X and Y count max(X, 2)."""
    x = next((s for s in states if s.chrom == "X"), None)
    y = next((s for s in states if s.chrom == "Y"), None)
    if y is None or x is None:
        return
    if sex == "female" and y.level != "not_measured" and y.counted > 0:
        y.notes.append("Y signal in a female sample: not counted")
        y.counted = 0
    if sex == "male" and x.minor_cn is not None and x.minor_cn >= 1:
        x.notes.append("heterozygous X in a male sample: check the declared sex")
    if y.level == "not_measured":
        y.counted = y.expected
        if sex == "unknown":
            y.counted = max(0, 2 - x.counted)
            y.notes.append("sex unknown and Y not measured: X and Y counted as max(X, 2)")
        elif sex == "male":
            y.notes.append("Y not measured: counted as the expected one copy")
    if sex == "unknown":  # neither one X nor a missing Y can be called a loss
        x.expected = min(max(x.counted, 1), 2)
        y.expected = y.counted if y.counted <= 1 else 1


def quality(data: SegmentInput, states: Sequence[ChromosomeState],
            chroms: Mapping[str, Chromosome], rules: Mapping[str, float]) -> dict[str, Any]:
    autosomes = [s for s in states if s.chrom in AUTOSOMES]
    judged_bp = sum(a.length for s in autosomes for a in s.arms)
    callable_bp = sum(a.callable_bp for s in autosomes for a in s.arms)
    minor_bp = sum(a.minor_known_bp for s in autosomes for a in s.arms)
    noise = _noise([seg for seg in data.segments if seg.chrom in AUTOSOMES])
    unmeasured = [s.chrom for s in autosomes if s.level == "not_measured"]
    problems = []
    if len(data.segments) < rules["min_segments"]:
        problems.append(f"{len(data.segments)} segments (< {rules['min_segments']:g})")
    fraction = callable_bp / judged_bp if judged_bp else 0.0
    if fraction < rules["min_callable_fraction"]:
        problems.append(f"callable autosomal fraction {fraction:.2f} "
                        f"(< {rules['min_callable_fraction']:g})")
    if len(unmeasured) > rules["max_unmeasured_autosomes"]:
        problems.append(f"{len(unmeasured)} autosomes without data "
                        f"(> {rules['max_unmeasured_autosomes']:g})")
    if noise is not None and noise > rules["noise_fail_sd"]:
        problems.append(f"noise SD {noise:.3f} around integer states "
                        f"(> {rules['noise_fail_sd']:g})")
    warnings = []
    if noise is not None and noise > rules["noise_warn_sd"] and not problems:
        warnings.append(f"noise SD {noise:.3f} (> {rules['noise_warn_sd']:g})")
    if unmeasured and not problems:
        warnings.append(f"autosomes without data counted at "
                        f"{int(rules['diploid_reference'])}: {', '.join(unmeasured)}")
    if data.overlap_bp:
        warnings.append(f"{data.overlap_bp} bp of overlapping segments trimmed")
    status = "fail" if problems else "warn" if warnings else "pass"
    return _rounded({
        "status": status, "problems": problems, "warnings": warnings,
        "segments": len(data.segments), "segments_from_log2": data.from_log2,
        "skipped_records": dict(sorted(data.skipped.items())),
        "overlap_bp_trimmed": data.overlap_bp,
        "callable_fraction": fraction,
        "minor_known_fraction": minor_bp / callable_bp if callable_bp else 0.0,
        "noise_sd": noise, "unmeasured_autosomes": unmeasured,
    })


def _noise(segments: Sequence[Segment]) -> float | None:
    """Length-weighted SD of segment CN around the integer state it was rounded to."""
    weight = sum(s.length for s in segments)
    if not weight:
        return None
    return math.sqrt(sum(s.length * (s.cn - s.total) ** 2 for s in segments) / weight)


def _chroms(states: Iterable[ChromosomeState]) -> list[str]:
    return [s.chrom for s in states]


def _base_evidence(states: Sequence[ChromosomeState], data: SegmentInput) -> dict[str, Any]:
    arm_events = []
    for s in states:
        if s.level in ("arm", "partial"):
            for a in s.arms:
                shown = a.total_cn if a.total_cn is not None else a.median_cn
                if shown is None or shown == s.counted:
                    continue
                kind = "gain" if shown > s.counted else "loss"
                part = "" if a.total_cn is not None else " (partial)"
                arm_events.append(f"{s.chrom}{a.arm} {kind} ({shown} copies){part}")
        if s.loh is False or s.loh is None:
            for a in s.arms:
                if a.loh_fraction is not None and a.loh_fraction >= 0.8 and s.chrom != "X":
                    arm_events.append(f"{s.chrom}{a.arm} LOH")
    notes = [f"{s.chrom}: {note}" for s in states for note in s.notes]
    if data.from_log2:
        notes.append(f"{data.from_log2} segments had no total CN: total CN derived from log2 "
                     "as 2 * 2**log2 (ploidy-naive; purity-adjusted when purity is given), "
                     "rounded to integer states")
    return {
        "lost": _chroms(s for s in states if s.counted < s.expected),
        "gained": _chroms(s for s in states if s.counted > s.expected),
        "loh": _chroms(s for s in states if s.loh),
        "arm_level": _chroms(s for s in states if s.level == "arm"),
        "partial": _chroms(s for s in states if s.level == "partial"),
        "not_measured": _chroms(s for s in states if s.level == "not_measured"),
        "arm_events": arm_events,
        "notes": notes,
        "counting_rule": ("46 - losses + gains: whole chromosomes count their state; arm-level "
                          "and partial chromosomes count the diploid reference clipped to the "
                          "range of their arm states (4 in a doubled genome: mean CN >= "
                          "doubled_min_ploidy or major CN >= 2 over > wgd_major_fraction); "
                          "unmeasured autosomes count the reference; "
                          "sex chromosomes as observed against the declared sex"),
    }


def _ploidy_mean(states: Sequence[ChromosomeState]) -> float:
    weight = value = 0.0
    for s in states:
        if s.chrom not in AUTOSOMES:
            continue
        for a in s.arms:
            shown = a.total_cn if a.total_cn is not None else a.median_cn
            if shown is not None:
                weight += a.callable_bp
                value += a.callable_bp * shown
    return value / weight if weight else 0.0


def _major_ge2_fraction(data: SegmentInput) -> float | None:
    """Bielski 2018: major-allele CN >= 2 over more than half of the autosomes (minor known)."""
    known = [s for s in data.segments if s.chrom in AUTOSOMES and s.minor is not None]
    weight = sum(s.length for s in known)
    if not weight:
        return None
    major2 = sum(s.length for s in known if s.total - s.minor >= 2)
    return major2 / weight


def _decide(call: PloidyCall, data: SegmentInput, rules: Mapping[str, float],
            classes: Sequence[PloidyClass]) -> None:
    states, ev = call.states, call.evidence
    autosomes = [s for s in states if s.chrom in AUTOSOMES]
    ploidy = _ploidy_mean(states)
    major_fraction = _major_ge2_fraction(data)
    if ploidy >= rules["doubled_min_ploidy"] or (
            major_fraction is not None and major_fraction > rules["wgd_major_fraction"]):
        _recount_doubled(autosomes, 2 * int(rules["diploid_reference"]), ev)
        ev.update(_base_evidence(states, data))
    n_obs = sum(s.counted for s in states)
    call.modal_number = n_obs
    call.observed_class = classify(n_obs, classes)
    has_minor = call.qc["minor_known_fraction"] >= rules["min_minor_known_fraction"]
    count_says_doubled = n_obs >= rules["doubled_min_count"] or ploidy >= rules["doubled_min_ploidy"]
    ev["observed_count"] = n_obs
    ev["mean_autosomal_cn"] = round(ploidy, 4)
    ev["allele_specific"] = has_minor
    call.ploidy_class = call.observed_class
    call.low_hypodiploid = n_obs <= rules["low_hypodiploid_max"]
    call.masked = False
    if not has_minor:
        call.masked = call.doubled = None
        if count_says_doubled and _looks_doubled_without_minor(autosomes, ploidy, rules):
            call.ploidy_class, call.low_hypodiploid = INDETERMINATE, None
            ev["decision"] = (f"{n_obs} chromosomes with a doubled-looking pattern (mean CN "
                              f"{ploidy:.2f}, tetrasomies vs trisomies) and no minor CN: masked "
                              "hypodiploidy cannot be excluded without allele-specific data")
        else:
            ev["decision"] = f"{n_obs} chromosomes counted (no minor CN: doubling not assessed)"
        return
    _assess_doubling(call, data, autosomes, n_obs, count_says_doubled, rules, classes)


def _recount_doubled(autosomes: Sequence[ChromosomeState], reference: int,
                     evidence: dict[str, Any]) -> None:
    """In a doubled genome, arm-level and partial autosomes are counted against 4, not 2."""
    for s in autosomes:
        if s.level in ("arm", "partial"):
            s.counted = arm_level_count([a for a in s.arms if a.median_cn is not None], reference)
    evidence["counting_reference"] = reference


def _looks_doubled_without_minor(autosomes: Sequence[ChromosomeState], ploidy: float,
                                 rules: Mapping[str, float]) -> bool:
    tetra = sum(1 for s in autosomes if s.counted >= 4)
    tri = sum(1 for s in autosomes if s.counted == 3)
    return (ploidy >= rules["doubled_min_ploidy"]
            or (tetra >= rules["doubling_min_tetrasomies"] and tri <= tetra))


def _assess_doubling(call: PloidyCall, data: SegmentInput,
                     autosomes: Sequence[ChromosomeState], n_obs: int, count_says_doubled: bool,
                     rules: Mapping[str, float], classes: Sequence[PloidyClass]) -> None:
    ev = call.evidence
    for s in call.states:
        s.pre_doubling = _ancestral(s)
    n_anc = sum(s.pre_doubling if s.pre_doubling is not None else max(1, round(s.counted / 2))
                for s in call.states)
    major_fraction = _major_ge2_fraction(data)
    call.doubled = major_fraction is not None and major_fraction > rules["wgd_major_fraction"]
    loh_k2 = [s.chrom for s in autosomes if s.loh and s.counted >= 2]
    whole_loh = [s.chrom for s in autosomes if s.loh]
    partial_loh = [s.chrom for s in autosomes if not s.loh and any(
        a.loh_fraction is not None and a.loh_fraction >= rules["loh_min_fraction"]
        for a in s.arms)]
    ev.update({
        "major_cn_ge2_fraction": None if major_fraction is None else round(major_fraction, 4),
        "loh_at_2plus_copies": loh_k2, "arm_level_loh": partial_loh,
        "pre_doubling_estimated": _chroms(s for s in call.states if s.pre_doubling is None),
    })
    doubled_looking = count_says_doubled or call.doubled
    if call.doubled or doubled_looking:
        call.pre_doubling_count = n_anc
        ev["lost_before_doubling"] = _chroms(
            s for s in call.states if (s.pre_doubling or 0) < s.expected)
        ev["gained_before_doubling"] = _chroms(
            s for s in call.states if (s.pre_doubling or 0) > s.expected)
    hypodiploid_pattern = (doubled_looking and len(loh_k2) >= rules["masked_min_loh_autosomes"]
                           and n_anc <= rules["masked_max_pre_doubling"])
    if hypodiploid_pattern and len(partial_loh) <= rules["masked_max_partial_loh"]:
        call.masked, call.low_hypodiploid = True, n_anc <= rules["low_hypodiploid_max"]
        call.ploidy_class = classify(n_anc, classes)
        ev["decision"] = (f"masked hypodiploid: {n_obs} chromosomes observed, whole-chromosome "
                          f"LOH at 2+ copies on {len(loh_k2)} autosomes "
                          f"({', '.join(loh_k2)}), others heterozygous; {n_anc} before doubling")
    elif hypodiploid_pattern:
        call.ploidy_class, call.low_hypodiploid, call.masked = INDETERMINATE, None, None
        ev["decision"] = (f"doubled-looking genome with LOH on {len(loh_k2)} autosomes and "
                          f"{n_anc} before doubling, but arm-level LOH on {len(partial_loh)} "
                          "others: masked hypodiploidy neither shown nor excluded")
    elif doubled_looking and len(whole_loh) <= rules["hyperdiploid_max_loh"]:
        trisomies = [s for s in autosomes if s.counted == 3]
        het = all(s.minor_cn == 1 for s in trisomies)
        ev["decision"] = (f"{n_obs} chromosomes; {len(whole_loh)} whole-chromosome LOH; "
                          f"trisomies {'heterozygous (2:1)' if het else 'not all 2:1'}: "
                          "not a doubled hypodiploid")
        if not call.doubled:  # gains, not a doubling: no pre-doubling count to report
            call.pre_doubling_count = None
            ev.pop("lost_before_doubling", None)
            ev.pop("gained_before_doubling", None)
    else:
        ev["decision"] = f"{n_obs} chromosomes counted"
        if call.doubled and n_anc <= rules["masked_max_pre_doubling"]:
            ev["notes"].append(f"whole-genome doubled with {n_anc} before doubling but only "
                               f"{len(loh_k2)} LOH autosomes: review")


def _ancestral(state: ChromosomeState) -> int | None:
    if state.level == "not_measured":
        return state.expected if state.chrom in SEX_CHROMOSOMES else 2
    if state.chrom == "Y" or (state.chrom == "X" and state.expected == 1):
        return min(state.counted, max(1, round(state.counted / 2))) if state.counted else 0
    total = state.total_cn if state.total_cn is not None else state.counted
    return pre_doubling_copies(total, state.minor_cn, state.loh)


# --- files ------------------------------------------------------------------------------------

def ploidy_sample(sample: str, segments_path: str | Path, genome: str,
                  sex: str | None = None, purity: float | None = None,
                  rules: Mapping[str, float] | None = None) -> tuple[PloidyCall, SegmentInput]:
    """The ploidy call of one sample's segments TSV, and the segments it was made from."""
    data = read_segments(segments_path, genome, purity)
    return call_ploidy(sample, data, genome, sex, rules), data


def write_ploidy_json(call: PloidyCall, path: str | Path, segments_path: str | Path,
                      purity: float | None) -> None:
    """<sample>.ploidy.json: the call, the segments file it came from and the purity used."""
    from .writers import write_json

    record = call.to_json()
    record["segments_file"] = Path(segments_path).name
    record["purity"] = purity
    write_json(path, record)


def cohort_ploidy_table(json_paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """One row per <sample>.ploidy.json (columns PLOIDY_TABLE_COLUMNS), sorted by sample."""
    rows = []
    for path in json_paths:
        try:
            with open(path, encoding="utf-8") as handle:
                record = json.load(handle)
        except (OSError, json.JSONDecodeError) as error:
            raise LenallInputError(f"cannot read ploidy result: {error}", file=path) from None
        ev = record.get("evidence", {})
        masked = record.get("masked")
        rows.append({
            "sample": record.get("sample"),
            "modal_number": record.get("modal_number"),
            "class": record.get("class"),
            "low_hypodiploid": record.get("low_hypodiploid"),
            "masked": masked,
            "pre_doubling_count": record.get("pre_doubling_count"),
            "lost": ev.get("lost_before_doubling" if masked else "lost", []),
            "gained": ev.get("gained_before_doubling" if masked else "gained", []),
            "loh": ev.get("loh", []),
            "qc_status": record.get("qc", {}).get("status"),
        })
    return sorted(rows, key=lambda r: str(r["sample"]))


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """Command-line NAME=VALUE overrides -> mapping."""
    pairs = {}
    for item in items:
        if "=" not in item:
            raise LenallInputError(f"'{item}' is not NAME=VALUE", field="--param",
                                   hint="e.g. --param state_min_fraction=0.85")
        name, value = item.split("=", 1)
        pairs[name.strip()] = value.strip()
    return pairs
