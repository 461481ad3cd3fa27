"""ISCN karyotype strings -> clones, copy numbers, rearrangements and named findings.

Rules (docs/methods.md, "Karyotypes (ISCN)"; thresholds in assets/karyotype_rules.tsv, named
rearrangements in assets/karyotype_rearrangements.tsv, FISH probe sets in
assets/karyotype_fish_probes.tsv):

- Brackets are checked first; then the text is split at top-level `.` (karyotype vs `ish` /
  `nuc ish` parts), `/` (clones) and `,` (items).
- A clone is `count,sex,items...[cells]`; the sex token lists the sex chromosomes present, so an
  acquired `-X`/`-Y` next to it is already reflected (`45,X,-Y`), while `+X` adds one. In a
  clone without its own sex token (`idem`, `sl`, `sdl`) `-X`/`-Y` remove one.
- Numerical changes are read against the ploidy level (1n..4n) that reconciles the stated count,
  or the explicit `<3n>`; the count must match exactly, a composite clone within
  count_tolerance_composite.
- A two-chromosome derivative without `+` (dic(9;20), der(1;7), rob) replaces both homologues by
  one chromosome: the count drops by one and the last-named chromosome loses a copy.
- `c` items are constitutional: counted in copies but not tumour events (not in gains/losses,
  rearrangements or findings).
- modal_number: the stemline's count (the midpoint, rounded down, of a range such as 68~72).
- The detailed form (`der(9)(9pter->9q34::22q11.2->22qter)`) is read into the short form's parts;
  its breakpoints are the bands beside each `::` / `:`.
- iAMP21 (Harrison 2014; Moorman 2007): RUNX1 FISH counts decide; 21q amplification written in
  the karyotype (amp, hsr, qdp, a repeat written x?) is iAMP21 with confidence medium; the
  appearance alone (idic(21), i(21), r(21), ...) is possible only (positive None = equivocal).
- Doubled (masked) hypodiploid clones (Carroll 2019; Safavi & Paulsson 2017): a clone with every
  autosome at 2 or 4 copies takes the class of the hypodiploid clone it doubles; alone it is
  "possible doubled hypodiploid", never high hyperdiploid.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from ..assets import asset, read_commented_tsv
from ..errors import LenallInputError
from ..genome import AUTOSOMES

FIELD = "karyotype"
SEX = ("X", "Y")
OPEN = {"(": ")", "[": "]", "<": ">"}
CLOSE = {v: k for k, v in OPEN.items()}

STRUCT_KINDS = ("idic", "ider", "der", "dic", "ins", "inv", "del", "dup", "add", "amp", "hsr",
                "rob", "trp", "qdp", "t", "i", "r")
NEEDS_BANDS = {"t", "dic", "add", "del", "dup", "inv", "ins"}
MIN_CHROMS = {"t": 2, "dic": 2, "rob": 2}
MAX_CHROMS = {"t": 4, "dic": 2, "rob": 2, "der": 2, "ins": 2}
STRUCT_RE = re.compile(r"(" + "|".join(STRUCT_KINDS) + r")\(")
BAND = r"(?:\?|cen|[pq]\??(?:ter|\d\??(?:\d\??)?(?:\.\d{1,3}\??)?)?)"
BAND_GROUP_RE = re.compile(rf"(?:{BAND}(?:~{BAND}|~\d+(?:\.\d+)?)?)+")
BAND_ONE_RE = re.compile(BAND)
COUNT_RE = re.compile(r"(\d+)(?:~(\d+))?(?:<(\d)n>)?")
NUMERIC_RE = re.compile(r"([+-])(\d{1,2}|X|Y)(?:x(\d+))?(c?)")
MARKER_RE = re.compile(r"(\+?)(\d+)?(?:~(\d+))?mar(\d*)(?:x(\d+))?(c?)")
DMIN_RE = re.compile(r"(\+?)(\d+)?(?:~(\d+))?dmin")
INHERIT_RE = re.compile(r"(idem|sl|sdl)(\d*)(?:x(\d))?")
CELLS_RE = re.compile(r"\[(cp)?(\d+)\]")
CHROMS = set(AUTOSOMES) | set(SEX) | {"?"}


class KaryotypeError(LenallInputError):
    """A karyotype that cannot be read; `position` is the 1-based character in the text."""

    def __init__(self, message: str, *, position: int, source, row, hint: str) -> None:
        super().__init__(f"{message} at character {position}", file=source, line=row,
                         field=FIELD, hint=hint)
        self.position = position


@dataclass(frozen=True)
class Rearrangement:
    kind: str  # outer ISCN kind: t, der, dic, del, ...
    chromosomes: tuple[str, ...]
    bands: tuple[str, ...]  # one band group per chromosome ("" when none written)
    text: str
    parts: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()  # der(...)t(...) parts
    gained: int = 0  # extra copies (+der(22) -> 1)
    uncertain: bool = False
    multiplicity: str = ""  # the `x` suffix as written: "" | "2" | "?" (an unknown number)


@dataclass(frozen=True)
class Clone:
    count_low: int
    count_high: int
    cells: int | None
    composite: bool
    role: str  # stemline | sideline | normal
    items: tuple[str, ...]
    copies: dict[str, int]
    gains: dict[str, int]
    losses: dict[str, int]
    rearrangements: tuple[Rearrangement, ...]
    markers: int
    dmin: bool
    ploidy_level: int
    parent: int | None = None  # index of the clone it was written against (idem/sl/sdl)
    doubled: bool = False


@dataclass(frozen=True)
class FishResult:
    text: str
    method: str  # "nuc ish" | "ish"
    probes: tuple[str, ...]
    signals: dict[str, int]
    patterns: tuple[str, ...]  # "con" / "sep" terms as written
    cells_positive: int | None
    cells_scored: int | None
    event: str | None
    positive: bool | None
    detail: str


@dataclass(frozen=True)
class KaryotypeFinding:
    kind: str  # fusion | rearrangement | ploidy | amplification | fish
    event: str
    detail: str
    cells: int | None
    clone: int | None  # index into Karyotype.clones; None for FISH
    positive: bool | None = True  # None: possible, not shown (equivocal)
    confidence: str = "high"


@dataclass(frozen=True)
class Karyotype:
    text: str
    clones: tuple[Clone, ...]
    constitutional: tuple[str, ...]
    ish: tuple[FishResult, ...]
    modal_number: int | None = None
    is_normal: bool = False
    _findings: tuple[KaryotypeFinding, ...] = field(default=(), repr=False)

    def findings(self) -> tuple[KaryotypeFinding, ...]:
        return self._findings


# --- data -------------------------------------------------------------------------------------

@cache
def load_rules() -> dict[str, str]:
    return {r["parameter"]: r["value"] for r in read_commented_tsv(asset("karyotype_rules.tsv"))}


@cache
def load_rearrangements() -> tuple[dict[str, str], ...]:
    return tuple(read_commented_tsv(asset("karyotype_rearrangements.tsv")))


@cache
def load_probes() -> dict[frozenset[str], dict[str, str]]:
    rows = read_commented_tsv(asset("karyotype_fish_probes.tsv"))
    return {frozenset(r["probes"].split(",")): r for r in rows}


# --- splitting --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Ctx:
    text: str
    source: object
    row: int | None

    def fail(self, message: str, offset: int, hint: str):
        raise KaryotypeError(message, position=offset + 1, source=self.source, row=self.row,
                             hint=hint)


def _is_arrow(text: str, i: int) -> bool:
    """The '>' of a detailed-form '->' (9pter->9q34) is not a bracket."""
    return text[i] == ">" and i > 0 and text[i - 1] == "-"


def _check_brackets(ctx: _Ctx) -> None:
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(ctx.text):
        if _is_arrow(ctx.text, i):
            continue
        if ch in OPEN:
            stack.append((ch, i))
        elif ch in CLOSE:
            if not stack or stack[-1][0] != CLOSE[ch]:
                ctx.fail(f"unbalanced '{ch}'", i, "every ')' ']' '>' needs its opening bracket")
            stack.pop()
    if stack:
        ch, i = stack[-1]
        ctx.fail(f"unclosed '{ch}'", i, f"close it with '{OPEN[ch]}'")


def _split(text: str, start: int, sep: str) -> list[tuple[str, int]]:
    """Top-level pieces of text (offset start in the whole string) split at sep."""
    pieces, depth, begin = [], 0, 0
    for i, ch in enumerate(text):
        if _is_arrow(text, i):
            continue
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth -= 1
        elif ch == sep and depth == 0:
            pieces.append((text[begin:i], start + begin))
            begin = i + 1
    pieces.append((text[begin:], start + begin))
    return pieces


def _strip(piece: str, offset: int) -> tuple[str, int]:
    lead = len(piece) - len(piece.lstrip())
    return piece.strip(), offset + lead


# --- public -----------------------------------------------------------------------------------

def parse_karyotype(text: str, source: object = None, row: int | None = None) -> Karyotype:
    """Parse one ISCN string; bad input raises KaryotypeError (a LenallInputError)."""
    ctx = _Ctx(text, source, row)
    if not text or not text.strip():
        ctx.fail("empty karyotype", 0, "write e.g. 46,XX[20]")
    _check_brackets(ctx)
    parts = [_strip(p, o) for p, o in _split(text, 0, ".")]
    karyo_parts, ish_parts = [], []
    for piece, offset in parts:
        if not piece:
            ctx.fail("empty part between '.'", offset, "`.` separates the karyotype from ish")
        (ish_parts if re.match(r"(nuc\s+)?ish\b", piece) else karyo_parts).append((piece, offset))
    if len(karyo_parts) > 1:
        ctx.fail("a second karyotype after '.'", karyo_parts[1][1],
                 "only `ish` / `nuc ish` results may follow the karyotype after '.'")
    clones: list[Clone] = []
    constitutional: list[str] = []
    if karyo_parts:
        piece, offset = karyo_parts[0]
        for clone_text, clone_offset in _split(piece, offset, "/"):
            clone_text, clone_offset = _strip(clone_text, clone_offset)
            clones.append(_parse_clone(ctx, clone_text, clone_offset, clones, constitutional))
    fish = tuple(r for piece, offset in ish_parts for r in _parse_ish(ctx, piece, offset))
    abnormal = [c for c in clones if c.role != "normal"]
    modal = (abnormal[0].count_low + abnormal[0].count_high) // 2 if abnormal else None
    karyotype = Karyotype(text=text, clones=tuple(clones), constitutional=tuple(constitutional),
                          ish=fish, modal_number=modal, is_normal=bool(clones) and not abnormal)
    object.__setattr__(karyotype, "_findings", _findings(karyotype))
    return karyotype


# --- clones -----------------------------------------------------------------------------------

def _parse_clone(ctx: _Ctx, text: str, offset: int, previous: list[Clone],
                 constitutional: list[str]) -> Clone:
    if not text:
        ctx.fail("empty clone", offset, "remove the extra '/'")
    cells, composite, body = None, False, text
    match = re.search(r"\[[^\]]*\]$", text)
    if match:
        cells_match = CELLS_RE.fullmatch(match.group())
        if not cells_match:
            ctx.fail(f"bad cell count '{match.group()}'", offset + match.start(),
                     "write [20] or [cp10]")
        composite, cells = bool(cells_match.group(1)), int(cells_match.group(2))
        body = text[:match.start()]
    items = [_strip(p, o) for p, o in _split(body, offset, ",")]
    for item, item_offset in items:
        if not item:
            ctx.fail("empty item", item_offset, "remove the extra ','")
    low, high, level = _parse_count(ctx, *items[0])
    rest = items[1:]
    sex = None
    if rest and re.fullmatch(r"[XY]+", rest[0][0]):
        sex = rest[0][0]
        rest = rest[1:]
    state = _State(sex_token=sex is not None)
    parent_index, doubled = None, False
    for item, item_offset in rest:
        inherit = INHERIT_RE.fullmatch(item)
        if inherit:
            parent_index, doubled = _inherit(ctx, inherit, item_offset, previous, state)
            continue
        _apply_item(ctx, item, item_offset, state, constitutional)
    if parent_index is None:
        if sex is None:
            ctx.fail("sex chromosomes missing after the count", items[0][1] + len(items[0][0]),
                     "write e.g. 46,XY,... (or idem/sl/sdl for a related clone)")
        level = _reconcile(ctx, items[0], low, high, composite, level, state, sex)
        for chrom in AUTOSOMES:
            state.copies[chrom] += level
            state.reference[chrom] += level
        for chrom in SEX:
            state.copies[chrom] += sex.count(chrom)
    else:
        parent = previous[parent_index]
        level = parent.ploidy_level * (2 if doubled else 1)
    counted = sum(state.copies.values()) + state.extra
    if parent_index is None:
        _check_count(ctx, items[0], low, high, composite, counted)
    return _make_clone(state, low, high, cells, composite, level, parent_index, doubled,
                       tuple(i for i, _ in items[1:]), previous)


@dataclass
class _State:
    sex_token: bool
    copies: Counter = field(default_factory=Counter)
    reference: Counter = field(default_factory=Counter)  # level + constitutional changes
    sex_changes: Counter = field(default_factory=Counter)
    extra: int = 0  # markers and other chromosomes not assigned to a number
    markers: int = 0
    dmin: bool = False
    rearrangements: list[Rearrangement] = field(default_factory=list)


def _parse_count(ctx: _Ctx, text: str, offset: int) -> tuple[int, int, int | None]:
    match = COUNT_RE.fullmatch(text)
    if not match:
        ctx.fail(f"'{text}' is not a chromosome count", offset,
                 "a clone starts with its count, e.g. 46 or 68~72 or 69<3n>")
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    rules = load_rules()
    lo, hi = int(rules["min_count"]), int(rules["max_count"])
    for value in (low, high):
        if not lo <= value <= hi:
            ctx.fail(f"impossible chromosome count {value}", offset,
                     f"a clone has {lo}-{hi} chromosomes (assets/karyotype_rules.tsv)")
    if high < low:
        ctx.fail(f"count range {low}~{high} runs backwards", offset, "write low~high")
    level = int(match.group(3)) if match.group(3) else None
    if level is not None and level not in (1, 2, 3, 4):
        ctx.fail(f"ploidy level <{level}n>", offset, "use <1n>..<4n>")
    return low, high, level


def _inherit(ctx, match, offset, previous, state) -> tuple[int, bool]:
    word, number, times = match.group(1), match.group(2), match.group(3)
    if not any(c.role != "normal" for c in previous):
        ctx.fail(f"'{match.group()}' has no earlier abnormal clone to refer to", offset,
                 "idem/sl refer to the stemline written before them")
    stem = next(i for i, c in enumerate(previous) if c.role != "normal")
    if word in ("idem", "sl"):
        index = stem
    elif number:
        sidelines = [i for i, c in enumerate(previous) if c.role == "sideline"]
        if int(number) > len(sidelines):
            ctx.fail(f"'{match.group()}' names sideline {number}, which does not exist", offset,
                     "sdl1 is the first sideline after the stemline")
        index = sidelines[int(number) - 1]
    else:
        index = len(previous) - 1
    factor = int(times) if times else 1
    parent = previous[index]
    for chrom, value in parent.copies.items():
        state.copies[chrom] += value * factor
    for chrom in AUTOSOMES:
        state.reference[chrom] += parent.ploidy_level * factor
    state.extra += parent.markers * factor
    state.markers += parent.markers * factor
    state.dmin = state.dmin or parent.dmin
    state.rearrangements.extend(parent.rearrangements)
    for chrom in SEX:
        change = parent.gains.get(chrom, 0) - parent.losses.get(chrom, 0)
        state.sex_changes[chrom] += change * factor
    return index, factor > 1


def _apply_item(ctx: _Ctx, item: str, offset: int, state: _State,
                constitutional: list[str]) -> None:
    numeric = NUMERIC_RE.fullmatch(item)
    marker = MARKER_RE.fullmatch(item)
    if numeric:
        sign, chrom, times, const = numeric.groups()
        n = (int(times) if times else 1) * (1 if sign == "+" else -1)
        if chrom not in CHROMS:
            ctx.fail(f"unknown chromosome '{chrom}'", offset, "chromosomes are 1-22, X, Y")
        if chrom in SEX and n < 0 and state.sex_token:
            state.sex_changes[chrom] += 0 if const else n  # sex token already lists it
        else:
            state.copies[chrom] += n
            if chrom in SEX and not const:
                state.sex_changes[chrom] += n
        if const:
            constitutional.append(item)
            if chrom not in SEX:
                state.reference[chrom] += n
    elif marker:
        sign, n, _high, _id, times, const = marker.groups()
        count = (int(n) if n else 1) * (int(times) if times else 1)
        state.extra += count
        if const:
            constitutional.append(item)
        else:
            state.markers += count
    elif DMIN_RE.fullmatch(item):
        state.dmin = True
    elif STRUCT_RE.match(item.lstrip("+-")):
        _apply_structural(ctx, item, offset, state, constitutional)
    else:
        ctx.fail(f"unknown item '{item}'", offset,
                 "expected +N/-N, a rearrangement such as t(9;22)(q34;q11.2), mar, dmin, "
                 "idem/sl/sdl")


def _apply_structural(ctx, item, offset, state, constitutional) -> None:
    sign = item[0] if item[0] in "+-" else ""
    body = item[len(sign):]
    const, times, multiplicity = False, 1, ""
    tail = re.search(r"(?:x(\d+|\?))?(c?)$", body)
    if tail and tail.group():
        multiplicity = tail.group(1) or ""
        if multiplicity == "?" and sign:
            ctx.fail(f"'{item}' adds an unknown number (x?) of chromosomes", offset,
                     "write the number of copies (x2, x3) or leave out the '+'")
        times = int(multiplicity) if multiplicity.isdigit() else 1
        const = bool(tail.group(2))
        body = body[:tail.start()]
    parts = _structural_parts(ctx, body, offset + len(sign))
    kind, chroms, bands = parts[0]
    inner = parts[1:] if len(parts) > 1 else ()
    all_chroms = tuple(dict.fromkeys(c for _, cs, _ in parts for c in cs))
    all_bands = tuple(b for _, _, bs in parts for b in bs)
    rearr = Rearrangement(kind=kind, chromosomes=all_chroms, bands=all_bands, text=item,
                          parts=tuple(inner) if inner else (parts[0],),
                          gained=times if sign == "+" else 0, uncertain="?" in body,
                          multiplicity=multiplicity)
    n = times * (1 if sign == "+" else -1 if sign == "-" else 0)
    if sign:
        _add_copies(state, chroms[0], n, const)
    elif kind in ("dic", "der", "rob") and len(chroms) == 2:
        _add_copies(state, chroms[1], -1, const)  # two homologues replaced by one chromosome
    if const:
        constitutional.append(item)
    else:
        state.rearrangements.append(rearr)


def _add_copies(state: _State, chrom: str, n: int, const: bool) -> None:
    if chrom == "?":
        state.extra += n
        return
    state.copies[chrom] += n
    if const and chrom not in SEX:
        state.reference[chrom] += n
    elif chrom in SEX and not const:
        state.sex_changes[chrom] += n


def _structural_parts(ctx, body: str, offset: int):
    parts, i = [], 0
    while i < len(body):
        match = STRUCT_RE.match(body, i)
        if not match:
            ctx.fail(f"unknown rearrangement text '{body[i:]}'", offset + i,
                     f"known kinds: {', '.join(sorted(STRUCT_KINDS))}")
        kind = match.group(1)
        close = body.index(")", match.end())
        chrom_text = body[match.end():close]
        chroms = tuple(c.strip() for c in chrom_text.split(";"))
        for c in chroms:
            if c not in CHROMS:
                ctx.fail(f"unknown chromosome '{c}' in {kind}()", offset + match.end(),
                         "chromosomes are 1-22, X, Y or ?")
        lo, hi = MIN_CHROMS.get(kind, 1), MAX_CHROMS.get(kind, 1)
        if not lo <= len(chroms) <= hi:
            ctx.fail(f"{kind}() names {len(chroms)} chromosome(s)", offset + match.end(),
                     f"{kind} needs {lo}" + (f"-{hi}" if hi != lo else "") + " chromosomes, "
                     "e.g. t(9;22)(q34;q11.2)")
        i = close + 1
        bands: tuple[str, ...] = ()
        if i < len(body) and body[i] == "(":
            band_close = body.index(")", i)
            if ":" in body[i:band_close] or "->" in body[i:band_close]:
                parts.extend(_detailed_parts(ctx, kind, chroms, body[i + 1:band_close],
                                             offset + i + 1))
                i = band_close + 1
                continue
            bands = tuple(b.strip() for b in body[i + 1:band_close].split(";"))
            if len(bands) != len(chroms):
                ctx.fail(f"{kind}() names {len(chroms)} chromosome(s) but {len(bands)} band "
                         "group(s)", offset + i, "give one band group per chromosome, "
                         "separated by ';'")
            position = i + 1
            for band in bands:
                if not BAND_GROUP_RE.fullmatch(band):
                    ctx.fail(f"bad band '{band}'", offset + position,
                             "bands are p/q + region + band, e.g. q34, q11.2, p13, pter, ?")
                position += len(band) + 1
            i = band_close + 1
        elif kind in NEEDS_BANDS:
            ctx.fail(f"{kind}() without breakpoints", offset + i,
                     f"write the bands, e.g. {kind}({chrom_text})(q21)")
        parts.append((kind, chroms, bands))
    return parts


DETAILED_END_RE = re.compile(rf"(\d{{1,2}}|X|Y)?({BAND})")


def _detailed_parts(ctx, kind: str, chroms: tuple[str, ...], text: str, offset: int):
    """The detailed form (ISCN 2020 ch. 9: `::` break and reunion, `:` break, `->` from-to) as the
    short form's parts: the bands next to each `::`/`:` are the breakpoints.

    der(9)(9pter->9q34::22q11.2->22qter) -> der(9) + t(9;22)(q34;q11.2);
    t(9;22)(9pter->9q34::22q11.2->22qter;22pter->22q11.2::9q34->9qter) -> t(9;22)(q34;q11.2).
    A segment end without a chromosome belongs to the rearrangement's (first) chromosome."""
    hint = ("write segments as 9pter->9q34 joined by '::', e.g. "
            "der(9)(9pter->9q34::22q11.2->22qter)")
    breaks: dict[str, list[str]] = {}
    group_start = 0  # offset of the group in text
    groups = text.split(";")
    if kind != "der" and len(groups) > max(1, len(chroms)):
        ctx.fail(f"{kind}() names {len(chroms)} chromosome(s) but the detailed form has "
                 f"{len(groups)} derivative(s)", offset, "one ';'-separated group per chromosome")
    for group in groups:
        if not group.strip():
            ctx.fail("empty derivative in the detailed form", offset + group_start, hint)
        # a chromosome: segments joined by '::'; a lone ':' ends it at a break (terminal deletion)
        pieces = group.split("::")
        piece_start = group_start
        for n, piece in enumerate(pieces):
            at = offset + piece_start + len(piece) - len(piece.lstrip())
            segment = piece.strip()
            terminal_before = segment.startswith(":")
            terminal_after = segment.endswith(":")
            segment = segment.strip(":").strip()
            ends = [e.strip() for e in re.split(r"->|\u2192", segment)] if segment else []
            if not ends or len(ends) > 2 or not all(ends):
                ctx.fail(f"bad segment '{piece.strip()}' in the detailed form", at, hint)
            parsed = []
            for end in ends:
                match = DETAILED_END_RE.fullmatch(end)
                if not match or match.group(2) == "":
                    ctx.fail(f"bad segment end '{end}' in the detailed form",
                             at + max(0, piece.strip().find(end)), hint)
                chrom = match.group(1) or chroms[0]
                if chrom not in CHROMS:
                    ctx.fail(f"unknown chromosome '{chrom}' in the detailed form", at,
                             "chromosomes are 1-22, X, Y")
                parsed.append((chrom, match.group(2)))
            first, last = parsed[0], parsed[-1]
            if n > 0 or terminal_before:
                breaks.setdefault(first[0], []).append(first[1])
            if n < len(pieces) - 1 or terminal_after:
                breaks.setdefault(last[0], []).append(last[1])
            piece_start += len(piece) + 2  # the piece and its '::'
        group_start += len(group) + 1  # the group and its ';'
    if not breaks:
        ctx.fail("the detailed form has no break ('::' or ':')", offset, hint)
    outside = [c for c in breaks if c not in chroms]
    if kind != "der" and outside:
        ctx.fail(f"{kind}({';'.join(chroms)}) has a break on chromosome {outside[0]} in the "
                 "detailed form", offset, f"name chromosome {outside[0]} in {kind}()")
    def bands_of(chrom: str) -> str:
        return "".join(dict.fromkeys(breaks.get(chrom, [])))
    if kind != "der":
        missing = [c for c in chroms if c not in breaks]
        if missing:
            ctx.fail(f"no break on chromosome {missing[0]} in the detailed form", offset, hint)
        return [(kind, chroms, tuple(bands_of(c) for c in chroms))]
    others = [c for c in breaks if c not in chroms]
    if not others:  # an intrachromosomal derivative: its own breakpoints
        return [(kind, chroms, tuple(bands_of(c) for c in chroms))]
    order = {c: i for i, c in enumerate((*SEX, *AUTOSOMES))}  # ISCN: X, Y, then 1-22
    joined = tuple(sorted(dict.fromkeys([*chroms, *others]), key=lambda c: order.get(c, 99)))
    return [(kind, chroms, ()), ("t", joined, tuple(bands_of(c) for c in joined))]


