"""Load and validate the samplesheet: assets/schema_input.json plus the rules a schema cannot say.

Every problem is collected (not only the first) with its row (1-based data row; 0 = the header or
the file itself), column, message and hint, so that `lenall validate` can list them all.
"""

from __future__ import annotations

import csv
import difflib
import json
import os
import stat
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .assets import asset
from .errors import LenallInputError
from .model import SAMPLESHEET_COLUMNS, SAMPLESHEET_FILE_COLUMNS, SEX_CODES, Sample
from .readers.panels import known_panels, panel_genes, resolve_panel_path

REQUIRED_COLUMNS = ("patient", "sample", "diagnosis")
PANEL_COLUMNS = ("dna_panel", "rna_panel")
FILE_LEVEL = "(file)"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column != FILE_LEVEL else \
            f"row {self.row}"
        text = f"{where}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class SamplesheetError(LenallInputError):
    """The samplesheet has problems; `.problems` lists every one of them."""

    def __init__(self, path: str | Path, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the samplesheet",
                         file=path, hint="run `lenall validate` on it to list them")
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join([f"{self.file}: {self.message}:", *(f"  {p}" for p in self.problems)])


def load_samplesheet(path: str | Path, *, check_files: bool = True) -> tuple[Sample, ...]:
    """The samples of a valid samplesheet, paths resolved; raises SamplesheetError otherwise.

    Cohort steps read only the sheet's metadata and pass `check_files=False`: under Nextflow the
    data files are not staged beside them.
    """
    problems, samples = _check(Path(path), check_files=check_files)
    if problems:
        raise SamplesheetError(path, problems)
    return samples


def validate_samplesheet(path: str | Path) -> list[Problem]:
    return _check(Path(path))[0]


# --- reading ---------------------------------------------------------------------------------

