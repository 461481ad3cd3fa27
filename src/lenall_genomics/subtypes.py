"""Genetic subtype of a B-ALL patient from its events, mutations, ploidy and the evidence it has.

The rules are data: `assets/bcell_subtypes.tsv` (WHO-HAEM5 2022, ICC 2022, Gu et al. 2019,
Roberts et al. 2014). A patient takes the subtype of its highest-precedence matching rule; other
matching rules are listed as `also_found`. A rule that matched nothing is excluded only when the
patient has evidence able to see it (`assessable_by`); otherwise it is listed in `not_assessable`.
A patient with no match is `B-other` only when every rule was excluded; when only RNA-defined
subtypes could not be excluded it is `not assessable for RNA-defined subtypes`, else
`not assessable`.

Events are accepted from any `source` (rna, dna_cn, dna_sv, karyotype, clinical, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .assets import asset
from .cohort import expand_genes, fusion_matches, fusion_partners, natural_key
from .errors import LenallInputError

SUBTYPE_COLUMNS = ("patient", "subtype", "group", "evidence", "source_samples", "also_found",
                   "not_assessable")
SUBTYPES_COMMENTS = (
    "genetic subtype per patient; rules and sources: assets/bcell_subtypes.tsv "
    "(WHO-HAEM5 2022, ICC 2022, Gu 2019, Roberts 2014); docs/methods.md, Genetic subtypes",
    "subtype: highest-precedence match, else B-other (every subtype excluded) or not assessable; "
    "evidence: the lesion(s) (source, sample); source_samples: samples carrying them",
    "also_found: other matching subtypes, lower precedence; not_assessable: subtypes this "
    "patient's evidence could not exclude",
)
RULE_COLUMNS = ("subtype", "group", "precedence", "kind", "match", "unless", "genes",
                "assessable_by", "rna_defined", "source")
RULE_KINDS = ("fusion", "mutation", "ploidy", "karyotype", "none")
# Evidence an assessable_by entry may name. Gene-scoped ones hold for the rule's genes only.
GENE_SCOPED = ("rna_panel", "dna_panel", "dna_fusion_panel", "sv_calls")
WHOLE = ("segments", "karyotype", "clinical", "rna_expression")
ROW_PREFIX = "row:"
ANY_GENE = "*"  # gene-scoped evidence that covers every gene (genome-wide SV calls)
B_OTHER = "B-other"
NOT_ASSESSABLE_RNA = "not assessable for RNA-defined subtypes"
NOT_ASSESSABLE = "not assessable"
NONE = "."
FUSION_TYPES = ("fusion", "rearrangement", "translocation")
# A finding reported as negative (clinical "BCR::ABL1 negative") makes a patient evaluable, never
# altered: such an event never calls a subtype.
_NEGATIVE = re.compile(r"\b(negative|not detected|absent|no evidence of|normal)\b", re.IGNORECASE)
# A finding that could not be called (equivocal FISH; an idic(21) without RUNX1 FISH) calls nothing
# and excludes nothing: the subtype it names stays not assessable.
_EQUIVOCAL = re.compile(r"\bequivocal\b", re.IGNORECASE)


@dataclass(frozen=True)
class SubtypeRule:
    subtype: str
    group: str
    precedence: int
    kind: str
    match: tuple[str, ...]
    unless: tuple[str, ...]
    genes: tuple[str, ...]
    assessable_by: tuple[str, ...]
    rna_defined: bool
    source: str


@dataclass
class PatientEvidence:
    """What the cohort step knows of one patient (its oncoprint-column samples)."""

    patient: str
    events: list[Mapping[str, str]] = field(default_factory=list)  # EVENT_COLUMNS + sample
    mutations: list[Mapping[str, str]] = field(default_factory=list)  # gene, hgvsp, sample
    ploidy: list[Mapping[str, object]] = field(default_factory=list)  # ploidy.json + sample
    # evidence present: WHOLE names, `row:<row>` and gene-scoped `rna_panel:CRLF2`, `sv_calls:*`
    available: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Hit:
    rule: SubtypeRule
    sample: str
    text: str
    raw: str = ""  # the event's label and evidence text (BCR::ABL1 junction)


# --- the rules table ---------------------------------------------------------------------------

def _split(text: str | None, sep: str) -> tuple[str, ...]:
    text = (text or "").strip()
    if text in ("", NONE):
        return ()
    return tuple(p.strip() for p in text.split(sep) if p.strip())


def _table_lines(path: Path, columns: tuple[str, ...], what: str) -> list[tuple[int, str]]:
    """(line number, text) of a rules table's data lines, after checking its header; comment
    and blank lines skipped."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [(n, line.rstrip("\r\n")) for n, line in enumerate(handle, 1)
                     if line.strip() and not line.startswith("#")]
    except OSError as error:
        raise LenallInputError(f"cannot read: {error.strerror}", file=path) from error
    if not lines or lines[0][1].split("\t") != list(columns):
        raise LenallInputError(f"{what} header is not as expected", file=path,
                               line=lines[0][0] if lines else None,
                               hint=f"columns: {', '.join(columns)}")
    return lines[1:]