def _count_at(level: int, sex: str, state: _State) -> int:
    return 22 * level + len(sex) + sum(state.copies.values()) + state.extra


def _reconcile(ctx, count_item, low, high, composite, level, state, sex) -> int:
    candidates = [level] if level else sorted((1, 2, 3, 4), key=lambda n: abs(23 * n - low))
    tolerance = _tolerance(composite)
    for candidate in candidates:
        if low - tolerance <= _count_at(candidate, sex, state) <= high + tolerance:
            return candidate
    shown = candidates[0]
    ctx.fail(f"count {count_item[0]} does not match the listed changes (they give "
             f"{_count_at(shown, sex, state)} at {shown}n)", count_item[1],
             _count_hint(composite))


def _tolerance(composite: bool) -> int:
    rules = load_rules()
    return int(rules["count_tolerance_composite" if composite else "count_tolerance"])


def _count_hint(composite: bool) -> str:
    return (f"the count must equal the count the +/- items give (within {_tolerance(composite)}"
            f"{' for a composite clone' if composite else ''}); check for a missing item")


def _check_count(ctx, count_item, low, high, composite, counted) -> None:
    tolerance = _tolerance(composite)
    if not low - tolerance <= counted <= high + tolerance:
        ctx.fail(f"count {count_item[0]} does not match the listed changes (they give "
                 f"{counted})", count_item[1], _count_hint(composite))


