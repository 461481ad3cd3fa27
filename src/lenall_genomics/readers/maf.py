"""MAF files (vcf2maf / GDC / cBioPortal flavours): reading, the standard columns, writing.

Reading accepts `#` comment lines (`#version 2.4`), old-Mac `\\r` line ends, column names in any
case (`End_position`), and the minimal cBioPortal form (Chromosome, Start_Position,
Reference_Allele, Tumor_Seq_Allele2, Tumor_Sample_Barcode).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import LenallInputError
from ..writers import atomic_open, format_value

# The GDC MAF 2.4 core columns, then the vcf2maf annotation/count columns other steps rely on.
MAF_COLUMNS = (
    "Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome", "Start_Position",
    "End_Position", "Strand", "Variant_Classification", "Variant_Type", "Reference_Allele",
    "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "dbSNP_RS", "dbSNP_Val_Status",
    "Tumor_Sample_Barcode", "Matched_Norm_Sample_Barcode", "Match_Norm_Seq_Allele1",
    "Match_Norm_Seq_Allele2", "Tumor_Validation_Allele1", "Tumor_Validation_Allele2",
    "Match_Norm_Validation_Allele1", "Match_Norm_Validation_Allele2", "Verification_Status",
    "Validation_Status", "Mutation_Status", "Sequencing_Phase", "Sequence_Source",
    "Validation_Method", "Score", "BAM_File", "Sequencer", "Tumor_Sample_UUID",
    "Matched_Norm_Sample_UUID", "HGVSc", "HGVSp", "HGVSp_Short", "Transcript_ID", "Exon_Number",
    "t_depth", "t_ref_count", "t_alt_count", "n_depth", "n_ref_count", "n_alt_count",
    "Consequence", "IMPACT", "FILTER",
)
REQUIRED_COLUMNS = ("Chromosome", "Start_Position", "Reference_Allele", "Tumor_Seq_Allele2")
MAF_VERSION_LINE = "#version 2.4"
_CANONICAL = {name.lower(): name for name in MAF_COLUMNS}


def _lines(path: Path) -> list[str]:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            text = handle.read()
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise LenallInputError(f"MAF cannot be read ({error})", file=path) from None
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def canonical_columns(names: Iterable[str]) -> list[str]:
    """Header names in standard spelling; a repeated name gets `.1`, `.2`, ... as pandas does."""
    seen: dict[str, int] = {}
    columns = []
    for name in names:
        if name in seen:
            seen[name] += 1
            while f"{name}.{seen[name]}" in seen:
                seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        columns.append(_CANONICAL.get(name.strip().lower(), name.strip()))
    return columns


class MafText:
    """A MAF read line by line as text: `columns` (standard spelling), then `rows()` yields
    (line number, line ending in a newline, fields). Line ends are normalized as in read_maf
    (universal newlines); `#` and empty lines are skipped. A row whose field count differs from
    the header's is an input error."""

    def __init__(self, path: str | Path) -> None:
        import gzip

        self.path = Path(path)
        if not self.path.is_file():
            raise LenallInputError("MAF file not found", file=self.path)
        opener = gzip.open if self.path.suffix == ".gz" else open
        try:
            self._handle = opener(self.path, "rt", encoding="utf-8", newline=None)
        except OSError as error:
            raise LenallInputError(f"MAF cannot be read ({error})", file=self.path) from None
        self._number = 0
        header = self._next_line()
        if header is None:
            self.close()
            raise LenallInputError("MAF has no header line", file=self.path,
                                   hint="a MAF starts with a tab-separated header (Hugo_Symbol "
                                        "...)")
        self.header_line = self._number
        self.columns = canonical_columns(header[:-1].split("\t"))
        missing = [c for c in REQUIRED_COLUMNS if c not in self.columns]
        if missing:
            self.close()
            raise LenallInputError(f"MAF lacks column(s) {', '.join(missing)}", file=self.path,
                                   line=1, field=missing[0],
                                   hint="vcf2maf / cBioPortal MAF columns expected")

    def _next_line(self) -> str | None:
        try:
            for line in self._handle:
                self._number += 1
                if line != "\n" and not line.startswith("#"):
                    return line if line.endswith("\n") else line + "\n"
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise LenallInputError(f"MAF cannot be read ({error})", file=self.path,
                                   line=self._number + 1) from None
        return None

    def rows(self) -> Iterator[tuple[int, str, list[str]]]:
        width = len(self.columns)
        while (line := self._next_line()) is not None:
            fields = line[:-1].split("\t")
            if len(fields) != width:
                raise LenallInputError(f"{len(fields)} fields where the header has {width}",
                                       file=self.path, line=self._number,
                                       hint="the MAF is truncated or edited")
            yield self._number, line, fields

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> MafText:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def read_maf(path: str | Path, sample: str | None = None):
    """The MAF as a pandas DataFrame (all columns as text, standard column spelling).

    With `sample`, only that Tumor_Sample_Barcode's rows; a file with a single barcode is taken
    whole (per-sample MAFs often say TUMOR). Raises LenallInputError on missing columns or an
    unknown sample among several.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise LenallInputError("MAF file not found", file=path)
    lines = [line for line in _lines(path) if line and not line.startswith("#")]
    if not lines:
        raise LenallInputError("MAF has no header line", file=path,
                               hint="a MAF starts with a tab-separated header (Hugo_Symbol ...)")
    frame = pd.read_csv(io.StringIO("\n".join(lines)), sep="\t", dtype=str,
                        keep_default_na=False, quoting=csv.QUOTE_NONE)
    frame.columns = [_CANONICAL.get(c.strip().lower(), c.strip()) for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise LenallInputError(f"MAF lacks column(s) {', '.join(missing)}", file=path, line=1,
                               field=missing[0], hint="vcf2maf / cBioPortal MAF columns expected")
    if sample is not None and "Tumor_Sample_Barcode" in frame.columns:
        barcodes = sorted(set(frame["Tumor_Sample_Barcode"]))
        if sample in barcodes:
            frame = frame[frame["Tumor_Sample_Barcode"] == sample]
        elif len(barcodes) > 1:
            shown = ", ".join(barcodes[:10]) + (" ..." if len(barcodes) > 10 else "")
            raise LenallInputError(f"sample '{sample}' is not a Tumor_Sample_Barcode of the MAF "
                                   f"(barcodes: {shown})", file=path,
                                   field="Tumor_Sample_Barcode",
                                   hint="give the per-sample MAF or the matching barcode")
    return frame.reset_index(drop=True)


def write_maf(path: str | Path, rows: Iterable[Mapping[str, Any]],
              columns: tuple[str, ...] = MAF_COLUMNS) -> int:
    """Write MAF rows (dicts) under `#version 2.4`; missing values are empty, as in vcf2maf."""
    count = 0
    with atomic_open(path) as handle:
        handle.write(MAF_VERSION_LINE + "\n")
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                            escapechar="\\")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([maf_value(row.get(col)) for col in columns])
            count += 1
    return count


def maf_value(value: Any) -> str:
    return "" if value is None or value == "" else format_value(value)


_POPULATION_COLUMNS = ("gnomAD_AF", "gnomADe_AF", "gnomADg_AF", "MAX_AF", "AF_popmax",
                       "gnomAD_FILTER_AF")


class MafCalls:
    """The rows of one sample's MAF as Calls, each carrying its Effect from the MAF columns.

    Streamed: a first pass over the text learns the barcodes (which rows are the sample's, and
    whether a matched normal has counts), the second turns rows into Calls; memory does not grow
    with the file, and errors name the file's own line numbers (comment lines counted)."""

    def __init__(self, path: str | Path, sample: str | None) -> None:
        from collections import Counter

        self.path = Path(path)
        self.multiallelic_records = 0
        self.skipped: Counter[str] = Counter()
        barcodes: Counter[str] = Counter()
        normals: dict[str, set[str]] = {}  # barcode -> matched normals of rows with normal counts
        with MafText(self.path) as maf:
            column = _index_or_none(maf.columns, "Tumor_Sample_Barcode")
            normal = _index_or_none(maf.columns, "Matched_Norm_Sample_Barcode")
            depth = _index_or_none(maf.columns, "n_depth")
            for _number, _line, fields in maf.rows():
                barcode = fields[column] if column is not None else ""
                barcodes[barcode] += 1
                if normal is not None and depth is not None and \
                        fields[depth] not in ("", ".", "NA"):
                    normals.setdefault(barcode, set()).add(fields[normal])
        self.barcode = _chosen_barcode(self.path, sample, barcodes)
        self.records = barcodes[self.barcode] if self.barcode is not None else sum(
            barcodes.values())
        self.tumor_name = self.barcode if self.barcode is not None else (
            next(iter(barcodes)) if barcodes and column is not None else None)
        chosen = (normals.get(self.barcode, set()) if self.barcode is not None
                  else set().union(*normals.values()))
        named = sorted(chosen - {"", "NA", "."})
        self.normal_name = named[0] if named else None

    def _rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, row) of the chosen sample's rows."""
        with MafText(self.path) as maf:
            columns = maf.columns
            column = _index_or_none(columns, "Tumor_Sample_Barcode")
            for number, _line, fields in maf.rows():
                if self.barcode is None or fields[column] == self.barcode:
                    yield number, dict(zip(columns, fields, strict=True))

    def __iter__(self):
        from ..genome import normalize_chrom
        from ..variants.consequence import Effect, short_hgvsp, variant_classification
        from .vcf import Call

        pop_columns = None
        for number, row in self._rows():
            if pop_columns is None:
                pop_columns = [c for c in row if c in _POPULATION_COLUMNS
                               or (c.startswith("gnomAD") and c.endswith("_AF"))]
            start = _int(row.get("Start_Position"), self.path, number, "Start_Position")
            ref = row["Reference_Allele"] or "-"
            alt = row["Tumor_Seq_Allele2"] or "-"
            if alt == ref and row.get("Tumor_Seq_Allele1"):
                alt = row["Tumor_Seq_Allele1"]
            if start is None or alt in ("", "NA") or not row.get("Chromosome"):
                self.skipped["incomplete_row"] += 1
                continue
            call = Call(normalize_chrom(row["Chromosome"]), start, ref, alt)
            call.line = number
            call.t_depth = _int(row.get("t_depth"), self.path, number, "t_depth")
            call.t_ref = _int(row.get("t_ref_count"), self.path, number, "t_ref_count")
            call.t_alt = _int(row.get("t_alt_count"), self.path, number, "t_alt_count")
            if call.t_depth is None and call.t_ref is not None and call.t_alt is not None:
                call.t_depth = call.t_ref + call.t_alt
            call.n_depth = _int(row.get("n_depth"), self.path, number, "n_depth")
            call.n_ref = _int(row.get("n_ref_count"), self.path, number, "n_ref_count")
            call.n_alt = _int(row.get("n_alt_count"), self.path, number, "n_alt_count")
            flt = row.get("FILTER") or ""
            call.vcf_filter = None if flt in ("", ".", "PASS") else flt
            afs = [_float(row.get(c)) for c in pop_columns]
            afs = [a for a in afs if a is not None]
            call.population_af = max(afs) if afs else None
            call.effect = _effect(row, ref, alt, Effect, short_hgvsp, variant_classification)
            yield call