def load_rules(path: str | Path | None = None) -> tuple[SubtypeRule, ...]:
    """The subtype rules, in precedence order."""
    path = Path(path) if path else asset("bcell_subtypes.tsv")
    lines = _table_lines(path, RULE_COLUMNS, "subtype table")
    rules = [_rule(dict(zip(RULE_COLUMNS, text.split("\t"), strict=False)), path, number)
             for number, text in lines]
    names = [r.subtype for r in rules]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise LenallInputError(f"subtype(s) defined twice: {', '.join(twice)}", file=path,
                               field="subtype")
    return tuple(sorted(rules, key=lambda r: r.precedence))


def _rule(values: Mapping[str, str], path: Path, number: int) -> SubtypeRule:
    def fail(message: str, column: str, hint: str | None = None) -> LenallInputError:
        return LenallInputError(message, file=path, line=number, field=column, hint=hint)

    kind = (values.get("kind") or "").strip()
    if kind not in RULE_KINDS:
        raise fail(f"unknown kind '{kind}'", "kind", f"use one of {', '.join(RULE_KINDS)}")
    try:
        precedence = int(values.get("precedence") or "")
    except ValueError as error:
        raise fail("precedence is not a whole number", "precedence") from error
    match = _split(values.get("match"), "|")
    if kind != "none" and not match:
        raise fail(f"a {kind} rule needs a match", "match")
    for pattern in match + _split(values.get("unless"), "|"):
        if kind == "fusion" and pattern.count("::") > 1:
            raise fail(f"fusion pattern '{pattern}' is not 5'::3' or a gene", "match")
        if kind == "mutation" and not re.fullmatch(r"[A-Za-z0-9-]+:p\.\S+", pattern):
            raise fail(f"mutation pattern '{pattern}' is not GENE:p.HGVSp", "match",
                       "e.g. PAX5:p.P80R")
    bases = _split(values.get("assessable_by"), "|")
    for basis in bases:
        if basis not in GENE_SCOPED + WHOLE and not basis.startswith(ROW_PREFIX):
            raise fail(f"unknown evidence '{basis}'", "assessable_by",
                       f"use {', '.join(GENE_SCOPED + WHOLE)} or row:<rows-file row>")
    rna = (values.get("rna_defined") or "").strip().lower()
    if rna not in ("yes", "no"):
        raise fail("rna_defined must be yes or no", "rna_defined")
    return SubtypeRule(values["subtype"].strip(), (values.get("group") or "").strip(),
                       precedence, kind, match, _split(values.get("unless"), "|"),
                       _split(values.get("genes"), ","), bases, rna == "yes",
                       (values.get("source") or "").strip())


def load_isoforms(path: str | Path | None = None) -> dict[str, str]:
    """BCR::ABL1 junction (e1a2, e14a2, b3a2, ...) -> isoform (p190, p210, p230)."""
    from .assets import read_commented_tsv

    rows = read_commented_tsv(path or asset("bcr_abl1_isoforms.tsv"))
    return {r["junction"].lower(): r["isoform"] for r in rows}