def _make_clone(state, low, high, cells, composite, level, parent, doubled, items, previous):
    copies = {c: state.copies[c] for c in (*AUTOSOMES, *SEX)}
    gains = {c: copies[c] - state.reference[c] for c in AUTOSOMES
             if copies[c] > state.reference[c]}
    losses = {c: state.reference[c] - copies[c] for c in AUTOSOMES
              if copies[c] < state.reference[c]}
    for chrom in SEX:
        change = state.sex_changes[chrom]
        if change > 0:
            gains[chrom] = change
        elif change < 0:
            losses[chrom] = -change
    acquired = bool(gains or losses or state.rearrangements or state.markers or state.dmin)
    if not acquired:
        role = "normal"
    elif parent is not None or any(c.role == "stemline" for c in previous):
        role = "sideline"
    else:
        role = "stemline"
    return Clone(count_low=low, count_high=high, cells=cells, composite=composite, role=role,
                 items=items, copies=copies, gains=gains, losses=losses,
                 rearrangements=tuple(state.rearrangements), markers=state.markers,
                 dmin=state.dmin, ploidy_level=level, parent=parent, doubled=doubled)


# --- FISH -------------------------------------------------------------------------------------

def _parse_ish(ctx: _Ctx, piece: str, offset: int) -> list[FishResult]:
    method = "nuc ish" if piece.startswith("nuc") else "ish"
    body_start = re.match(r"(nuc\s+)?ish\s*", piece).end()
    results = []
    for chunk, chunk_offset in _split(piece[body_start:], offset + body_start, ","):
        chunk, chunk_offset = _strip(chunk, chunk_offset)
        if not chunk:
            ctx.fail("empty FISH result", chunk_offset, "remove the extra ','")
        results.append(_parse_fish(ctx, method, chunk, chunk_offset))
    return results