def _effect(row: dict[str, str], ref: str, alt: str, Effect, short_hgvsp, variant_classification):
    consequence = (row.get("Consequence") or "").replace("&", ",") or None
    klass = row.get("Variant_Classification") or (
        variant_classification(consequence, ref, alt) if consequence else "unannotated")
    hgvsp = row.get("HGVSp") or None
    short = row.get("HGVSp_Short") or short_hgvsp(hgvsp)
    if not short and row.get("Protein_Change"):
        short = row["Protein_Change"]
    if not short and row.get("amino_acid_change"):
        short = "p." + row["amino_acid_change"]
    gene = row.get("Hugo_Symbol") or None
    return Effect(
        gene=None if gene in (None, "Unknown") else gene,
        transcript=row.get("Transcript_ID") or None, consequence=consequence,
        variant_classification=klass, hgvsc=row.get("HGVSc") or None, hgvsp=hgvsp,
        hgvsp_short=short, exon=row.get("Exon_Number") or None,
        impact=row.get("IMPACT") or None)


def _index_or_none(columns: list[str], name: str) -> int | None:
    return columns.index(name) if name in columns else None


def _chosen_barcode(path: Path, sample: str | None, barcodes: Mapping[str, int]) -> str | None:
    """Which Tumor_Sample_Barcode's rows are the sample's: its own name, else the only barcode
    of the file (per-sample MAFs often say TUMOR); None takes every row (no barcode column)."""
    if sample is None or set(barcodes) <= {""}:
        return None
    if sample in barcodes:
        return sample
    if len(barcodes) == 1:
        return next(iter(barcodes))
    names = sorted(barcodes)
    shown = ", ".join(names[:10]) + (" ..." if len(names) > 10 else "")
    raise LenallInputError(f"sample '{sample}' is not a Tumor_Sample_Barcode of the MAF "
                           f"(barcodes: {shown})", file=path, field="Tumor_Sample_Barcode",
                           hint="give the per-sample MAF or the matching barcode")


def _int(value: Any, path: Path, line: int, field: str) -> int | None:
    if value in (None, "", ".", "NA"):
        return None
    try:
        return int(float(value))
    except ValueError:
        raise LenallInputError(f"'{value}' is not a number", file=path, line=line,
                               field=field) from None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "", ".", "NA") else None
    except ValueError:
        return None