def load_isoform_regions(path: str | Path | None = None) -> dict[str, str]:
    """BCR::ABL1 junction -> BCR breakpoint cluster region (m-bcr, M-bcr, mu-bcr)."""
    from .assets import read_commented_tsv

    rows = read_commented_tsv(path or asset("bcr_abl1_isoforms.tsv"))
    return {r["junction"].lower(): r.get("region") or "" for r in rows}


BCR_EXON_COLUMNS = ("build", "exon", "start", "end", "status", "source")
BCR_BUILDS = ("GRCh38", "GRCh37")


def load_bcr_exons(path: str | Path | None = None
                   ) -> dict[str, dict[int, tuple[int | None, int | None]]]:
    """build -> exon number -> (start, end), None where not listed (assets/bcr_exons.tsv)."""
    path = Path(path) if path else asset("bcr_exons.tsv")
    lines = _table_lines(path, BCR_EXON_COLUMNS, "BCR exon table")
    table: dict[str, dict[int, tuple[int | None, int | None]]] = {b: {} for b in BCR_BUILDS}
    for number, text in lines:
        row = dict(zip(BCR_EXON_COLUMNS, text.split("\t"), strict=False))

        def fail(message: str, column: str, hint: str, line: int = number) -> LenallInputError:
            return LenallInputError(message, file=path, line=line, field=column, hint=hint)

        if row.get("build") not in BCR_BUILDS:
            raise fail(f"unknown build '{row.get('build')}'", "build",
                       f"use {' or '.join(BCR_BUILDS)}")
        values = []
        for column in ("exon", "start", "end"):
            cell = (row.get(column) or "").strip()
            if column != "exon" and cell in ("", NONE):
                values.append(None)
                continue
            if not cell.isdigit():
                raise fail(f"{column} '{cell}' is not a whole number", column,
                           "1-based coordinates; '.' where not known")
            values.append(int(cell))
        exon, start, end = values
        if start is not None and end is not None and start > end:
            raise fail(f"start {start} is after end {end}", "start", "BCR is on the + strand")
        table[row["build"]][exon] = (start, end)
    return table


@cache
def _bcr_exons_asset() -> dict[str, dict[int, tuple[int | None, int | None]]]:
    return load_bcr_exons()


@cache
def _isoform_regions_asset() -> dict[str, str]:
    return load_isoform_regions()


_BCR_BREAKPOINT = re.compile(r"(?<![\w.])(?:chr)?22:(\d[\d,]*)", re.IGNORECASE)


def bcr_junction_at(position: int, exons: Mapping[int, tuple[int | None, int | None]]
                    ) -> str | None:
    """`e14a2` for a BCR breakpoint at the last base of exon 14 or in intron 14 (between the end
    of exon 14 and the start of exon 15, both known); None when the table cannot place it."""
    for exon, (_, end) in sorted(exons.items()):
        if end is None:
            continue
        following = exons.get(exon + 1, (None, None))[0]
        if position == end or (following is not None and end < position < following):
            return f"e{exon}a2"
    return None


def bcr_isoform_from_breakpoint(text: str, isoforms: Mapping[str, str],
                                exons: Mapping[str, Mapping[int, tuple[int | None, int | None]]]
                                | None = None, genome: str | None = None) -> str | None:
    """`p210 (M-bcr, e14a2 from BCR breakpoint 22:23290413, GRCh38)` for the first chr22
    coordinate in the text the BCR exon table places; None when none does. Without `genome`
    the build is the one whose listed BCR exons span the coordinate (the GRCh38 and GRCh37
    BCR loci, 23.18-23.32 Mb and 23.52-23.66 Mb, do not overlap)."""
    exons = exons if exons is not None else _bcr_exons_asset()
    regions = _isoform_regions_asset()
    for match in _BCR_BREAKPOINT.finditer(text):
        position = int(match.group(1).replace(",", ""))
        for build in ([genome] if genome else BCR_BUILDS):
            junction = bcr_junction_at(position, exons.get(build, {}))
            if junction and junction in isoforms:
                region = regions.get(junction) or "BCR"
                return (f"{isoforms[junction]} ({region}, {junction} from BCR breakpoint "
                        f"22:{position}, {build})")
    return None


# --- matching ------------------------------------------------------------------------------------