def _parse_fish(ctx: _Ctx, method: str, text: str, offset: int) -> FishResult:
    positive_cells = scored = None
    cells = re.search(r"\[(\d+)(?:/(\d+))?\]$", text)
    body = text
    if cells:
        if cells.group(2):
            positive_cells, scored = int(cells.group(1)), int(cells.group(2))
        else:
            scored = int(cells.group(1))
        body = text[:cells.start()]
    structural = STRUCT_RE.match(body)
    groups = re.findall(r"\(([^()]*)\)(?:x(\d+)(?:~\d+)?)?", body)
    if structural:
        groups = groups[2:] if len(groups) > 2 else groups[-1:]
    if not groups:
        ctx.fail(f"FISH result '{text}' names no probes", offset,
                 "write e.g. nuc ish(ABL1,BCR)x2[200]")
    signals: dict[str, int] = {}
    patterns: list[str] = []
    signs: dict[str, str] = {}
    bare: set[str] = set()
    for content, times in groups:
        for term in (t.strip() for t in content.split(",")):
            if " con " in term or " sep " in term:
                patterns.append(term)
                continue
            match = re.fullmatch(r"([A-Za-z0-9']+?)(?:x(\d+)(?:~(\d+))?|([+-]))?", term)
            if not match:
                ctx.fail(f"bad FISH probe term '{term}'", offset,
                         "write PROBEx2, PROBE-, 'A con B' or \"5'A sep 3'A\"")
            name = match.group(1)
            bare.add(name)
            if match.group(4):
                signs[name] = match.group(4)
            count = match.group(2) or times
            if count:
                signals[name] = int(count)
    probes = tuple(sorted(set(signals) | set(signs)))
    row = load_probes().get(frozenset(probes))
    parts = _parts_of_text(body) if structural and "RUNX1" in bare else None
    if parts is not None and _chr21_only(parts):
        event, positive, detail = _ish_iamp21(parts, signals.get("RUNX1"))
        probes = tuple(sorted(set(probes) | {"RUNX1"}))
    else:
        event, positive, detail = _fish_call(row, signals, signs, patterns, structural, body)
    if positive is False and positive_cells is not None:
        positive_cells = None
    return FishResult(text=text, method=method, probes=probes, signals=signals,
                      patterns=tuple(patterns), cells_positive=positive_cells,
                      cells_scored=scored, event=event, positive=positive, detail=detail)