def _read(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[Problem]]:
    """Header, (row number, non-empty stripped cells) per data row, and reading problems."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
    except FileNotFoundError:
        return [], [], [Problem(0, FILE_LEVEL, f"samplesheet {path} does not exist")]
    except (OSError, UnicodeDecodeError) as error:
        return [], [], [Problem(0, FILE_LEVEL, f"cannot read samplesheet {path}: {error}",
                                "save it as a UTF-8 CSV file")]
    except csv.Error as error:
        return [], [], [Problem(0, FILE_LEVEL, f"not a readable CSV file: {error}")]
    lines = [cells for cells in lines if any(cell.strip() for cell in cells)]
    if not lines:
        return [], [], [Problem(0, FILE_LEVEL, "the samplesheet is empty",
                                f"the first line names the columns: {', '.join(REQUIRED_COLUMNS)}, ...")]
    header = [name.strip() for name in lines[0]]
    problems = []
    rows = []
    for number, cells in enumerate(lines[1:], 1):
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header):]):
            problems.append(Problem(number, FILE_LEVEL,
                                    f"row has {len(cells)} cells but the header has {len(header)}",
                                    "quote cells that contain commas"))
        row = {name: cell.strip() for name, cell in zip(header, cells, strict=False)
               if name and cell.strip()}
        rows.append((number, row))
    return header, rows, problems


def _header_problems(header: list[str]) -> list[Problem]:
    problems = []
    allowed = ", ".join(SAMPLESHEET_COLUMNS)
    seen: set[str] = set()
    for name in header:
        if not name:
            problems.append(Problem(0, "(empty)", "a column has no name",
                                    "every column needs a name from the list of columns"))
            continue
        if name in seen:
            problems.append(Problem(0, name, "column appears more than once"))
        seen.add(name)
        if name not in SAMPLESHEET_COLUMNS:
            close = difflib.get_close_matches(name.lower(), SAMPLESHEET_COLUMNS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            if "\t" in name or ";" in name:
                hint = "the samplesheet must be comma-separated; "
            problems.append(Problem(0, name, "unknown column",
                                    f"{hint}allowed columns are: {allowed}"))
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(Problem(0, name, "required column is missing",
                                    f"the header must name {', '.join(REQUIRED_COLUMNS)}"))
    return problems


# --- checking --------------------------------------------------------------------------------

@cache
def _schema() -> dict:
    with open(asset("schema_input.json"), encoding="utf-8") as handle:
        return json.load(handle)


def _as_schema_value(column: str, value: str) -> str | float:
    if column == "purity":
        try:
            return float(value)
        except ValueError:
            return value
    return value


@cache
def _row_is_valid():
    """A compiled check of one row against the schema's items: True or False, no messages.

    The rows of a large samplesheet are read by every cohort step; a compiled check takes a few
    microseconds a row where the jsonschema walk takes about 0.2 ms. Only rows it refuses are
    walked by jsonschema, for the messages. The schema's keywords (type, properties, required,
    additionalProperties, pattern, enum, maximum, exclusiveMinimum) mean the same in draft 7,
    which fastjsonschema compiles, as in draft 2020-12; 'file-path' is an annotation only.
    """
    import fastjsonschema

    item_schema = {key: value for key, value in _schema()["items"].items() if key != "$schema"}
    check = fastjsonschema.compile(item_schema, formats={"file-path": lambda _value: True})

    def is_valid(instance: dict) -> bool:
        try:
            check(instance)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True
    return is_valid


def _schema_problems(rows: list[tuple[int, dict[str, str]]], missing_columns: set[str]
                     ) -> list[Problem]:
    schema = _schema()
    item_schema = schema["items"]
    is_valid = _row_is_valid()
    validator = None
    problems = []
    for number, row in rows:
        instance = {column: _as_schema_value(column, value) for column, value in row.items()
                    if column in SAMPLESHEET_COLUMNS}
        if is_valid(instance):
            continue
        if validator is None:
            import jsonschema  # heavy-ish; only a refused row needs its messages

            validator = jsonschema.Draft202012Validator(item_schema)
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.path)):
            if error.validator == "required":
                for column in item_schema["required"]:
                    if column not in instance and column not in missing_columns:
                        problems.append(Problem(number, column, "required value is empty"))
                continue
            if error.validator == "additionalProperties":
                continue  # reported once for the header
            column = str(error.path[0]) if error.path else FILE_LEVEL
            spec = item_schema["properties"].get(column, {})
            message = spec.get("errorMessage") or error.message
            problems.append(Problem(number, column, f"{message} (got '{row.get(column, '')}')",
                                    _schema_hint(column, spec)))
    return _dedupe(problems)


def _schema_hint(column: str, spec: dict) -> str | None:
    if "enum" in spec:
        return f"use one of {', '.join(spec['enum'])}"
    if column == "sex":
        return "use male, female or unknown (M, F, XY, XX, NA are read as these)"
    if column == "purity":
        return "give the tumour cell fraction as a decimal, e.g. 0.8"
    return None


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen = set()
    unique = []
    for problem in problems:
        key = (problem.row, problem.column)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _resolve(base: Path, value: str) -> Path:
    return Path(_resolved(str(base), value))


@cache  # cleared for each samplesheet; its rows name each file twice
def _resolved(base: str, value: str) -> str:
    """The real path of `value` (relative to `base`), as Path.resolve() gives it. The folder's real
    path is looked up once for all the files in it: a large samplesheet names thousands of files
    in a few folders."""
    path = os.path.join(base, os.path.expanduser(value))
    folder, name = os.path.split(path)
    if name in ("", ".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    return os.path.join(_real_folder(folder), name)


@lru_cache(maxsize=256)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def _file_problems(number: int, row: dict[str, str], base: Path,
                   check_files: bool = True) -> list[Problem]:
    problems = []
    for column in SAMPLESHEET_FILE_COLUMNS if check_files else ():
        value = row.get(column)
        if not value:
            continue
        path = _resolve(base, value)
        try:
            is_folder = stat.S_ISDIR(os.stat(path).st_mode)
        except OSError:
            problems.append(Problem(number, column, f"file {path} does not exist",
                                    "relative paths are read from the samplesheet's folder"))
            continue
        if is_folder:
            problems.append(Problem(number, column, f"{path} is a folder, not a file"))
        elif not os.access(path, os.R_OK):
            problems.append(Problem(number, column, f"file {path} is not readable",
                                    "check the file's permissions"))
    if row.get("vcf") and row.get("maf"):
        problems.append(Problem(number, "maf", "both vcf and maf are given",
                                "give one variant file per sample: the VCF or the MAF"))
    return problems


def _panel_problems(number: int, row: dict[str, str], base: Path) -> list[Problem]:
    problems = []
    for column in PANEL_COLUMNS:
        spec = row.get(column)
        if not spec or spec in known_panels():
            continue
        if resolve_panel_path(spec, base) is None:
            close = difflib.get_close_matches(spec, known_panels(), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.append(Problem(
                number, column, f"'{spec}' is neither a known panel nor a readable file",
                f"{hint}known panels: {', '.join(known_panels())}; or give the path of a gene "
                "list or a BED whose 4th column is the gene"))
            continue
        try:
            panel_genes(spec, column.split("_")[0], base_dir=base)
        except LenallInputError as error:
            location = f" (line {error.line})" if error.line else ""
            problems.append(Problem(number, column, f"panel file: {error.message}{location}",
                                    error.hint))
    return problems


def _karyotype_problems(number: int, row: dict[str, str], path: Path) -> list[Problem]:
    """An ISCN karyotype the parser refuses (with its character position), found at validation."""
    text = row.get("karyotype")
    if not text:
        return []
    try:
        from .readers.karyotype import parse_karyotype
    except ImportError:
        return []  # without the parser the cohort step reports the karyotypes it could not use
    try:
        parse_karyotype(text, source=str(path), row=number)
    except LenallInputError as error:
        return [Problem(number, "karyotype", error.message, error.hint)]
    return []


def _cross_row_problems(rows: list[tuple[int, dict[str, str]]]) -> list[Problem]:
    problems = []
    first_row: dict[str, int] = {}
    by_sample: dict[str, dict[str, str]] = {}
    for number, row in rows:
        sample = row.get("sample")
        if not sample:
            continue
        if sample in first_row:
            problems.append(Problem(number, "sample",
                                    f"sample id '{sample}' is already used on row {first_row[sample]}",
                                    "sample ids must be unique across the samplesheet"))
        else:
            first_row[sample] = number
            by_sample[sample] = row
    for number, row in rows:
        normal = row.get("normal")
        if not normal:
            continue
        target = by_sample.get(normal)
        if normal == row.get("sample"):
            problems.append(Problem(number, "normal", "a sample cannot be its own normal"))
        elif target is None:
            problems.append(Problem(number, "normal", f"no sample '{normal}' in the samplesheet",
                                    "add a row for the normal sample, with diagnosis 'normal'"))
        elif target.get("patient") != row.get("patient"):
            problems.append(Problem(number, "normal",
                                    f"sample '{normal}' belongs to patient "
                                    f"'{target.get('patient')}', not '{row.get('patient')}'",
                                    "the matched normal must come from the same patient"))
        elif target.get("diagnosis") != "normal":
            problems.append(Problem(number, "normal",
                                    f"sample '{normal}' has diagnosis "
                                    f"'{target.get('diagnosis')}', not 'normal'",
                                    "set the normal sample's diagnosis to 'normal'"))
    return problems


def _check(path: Path, check_files: bool = True) -> tuple[list[Problem], tuple[Sample, ...]]:
    _resolved.cache_clear()  # files, folders and links may have changed since the last sheet
    _real_folder.cache_clear()
    header, rows, problems = _read(path)
    if not header:
        return problems, ()
    problems += _header_problems(header)
    missing = {name for name in REQUIRED_COLUMNS if name not in header}
    base = path.resolve().parent
    problems += _schema_problems(rows, missing)
    for number, row in rows:
        problems += _file_problems(number, row, base, check_files)
        problems += _panel_problems(number, row, base)
        problems += _karyotype_problems(number, row, path)
    problems += _cross_row_problems(rows)
    problems.sort(key=lambda p: (p.row, _column_order(p.column)))
    if problems:
        return problems, ()
    return [], tuple(_sample(number, row, base) for number, row in rows)


def _column_order(column: str) -> int:
    return SAMPLESHEET_COLUMNS.index(column) if column in SAMPLESHEET_COLUMNS else -1


def _sex(code: str | None) -> str | None:
    """The samplesheet's sex code (validated by the schema) as male / female / unknown."""
    return SEX_CODES[code.lower()] if code else None


def _sample(number: int, row: dict[str, str], base: Path) -> Sample:
    def path_of(column: str) -> Path | None:
        return _resolve(base, row[column]) if row.get(column) else None

    def panel_of(column: str) -> str | None:
        spec = row.get(column)
        if not spec or spec in known_panels():
            return spec
        return str(resolve_panel_path(spec, base))

    return Sample(
        patient=row["patient"], sample=row["sample"], diagnosis=row["diagnosis"], row=number,
        timepoint=row.get("timepoint"), sex=_sex(row.get("sex")),
        dna_panel=panel_of("dna_panel"), rna_panel=panel_of("rna_panel"),
        vcf=path_of("vcf"), maf=path_of("maf"), normal=row.get("normal"),
        fusions=path_of("fusions"), fusion_format=row.get("fusion_format"),
        segments=path_of("segments"), segments_format=row.get("segments_format"),
        clonotypes=path_of("clonotypes"),
        purity=float(row["purity"]) if row.get("purity") else None,
        karyotype=row.get("karyotype"), findings=path_of("findings"),
    )