def is_negative(event: Mapping[str, str]) -> bool:
    return bool(_NEGATIVE.search(f"{event.get('event_type') or ''} {event.get('label') or ''}"))


def is_equivocal(event: Mapping[str, str]) -> bool:
    return bool(_EQUIVOCAL.search(f"{event.get('event_type') or ''} {event.get('label') or ''}"))


def _is_fusion_event(event: Mapping[str, str]) -> bool:
    label = event.get("label") or ""
    kind = (event.get("event_type") or "").lower()
    return kind in FUSION_TYPES or "::" in label or "rearrang" in label.lower()


def _fusion_hit(patterns: Sequence[str], event: Mapping[str, str]) -> bool:
    five, three = fusion_partners(event)
    genes = set(expand_genes(event.get("gene") or "")) | set(
        expand_genes(event.get("partner") or "")) | {five, three}
    for pattern in patterns:
        if "::" in pattern:
            if five and three and fusion_matches(pattern, five, three):
                return True
        elif pattern in genes:
            return True
    return False


def _event_text(event: Mapping[str, str]) -> str:
    label = event.get("label") or ""
    if label in ("", NONE, "other"):
        five, three = fusion_partners(event)
        label = f"{five}::{three}" if five and three else (event.get("event_type") or "")
    return f"{label} ({event.get('source') or NONE}, {event.get('sample') or NONE})"


def _protein(hgvsp: str) -> str:
    """`ENSP...:p.(Pro80Arg)` -> `p.Pro80Arg`."""
    text = hgvsp.strip().split(":")[-1]
    return text.replace("(", "").replace(")", "")


def _ploidy_class(record: Mapping[str, object], classify) -> str:
    """The class of the clone before doubling when the call is masked (a doubled hypodiploid
    clone reads as hyperdiploid by its chromosome count)."""
    masked = str(record.get("masked")).strip().lower() in ("true", "yes", "1")
    count = record.get("pre_doubling_count")
    if masked and count not in (None, "", NONE) and classify is not None:
        try:
            return classify(int(count))
        except (TypeError, ValueError):
            pass
    return str(record.get("class") or "")


def rule_hits(rule: SubtypeRule, evidence: PatientEvidence, *, classify=None) -> list[Hit]:
    hits: list[Hit] = []
    events = [e for e in evidence.events if not is_negative(e) and not is_equivocal(e)]
    if rule.kind == "fusion":
        for event in events:
            if _is_fusion_event(event) and _fusion_hit(rule.match, event) and not (
                    rule.unless and _fusion_hit(rule.unless, event)):
                hits.append(Hit(rule, event.get("sample") or NONE, _event_text(event),
                                f"{event.get('label') or ''} {event.get('evidence') or ''}"))
    elif rule.kind == "mutation":
        wanted = {(p.split(":", 1)[0], p.split(":", 1)[1]) for p in rule.match}
        for mutation in evidence.mutations:
            key = (mutation.get("gene") or "", _protein(mutation.get("hgvsp") or ""))
            if key in wanted:
                sample = mutation.get("sample") or NONE
                hits.append(Hit(rule, sample, f"{key[0]} {key[1]} (dna, {sample})"))
    elif rule.kind == "ploidy":
        for record in evidence.ploidy:
            found = _ploidy_class(record, classify)
            if found in rule.match:
                detail = f"modal {record.get('modal_number')}"
                if str(record.get("masked")).strip().lower() in ("true", "yes", "1"):
                    detail += f", masked: {record.get('pre_doubling_count')} before doubling"
                sample = str(record.get("sample") or NONE)
                hits.append(Hit(rule, sample, f"{found} ({detail}; ploidy, {sample})"))
        for event in events:  # a karyotype or FISH finding naming the class
            label = f" {(event.get('label') or '').lower()} "
            if any(re.search(rf"(?<![\w-]){re.escape(c.lower())}(?![\w-])", label)
                   for c in rule.match):
                hits.append(Hit(rule, event.get("sample") or NONE, _event_text(event)))
    elif rule.kind == "karyotype":
        for event in events:
            text = f"{event.get('event_type') or ''} {event.get('label') or ''}".lower()
            if any(p.lower() in text for p in rule.match):
                hits.append(Hit(rule, event.get("sample") or NONE, _event_text(event)))
    return hits