def runx1_amplified(signals_per_cell: int | None = None,
                    extra_on_one_21: int | None = None) -> bool:
    """The iAMP21 rule (Harrison 2014; assets/karyotype_rules.tsv): >= iamp21_min_runx1_signals
    RUNX1 signals per cell, or >= iamp21_min_extra_copies extra copies of RUNX1 on one
    chromosome 21."""
    rules = load_rules()
    return ((signals_per_cell is not None
             and signals_per_cell >= int(rules["iamp21_min_runx1_signals"]))
            or (extra_on_one_21 is not None
                and extra_on_one_21 >= int(rules["iamp21_min_extra_copies"])))


def _fish_call(row, signals, signs, patterns, structural, body):
    if structural and row is None:
        event = _karyotype_event_of_text(body)
        return event, True if event else None, "metaphase ISH of a rearrangement"
    if row is None:
        return None, None, "probe set not in assets/karyotype_fish_probes.tsv"
    design, event = row["design"], row["event"]
    if design == "fusion":
        hit = any(" con " in p for p in patterns)
        return event, hit, "fusion signal" if hit else "no fusion signal"
    if design == "break_apart":
        hit = any(" sep " in p for p in patterns)
        return event, hit, "split signal" if hit else "no split signal"
    if design == "deletion":
        probe = next(iter(row["probes"].split(",")))
        hit = signs.get(probe) == "-" or signals.get(probe, 2) < 2
        return event, hit, "deleted" if hit else "not deleted"
    threshold = int(load_rules()["iamp21_min_runx1_signals"])
    count = max(signals.values(), default=0)
    return (event, runx1_amplified(signals_per_cell=count),
            f"{count} signals per cell (iAMP21 at >= {threshold}, Harrison 2014)")


