"""Clinical findings tables: FISH, karyotype, RT-PCR, SNP-array ... results per patient or sample.

Format (tab-separated, UTF-8, `#` comment lines, header required, column order free):

    patient  sample  test  target  result  detail  date
    01               FISH  KMT2A   likely  break-apart: 3' signal lost  2019-03-02
    32               RT-PCR  BCR::ABL1  positive  p190 (e1a2)  2021-07-14

`patient`, `test`, `target` and `result` are required; `sample` empty (or `.`) means the finding
is about the patient's diagnostic B-ALL. `result` words are those of assets/findings_results.tsv;
`target` names are mapped to events and Figure 1 rows by assets/findings_targets.tsv (a target
not listed there is kept and counted, but informs no row). Two results for one patient, target
and test that say positive and negative are an error: the table must say which one holds.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from ..assets import asset, read_commented_tsv
from ..errors import LenallInputError

FINDINGS_COLUMNS = ("patient", "sample", "test", "target", "result", "detail", "date")
REQUIRED_FINDINGS_COLUMNS = ("patient", "test", "target", "result")
FINDINGS_TESTS = ("FISH", "karyotype", "RT-PCR", "PCR", "SNP-array", "flow", "other")
CALLS = ("positive", "negative", "equivocal", "failed")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_GENE_PAIR = re.compile(r"^([A-Za-z0-9.]+)\s*(?:::|-|/|:)\s*([A-Za-z0-9.]+)$")


@dataclass(frozen=True)
class Target:
    target: str
    event: str
    event_type: str
    row: str | None


@dataclass(frozen=True)
class Finding:
    """One clinical (or karyotype-derived) result about one target in one patient."""

    patient: str
    sample: str | None
    test: str
    target: str  # as written
    event: str  # canonical (assets/findings_targets.tsv), else the target as written
    event_type: str
    row: str | None  # Figure 1 row it informs, None for none
    result: str  # the word as written
    call: str  # positive | negative | equivocal | failed
    confidence: str
    detail: str
    date: str
    file: str
    line: int
    source: str = "clinical"  # model.EVENT_SOURCES: clinical (a findings table) or karyotype


# --- vocabularies ------------------------------------------------------------------------------

def _word_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def target_key(text: str) -> str:
    """The lookup form of a target: gene pairs as A::B (upper case), other names as words."""
    text = text.strip()
    pair = _GENE_PAIR.match(text)
    if pair and ("::" in text or text == text.upper()):  # BCR-ABL1, BCR/ABL1; not near-haploid
        return f"{pair.group(1).upper()}::{pair.group(2).upper()}"
    return _word_key(text)


@cache
def result_words(path: str | None = None) -> dict[str, tuple[str, str]]:
    """word -> (call, confidence) from assets/findings_results.tsv."""
    rows = read_commented_tsv(path or asset("findings_results.tsv"))
    words = {}
    for row in rows:
        if row["call"] not in CALLS:
            raise LenallInputError(f"unknown call '{row['call']}'", file=path, field="call",
                                   hint=f"use one of {', '.join(CALLS)}")
        words[_word_key(row["word"])] = (row["call"], row.get("confidence") or ".")
    return words


@cache
def targets(path: str | None = None) -> dict[str, Target]:
    """target key -> Target from assets/findings_targets.tsv."""
    table = {}
    for row in read_commented_tsv(path or asset("findings_targets.tsv")):
        rowname = row["row"].strip()
        table[target_key(row["target"])] = Target(row["target"], row["event"],
                                                  row["event_type"],
                                                  None if rowname in ("", ".") else rowname)
    return table


def lookup_target(text: str) -> Target | None:
    return targets().get(target_key(text))


# --- reading -----------------------------------------------------------------------------------

def read_findings(path: str | Path, sample_patients: Mapping[str, str],
                  *, patients: set[str] | None = None) -> list[Finding]:
    """The findings of one table, checked against the samplesheet (sample -> patient).

    Raises LenallInputError (file, line, field, hint) on the first bad record; nothing is
    returned half."""
    path = Path(path)
    known_patients = patients if patients is not None else set(sample_patients.values())
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = [(n, line) for n, line in enumerate(handle, 1)
                     if line.strip() and not line.startswith("#")]
    except OSError as error:
        raise LenallInputError(f"cannot read findings table: {error.strerror}",
                               file=path) from error
    except UnicodeDecodeError as error:
        raise LenallInputError("findings table is not UTF-8 text", file=path,
                               hint="save it as UTF-8 tab-separated text") from error
    if not lines:
        raise LenallInputError("findings table is empty", file=path,
                               hint=f"the first line names the columns: "
                                    f"{', '.join(FINDINGS_COLUMNS)}")
    header_line, header_text = lines[0]
    header = [h.strip().lower() for h in header_text.rstrip("\r\n").split("\t")]
    _check_header(header, path, header_line)
    findings = []
    for number, text in lines[1:]:
        cells = next(csv.reader([text.rstrip("\r\n")], delimiter="\t"))
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise LenallInputError(f"line has {len(cells)} fields but the header has "
                                   f"{len(header)}", file=path, line=number,
                                   hint="the table is tab-separated; a field holds no tabs")
        record = {h: (c.strip() if c.strip() != "." else "")
                  for h, c in zip(header, cells, strict=False)}
        findings.append(_finding(record, path, number, sample_patients, known_patients))
    check_conflicts(findings)
    return findings


def _check_header(header: list[str], path: Path, line: int) -> None:
    missing = [c for c in REQUIRED_FINDINGS_COLUMNS if c not in header]
    if missing:
        if len(header) == 1 and ("," in header[0] or ";" in header[0]):
            hint = "the findings table is tab-separated, not comma-separated"
        else:
            hint = f"the header names the columns: {', '.join(FINDINGS_COLUMNS)}"
        raise LenallInputError(f"findings table lacks column(s) {', '.join(missing)}",
                               file=path, line=line, hint=hint)
    unknown = [c for c in header if c and c not in FINDINGS_COLUMNS]
    if unknown:
        close = difflib.get_close_matches(unknown[0], FINDINGS_COLUMNS, n=1)
        raise LenallInputError(f"unknown column '{unknown[0]}'", file=path, line=line,
                               field=unknown[0],
                               hint=(f"did you mean '{close[0]}'? " if close else "")
                               + f"columns: {', '.join(FINDINGS_COLUMNS)}")


def _finding(record: Mapping[str, str], path: Path, number: int,
             sample_patients: Mapping[str, str], patients: set[str]) -> Finding:
    def fail(message: str, field: str, hint: str | None = None):
        return LenallInputError(message, file=path, line=number, field=field, hint=hint)

    for column in REQUIRED_FINDINGS_COLUMNS:
        if not record.get(column):
            raise fail(f"{column} is empty", column,
                       f"every finding names {', '.join(REQUIRED_FINDINGS_COLUMNS)}")
    patient, sample = record["patient"], record.get("sample") or None
    if patient not in patients:
        close = difflib.get_close_matches(patient, sorted(patients), n=1)
        raise fail(f"patient '{patient}' is not in the samplesheet", "patient",
                   f"did you mean '{close[0]}'?" if close else
                   "findings are about samplesheet patients; add the patient's samples first")
    if sample is not None:
        owner = sample_patients.get(sample)
        if owner is None:
            raise fail(f"sample '{sample}' is not in the samplesheet", "sample",
                       "leave sample empty for a finding about the patient")
        if owner != patient:
            raise fail(f"sample '{sample}' belongs to patient '{owner}', not '{patient}'",
                       "sample", "check the patient id, or leave sample empty")
    test = _test_name(record["test"])
    if test is None:
        raise fail(f"unknown test '{record['test']}'", "test",
                   f"use one of {', '.join(FINDINGS_TESTS)}")
    word = _word_key(record["result"])
    if word not in result_words():
        close = difflib.get_close_matches(word, sorted(result_words()), n=2)
        raise fail(f"unknown result '{record['result']}'", "result",
                   (f"did you mean {' or '.join(close)}? " if close else "")
                   + "result words are listed in assets/findings_results.tsv")
    call, confidence = result_words()[word]
    when = record.get("date") or ""
    if when and not _valid_date(when):
        raise fail(f"date '{when}' is not an ISO date", "date", "write YYYY-MM-DD (or YYYY-MM)")
    known = lookup_target(record["target"])
    detail = record.get("detail") or ""
    if known is not None and known.event == IAMP21:
        call, confidence, detail = iamp21_call(record["target"], record["result"], call,
                                               confidence, detail)
    return Finding(
        patient=patient, sample=sample, test=test, target=record["target"],
        event=known.event if known else record["target"],
        event_type=known.event_type if known else "other",
        row=known.row if known else None, result=record["result"], call=call,
        confidence=confidence, detail=detail, date=when, file=str(path),
        line=number)


# --- iAMP21 from RUNX1 FISH text ------------------------------------------------------------------

IAMP21 = "iAMP21"
_SIGNALS = (re.compile(r"RUNX1\s*x\s*(\d+)", re.IGNORECASE),  # nuc ish(RUNX1x6)
            re.compile(r"(\d+)\s*(?:RUNX1|AML1)?\s*signals?", re.IGNORECASE))  # 6 RUNX1 signals
_EXTRA = re.compile(r"(\d+)\s*(?:extra|additional)\s*(?:RUNX1\s*)?cop", re.IGNORECASE)
_AMPLIFIED = re.compile(r"amplif", re.IGNORECASE)


def iamp21_call(target: str, result: str, call: str, confidence: str,
                detail: str) -> tuple[str, str, str]:
    """The iAMP21 rule (assets/karyotype_rules.tsv; Harrison 2014, Moorman 2007) applied to a
    RUNX1 FISH finding: >= iamp21_min_runx1_signals RUNX1 signals per cell, or >=
    iamp21_min_extra_copies extra copies on one chromosome 21. A positive RUNX1 result whose
    detail gives fewer is not iAMP21 (negative; an `iAMP21` target reported so is equivocal); a
    positive RUNX1 result without counts or the word amplified is equivocal."""
    if call != "positive":
        return call, confidence, detail
    from .karyotype import load_rules, runx1_amplified

    rules = load_rules()
    need_signals = int(rules["iamp21_min_runx1_signals"])
    need_extra = int(rules["iamp21_min_extra_copies"])
    signals = [int(m) for pattern in _SIGNALS for m in pattern.findall(detail)]
    extra = [int(m) for m in _EXTRA.findall(detail)]
    named = target_key(target) == target_key(IAMP21)
    rule = (f"iAMP21 at >= {need_signals} RUNX1 signals per cell or >= {need_extra} extra "
            "copies on one chromosome 21, Harrison 2014")
    if signals or extra:
        if runx1_amplified(max(signals, default=None), max(extra, default=None)):
            return call, confidence, f"{detail} ({rule})".strip()
        word = "equivocal" if named else "negative"
        return word, ".", f"{detail} (below the threshold: {rule})".strip()
    if named or _AMPLIFIED.search(f"{result} {detail}"):
        return call, confidence, detail
    return "equivocal", ".", (f"{detail} (RUNX1 {result} without a signal count: {rule})"
                              ).strip()


def _test_name(text: str) -> str | None:
    key = _word_key(text).replace("_", "")
    return next((t for t in FINDINGS_TESTS if _word_key(t).replace("_", "") == key), None)


def _valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def check_conflicts(findings: list[Finding]) -> None:
    """Positive and negative for one patient, target and test (and sample) is an error."""
    seen: dict[tuple, Finding] = {}
    for finding in findings:
        if finding.call not in ("positive", "negative"):
            continue
        key = (finding.patient, finding.sample, finding.event, finding.test)
        other = seen.get(key)
        if other is not None and other.call != finding.call:
            raise LenallInputError(
                f"{finding.test} {finding.target} is {finding.result} here but "
                f"{other.result} at {other.file}:{other.line} for patient {finding.patient}",
                file=finding.file, line=finding.line, field="result",
                hint="keep the result that holds (a repeat test: give it its own date and "
                     "remove or mark the superseded one 'failed')")
        seen.setdefault(key, finding)