def assessable(rule: SubtypeRule, available: set[str]) -> bool:
    """Whether the patient's evidence could have found the rule's lesion."""
    for basis in rule.assessable_by:
        if basis in GENE_SCOPED:
            if f"{basis}:{ANY_GENE}" in available or any(
                    f"{basis}:{g}" in available for g in rule.genes):
                return True
        elif basis in available:
            return True
    return False


def equivocal_for(rule: SubtypeRule, evidence: PatientEvidence, classify=None) -> bool:
    """An equivocal finding that names the rule's lesion: the rule is not excluded."""
    unsure = [{**e, "label": _EQUIVOCAL.sub("", e.get("label") or "").strip(),
               "event_type": _EQUIVOCAL.sub("", e.get("event_type") or "").strip()}
              for e in evidence.events if is_equivocal(e) and not is_negative(e)]
    if not unsure:
        return False
    probe = PatientEvidence(evidence.patient, unsure, [], [], set())
    return bool(rule_hits(rule, probe, classify=classify))


def bcr_abl1_isoform(events_text: str, isoforms: Mapping[str, str]) -> str | None:
    """`p210 (e14a2)` when the text names a junction, else None."""
    for word in re.findall(r"\b[eb]\d+a\d+\b", events_text.lower()):
        if word in isoforms:
            return f"{isoforms[word]} ({word})"
    return None


# --- assignment ----------------------------------------------------------------------------------

def assign_subtype(evidence: PatientEvidence, rules: Sequence[SubtypeRule], *, classify=None,
                   isoforms: Mapping[str, str] | None = None) -> dict[str, str]:
    """One subtypes.tsv row for the patient."""
    matched: list[tuple[SubtypeRule, list[Hit]]] = []
    not_assessable: list[SubtypeRule] = []
    for rule in rules:
        if rule.kind == "none":
            continue
        hits = rule_hits(rule, evidence, classify=classify)
        if hits:
            matched.append((rule, hits))
        elif not assessable(rule, evidence.available) or equivocal_for(rule, evidence,
                                                                          classify):
            not_assessable.append(rule)
    row = {"patient": evidence.patient, "also_found": NONE,
           "not_assessable": "; ".join(r.subtype for r in not_assessable) or NONE}
    if matched:
        rule, hits = matched[0]
        texts = list(dict.fromkeys(h.text for h in hits))
        if rule.subtype == "BCR::ABL1":
            raw = " ".join(h.raw for h in hits)
            isoforms = isoforms if isoforms is not None else load_isoforms()
            isoform = bcr_abl1_isoform(raw, isoforms) or bcr_isoform_from_breakpoint(
                raw, isoforms)
            texts.append(f"isoform {isoform}" if isoform else "isoform not determined "
                         "(no e1a2/e13a2/e14a2 junction and no BCR breakpoint that "
                         "assets/bcr_exons.tsv places)")
        row.update(subtype=rule.subtype, group=rule.group, evidence="; ".join(texts),
                   source_samples=";".join(sorted({h.sample for h in hits}, key=natural_key)))
        row["also_found"] = "; ".join(r.subtype for r, _ in matched[1:]) or NONE
        return row
    if not not_assessable:
        name = B_OTHER
    elif all(r.rna_defined for r in not_assessable):
        name = NOT_ASSESSABLE_RNA
    else:
        name = NOT_ASSESSABLE
    row.update(subtype=name, group=B_OTHER if name == B_OTHER else NONE,
               evidence="no subtype-defining lesion found", source_samples=NONE)
    return row


def assign_subtypes(patients: Iterable[PatientEvidence],
                    rules: Sequence[SubtypeRule] | None = None, *, classify=None,
                    isoforms: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """subtypes.tsv rows (SUBTYPE_COLUMNS), in natural patient order."""
    rules = tuple(rules) if rules is not None else load_rules()
    isoforms = isoforms if isoforms is not None else load_isoforms()
    rows = [assign_subtype(p, rules, classify=classify, isoforms=isoforms) for p in patients]
    return sorted(rows, key=lambda r: natural_key(r["patient"]))