def _parts_of_text(text: str):
    """The rearrangement parts of a metaphase ISH result, its probe group left out."""
    ctx = _Ctx(text, None, None)
    return _structural_parts(ctx, re.sub(r"\([^()]*[A-Z]{2}[^()]*\)$", "", text), 0)


def _karyotype_event_of_text(text: str) -> str | None:
    match = _match_event(_parts_of_text(text))
    return match["event"] if match else None


def _chr21_only(parts) -> bool:
    chroms = {c for _, cs, _ in parts for c in cs}
    return chroms == {"21"}


def _ish_iamp21(parts, runx1: int | None) -> tuple[str, bool | None, str]:
    """Metaphase ISH of an abnormal chromosome 21 with a RUNX1 probe (Harrison 2014): RUNX1
    signals on that one chromosome >= 1 + iamp21_min_extra_copies, or an amp/hsr of RUNX1."""
    rules = load_rules()
    extra = int(rules["iamp21_min_extra_copies"])
    if runx1 is not None:
        hit = runx1_amplified(extra_on_one_21=runx1 - 1)
        return "iAMP21", hit, (f"{runx1} RUNX1 signals on one abnormal chromosome 21 "
                               f"(iAMP21 at >= {1 + extra}: >= {extra} extra copies, "
                               "Harrison 2014)")
    amplified = set(rules["iamp21_amplified_kinds"].split(","))
    if any(kind in amplified for kind, _, _ in parts):
        return "iAMP21", True, "RUNX1 amplified on an abnormal chromosome 21 (Harrison 2014)"
    return "iAMP21", None, "RUNX1 on an abnormal chromosome 21, copies not given"


# --- findings ---------------------------------------------------------------------------------

def _band_matches(pattern: str, group: str) -> bool:
    if pattern == "v":
        return True
    for band in re.split(r"(?=[pq])|~", group.replace("?", "")):
        if band and (band.startswith(pattern) or pattern.startswith(band)) and band[0] == pattern[0]:
            return True
    return False


def _row_matches(row, kind, chroms, bands) -> bool:
    if row["kind"] != kind:
        return False
    wanted = list(zip(row["chromosomes"].split(";"), row["bands"].split(";"), strict=True))
    given = list(zip(chroms, bands or ("",) * len(chroms), strict=False))
    return _assign(wanted, given)


def _assign(wanted, given) -> bool:
    if not wanted:
        return True
    chrom, band = wanted[0]
    for i, (c, b) in enumerate(given):
        if (chrom == "v" or chrom == c) and _band_matches(band, b):
            if _assign(wanted[1:], given[:i] + given[i + 1:]):
                return True
    return False


def _specificity(row) -> tuple[int, int]:
    chroms = row["chromosomes"].split(";")
    return (sum(c != "v" for c in chroms), len(row["bands"]))


def _match_event(parts) -> dict[str, str] | None:
    best = None
    for kind, chroms, bands in parts:
        for row in load_rearrangements():
            if _row_matches(row, kind, chroms, bands):
                if best is None or _specificity(row) > _specificity(best):
                    best = row
    return best


def _extra_copies(kind: str) -> int:
    """Extra copies of the region a tandem repeat writes (dup 1, trp 2, qdp 3)."""
    table = dict(p.split(":") for p in load_rules()["iamp21_extra_copies_by_kind"].split(","))
    return int(table.get(kind, 0))


def _iamp21_call(rearr: Rearrangement) -> str | None:
    """`amplified` when the karyotype itself writes >= iamp21_min_extra_copies extra copies of 21q
    on one abnormal chromosome 21 (amp, hsr, qdp, or a repeat written x?); `suggestive` when it
    only has the iAMP21 appearance (idic, i, r, der, add, dup of 21); else None."""
    if set(rearr.chromosomes) != {"21"}:
        return None
    rules = load_rules()
    kinds = {rearr.kind} | {kind for kind, _, _ in rearr.parts}
    bands = [b for _, _, bs in rearr.parts for b in bs] + list(rearr.bands)
    on_q = not any(bands) or any("q" in b for b in bands)
    amplified = set(rules["iamp21_amplified_kinds"].split(","))
    repeats = {k for k in kinds if _extra_copies(k)}
    if on_q and (kinds & amplified or (repeats and rearr.multiplicity == "?") or any(
            _extra_copies(k) >= int(rules["iamp21_min_extra_copies"]) for k in repeats)):
        return "amplified"
    if kinds & set(rules["iamp21_suggestive_kinds"].split(",")):
        return "suggestive"
    return None


def _findings(k: Karyotype) -> tuple[KaryotypeFinding, ...]:
    found: list[KaryotypeFinding] = []
    seen: set[str] = set()
    for index, clone in enumerate(k.clones):
        cells = _lineage_cells(k.clones, index)
        for rearr in clone.rearrangements:
            if rearr.text in seen:
                continue
            seen.add(rearr.text)
            found.extend(_rearrangement_findings(rearr, index, cells))
        if clone.dmin and "dmin" not in seen:
            seen.add("dmin")
            found.append(KaryotypeFinding("amplification", "dmin", "double minutes", cells,
                                          index))
    stem = next((i for i, c in enumerate(k.clones) if c.role == "stemline"), None)
    if stem is not None and k.modal_number is not None:
        found.append(_ploidy_finding(k, stem))
    for result in k.ish:
        if result.event:
            cells = result.cells_positive if result.positive else result.cells_scored
            word = {True: "positive", False: "negative", None: "not determined"}[result.positive]
            found.append(KaryotypeFinding("fish", result.event,
                                          f"{word}: {result.detail} ({result.text})", cells, None,
                                          result.positive))
        iamp = _fish_iamp21(result)
        if iamp:
            found.append(iamp)
    return tuple(found)


def _fish_iamp21(result: FishResult) -> KaryotypeFinding | None:
    if result.event == "iAMP21" or "RUNX1" not in result.signals:
        return None
    threshold = int(load_rules()["iamp21_min_runx1_signals"])
    if not runx1_amplified(signals_per_cell=result.signals["RUNX1"]):
        return None
    return KaryotypeFinding("fish", "iAMP21", f"positive: {result.signals['RUNX1']} RUNX1 "
                            f"signals per cell (>= {threshold}, Harrison 2014) ({result.text})",
                            result.cells_positive or result.cells_scored, None, True)


def _rearrangement_findings(rearr, index, cells) -> list[KaryotypeFinding]:
    found = []
    row = _match_event(rearr.parts)
    if row:
        note = f"; {row['note']}" if row["note"] else ""
        uncertain = "; uncertain breakpoint (?)" if rearr.uncertain else ""
        found.append(KaryotypeFinding(row["finding"], row["event"],
                                      f"{rearr.text}{note}{uncertain}", cells, index))
    iamp21 = _iamp21_call(rearr)
    rules = load_rules()
    if iamp21 == "amplified":
        found.append(KaryotypeFinding(
            "amplification", "iAMP21",
            f"21q amplified on one abnormal chromosome 21: {rearr.text} (>= "
            f"{rules['iamp21_min_extra_copies']} extra copies; RUNX1 FISH >= "
            f"{rules['iamp21_min_runx1_signals']} signals confirms, Harrison 2014)", cells, index,
            True, "medium"))
    elif iamp21 == "suggestive":
        found.append(KaryotypeFinding(
            "amplification", "iAMP21",
            f"possible: {rearr.text} has the appearance of iAMP21 without its amplification "
            f"(confirm by RUNX1 FISH, >= {rules['iamp21_min_runx1_signals']} signals per cell, "
            "Harrison 2014)", cells, index, None, "low"))
    elif rearr.kind in ("amp", "hsr"):
        found.append(KaryotypeFinding("amplification", f"{rearr.kind}({rearr.chromosomes[0]})",
                                      rearr.text, cells, index))
    return found


def _lineage_cells(clones, index) -> int | None:
    """Cells of a clone and of the clones written against it (idem/sl/sdl)."""
    members = [index] + [i for i, c in enumerate(clones) if _descends(clones, i, index)]
    values = [clones[i].cells for i in members]
    return None if any(v is None for v in values) else sum(values)


def _descends(clones, i, ancestor) -> bool:
    parent = clones[i].parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = clones[parent].parent
    return False


# --- doubled (masked) hypodiploid clones --------------------------------------------------------
# A hypodiploid clone that doubled keeps its pattern in pairs: every autosome at 2 copies (lost
# before doubling) or 4 (kept), sex chromosomes and markers in even numbers, so its count (48-86)
# reads hyperdiploid or near-triploid (Carroll et al. 2019; Safavi & Paulsson 2017; Onodera 1992).
# Thresholds: assets/karyotype_rules.tsv doubled_*; the number of autosomes lost before doubling
# and the largest count before doubling are ploidy_rules.tsv masked_min_loh_autosomes and
# masked_max_pre_doubling, shared with the segments-based call (ploidy.py).

def _pre_doubling(clone: Clone) -> int | None:
    """The clone's count before doubling when its pattern is that of a doubled hypodiploid clone
    (karyotype_rules.tsv doubled_*; ploidy_rules.tsv masked_*), else None."""
    from ..ploidy import load_rules as ploidy_rules

    rules, shared = load_rules(), ploidy_rules()
    copies = {int(n) for n in rules["doubled_autosome_copies"].split(",")}
    if clone.count_low < int(rules["doubled_min_count"]) or clone.markers % 2:
        return None
    if any(clone.copies[c] not in copies for c in AUTOSOMES):
        return None
    if any(clone.copies[c] % 2 for c in SEX):
        return None
    lost = [c for c in AUTOSOMES if clone.copies[c] == min(copies)]
    pre = (sum(clone.copies.values()) + clone.markers) // 2
    if len(lost) < shared["masked_min_loh_autosomes"] or pre > shared["masked_max_pre_doubling"]:
        return None
    return pre


def _is_double_of(doubled: Clone, clone: Clone) -> bool:
    return all(doubled.copies[c] == 2 * clone.copies[c] for c in (*AUTOSOMES, *SEX))


def _count_text(clone: Clone) -> str:
    return f"{clone.count_low}" + (f"~{clone.count_high}" if clone.count_high != clone.count_low
                                   else "")


def _ploidy_finding(k: Karyotype, stem: int) -> KaryotypeFinding:
    from ..ploidy import classify, load_classes

    classes = load_classes()
    clone = k.clones[stem]
    cells = _lineage_cells(k.clones, stem)
    abnormal = [i for i, c in enumerate(k.clones) if c.role != "normal"]
    pre = _pre_doubling(clone) if not clone.doubled else None
    if pre is not None:  # the first abnormal clone itself reads doubled
        halves = [i for i in abnormal if i != stem and _is_double_of(clone, k.clones[i])]
        before = classify(pre, classes)
        if halves:
            half = k.clones[halves[0]]
            total = [cells, _lineage_cells(k.clones, halves[0])]
            return KaryotypeFinding(
                "ploidy", classify(half.count_low, classes),
                f"doubled (masked) hypodiploid: clone {_count_text(clone)} is clone "
                f"{_count_text(half)} doubled (every chromosome 2x); {before} before doubling",
                None if None in total else sum(total), stem)
        return KaryotypeFinding(
            "ploidy", f"possible doubled hypodiploid ({before})",
            f"possible doubled (masked) hypodiploid: {_count_text(clone)} chromosomes "
            f"({classify(k.modal_number, classes)} by count) with every autosome at 2 or 4 "
            f"copies, {sum(clone.copies[c] == 2 for c in AUTOSOMES)} at 2 (lost before "
            f"doubling); {pre} before doubling ({before}); confirm by allele-specific copy "
            "number (whole-chromosome LOH) or SNP array (Carroll 2019; Safavi & Paulsson 2017)",
            cells, stem, None, "low")
    name = classify(k.modal_number, classes)
    detail = f"stemline {_count_text(clone)}"
    doubled = [c for c in k.clones if c.doubled and c.parent == stem]
    written = [i for i in abnormal if i != stem and not k.clones[i].doubled
               and k.clones[i].parent is None and _is_double_of(k.clones[i], clone)]
    hypodiploid = k.modal_number <= int(load_rules()["doubled_max_stemline"])
    if hypodiploid and (doubled or written):
        detail = f"doubled (masked) hypodiploid: {detail}"
    for c in doubled:
        detail += f"; doubled clone {c.count_low} (idemx2, {c.cells} cells)"
    for i in written:
        c = k.clones[i]
        detail += f"; doubled clone {_count_text(c)} (written in full, {c.cells} cells)"
        extra = _lineage_cells(k.clones, i)
        cells = None if cells is None or extra is None else cells + extra
    return KaryotypeFinding("ploidy", name, detail, cells, stem)
