"""IGH clonotypes from AIRR rearrangement TSV, Change-O db-pass tables and MiXCR clone exports.

Every format is normalized to `model.CLONOTYPE_COLUMNS`: one row per IGH clonotype, where a
clonotype is a gene-level V call, gene-level J call and junction nucleotide sequence (alleles
dropped: "IGHV3-23*01,IGHV3-23D*01" -> "IGHV3-23,IGHV3-23D"), with its read count and its fraction
of all IGH reads in the file. The `cdr3_nt` column holds the IMGT junction (CDR3 plus the
conserved Cys and Trp/Phe codons) whenever the input has one, because clonal grouping (Immcantation
scoper, Change-O DefineClones) compares junctions; MiXCR's "CDR3" feature is that same junction.

Non-productive rearrangements are kept: the clonal IGH rearrangement of a B-ALL is often
out-of-frame (it is still the clone's marker, as in IGH-based MRD), so dropping them would hide
the clone. Records without a junction, or of another locus, are counted and reported.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LenallInputError
from ..model import CLONOTYPE_COLUMNS, CLONOTYPE_FORMATS

LOCUS = "IGH"

# Column candidates per format, most specific first. Keys are normalized header names
# (lower case, letters and digits only), so "Clone count", "cloneCount" and "clonecount" agree.
_COLUMNS = {
    "airr": {
        "v": ("vcall",), "j": ("jcall",), "junction": ("junction",), "cdr3": ("cdr3",),
        "junction_aa": ("junctionaa",), "cdr3_aa": ("cdr3aa",),
        "count": ("duplicatecount", "consensuscount", "umicount"), "locus": ("locus",),
        "productive": ("productive",),
    },
    "changeo": {
        "v": ("vcall",), "j": ("jcall",), "junction": ("junction",),
        "cdr3": ("cdr3igblastnt", "cdr3imgt", "cdr3"),
        "junction_aa": ("junctionaa",), "cdr3_aa": ("cdr3igblastaa", "cdr3aa"),
        "count": ("dupcount", "conscount", "duplicatecount", "consensuscount", "umicount"),
        "locus": ("locus",), "productive": ("functional", "productive"),
    },
    "mixcr": {
        "v": ("allvhitswithscore", "allvhits", "bestvhit", "bestvgene"),
        "j": ("alljhitswithscore", "alljhits", "bestjhit", "bestjgene"),
        "junction": ("nseqcdr3",), "cdr3": (),
        "junction_aa": ("aaseqcdr3",), "cdr3_aa": (),
        "count": ("clonecount", "readcount", "uniquemoleculecount"), "locus": ("chains",
                                                                               "topchains"),
        "productive": (),
    },
}

_CODONS = {
    a + b + c: aa
    for (a, b, c), aa in zip(
        ((x, y, z) for x in "TCAG" for y in "TCAG" for z in "TCAG"),
        "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
        strict=True,
    )
}


@dataclass
class ClonotypeTable:
    """Normalized IGH clonotypes of one file, plus what was skipped and why."""

    path: Path
    format: str
    rows: list[dict] = field(default_factory=list)
    records: int = 0
    igh_records: int = 0
    productive_unknown: int = 0
    nonproductive_records: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    junction_column: str = ""

    def qc(self) -> dict:
        return {
            "file": str(self.path), "format": self.format, "records": self.records,
            "igh_records": self.igh_records, "nonproductive_igh_records_kept":
                self.nonproductive_records, "clonotypes": len(self.rows),
            "junction_column": self.junction_column, "skipped": dict(sorted(self.skipped.items())),
        }


def normalize_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def gene_calls(call: str) -> str:
    """'IGHV3-23*01,IGHV3-23D*01' -> 'IGHV3-23,IGHV3-23D' (order kept, duplicates dropped).

    Also reads IMGT ('Homsap IGHV1-2*02 F') and MiXCR ('IGHV3-23*00(1234.5)') spellings.
    """
    genes: list[str] = []
    for part in re.split(r"[,;|]", call or ""):
        text = re.sub(r"\(.*?\)", "", part).strip()
        if not text:
            continue
        words = [w for w in text.split() if re.match(r"^(IG|TR)[A-Z]", w)]
        text = words[0] if words else text.split()[0]
        gene = text.split("*")[0]
        if gene and gene not in genes:
            genes.append(gene)
    return ",".join(genes)


def translate(nt: str) -> str:
    """Junction nucleotides -> amino acids; '' when the length is not a whole number of codons."""
    if not nt or len(nt) % 3:
        return ""
    return "".join(_CODONS.get(nt[i:i + 3], "X") for i in range(0, len(nt), 3))


def detect_format(header: list[str], path: Path) -> str:
    names = {normalize_header(h) for h in header}
    raw = set(header)
    if names & {"allvhitswithscore", "allvhits", "bestvhit", "nseqcdr3", "clonecount"}:
        return "mixcr"
    if "V_CALL" in raw or "SEQUENCE_ID" in raw:
        return "changeo"
    if "v_call" in raw:
        # Change-O writes AIRR-style lower-case names too; its own count columns tell it apart.
        return "changeo" if names & {"dupcount", "conscount"} else "airr"
    raise LenallInputError(
        "not a recognized clonotype table (no v_call / V_CALL / allVHitsWithScore column)",
        file=path, line=1, field="header",
        hint=f"give an AIRR rearrangement TSV, a Change-O db-pass table or a MiXCR clones export "
             f"(formats: {', '.join(CLONOTYPE_FORMATS)})")


def _open_text(path: Path) -> io.TextIOBase:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for each non-empty, non-comment line; fields may be double-quoted."""
    with _open_text(path) as handle:
        lines = (line.rstrip("\r\n") for line in handle)
        numbered = ((n, line) for n, line in enumerate(lines, start=1)
                    if line.strip() and not line.startswith("#"))
        for n, line in numbered:
            yield n, next(csv.reader([line], delimiter="\t"))


def _pick(index: dict[str, int], candidates: tuple[str, ...]) -> int | None:
    return next((index[c] for c in candidates if c in index), None)


def _locus_of(v_genes: str, j_genes: str, locus_field: str) -> str:
    if locus_field:
        upper = locus_field.upper()
        for locus in ("IGH", "IGK", "IGL", "TRA", "TRB", "TRG", "TRD"):
            if upper.startswith(locus):
                return locus
    for genes in (v_genes, j_genes):
        if genes[:3] in ("IGH", "IGK", "IGL", "TRA", "TRB", "TRG", "TRD"):
            return genes[:3]
    return ""


def _count(text: str, path: Path, line: int, column: str) -> float:
    if text in ("", "NA", "None", "null"):
        return 1.0
    try:
        value = float(text)
    except ValueError:
        raise LenallInputError(f"count '{text}' is not a number", file=path, line=line,
                               field=column, hint="counts must be numbers") from None
    return value


def read_clonotypes(path: str | Path, fmt: str | None = None) -> ClonotypeTable:
    """Read one clonotype file and collapse its IGH records into clonotypes."""
    path = Path(path)
    if not path.is_file():
        raise LenallInputError("clonotype file not found", file=path,
                               hint="check the samplesheet's clonotypes column")
    rows = _rows(path)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise LenallInputError("clonotype file is empty", file=path,
                               hint="export the clonotypes with a header line") from None
    if fmt is not None and fmt not in CLONOTYPE_FORMATS:
        raise LenallInputError(f"unknown clonotype format '{fmt}'", field="--format",
                               hint=f"use one of {', '.join(CLONOTYPE_FORMATS)}")
    fmt = fmt or detect_format(header, path)
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(normalize_header(name), i)
    spec = _COLUMNS[fmt]
    columns = {key: _pick(index, names) for key, names in spec.items()}
    if columns["v"] is None or columns["j"] is None:
        missing = "v_call" if columns["v"] is None else "j_call"
        raise LenallInputError(f"no {missing} column", file=path, line=header_line,
                               field=missing,
                               hint="the V and J gene calls are needed to define clonotypes")
    junction_col = columns["junction"] if columns["junction"] is not None else columns["cdr3"]
    if junction_col is None:
        wanted = "nSeqCDR3" if fmt == "mixcr" else "junction (or cdr3)"
        raise LenallInputError(
            f"no CDR3/junction nucleotide column ({wanted})", file=path, line=header_line,
            field=wanted,
            hint="export the junction (AIRR 'junction', Change-O 'JUNCTION', MiXCR 'nSeqCDR3'); "
                 "clonotypes are defined by V gene, J gene and junction")
    aa_col = columns["junction_aa"] if columns["junction"] is not None else columns["cdr3_aa"]
    table = ClonotypeTable(path=path, format=fmt, junction_column=header[junction_col])
    groups: dict[tuple[str, str, str], list] = {}
    for line, values in rows:
        table.records += 1
        if len(values) < len(header):
            values = values + [""] * (len(header) - len(values))

        def get(key: str, values: list[str] = values) -> str:
            col = columns.get(key)
            return values[col].strip() if col is not None else ""

        v_genes, j_genes = gene_calls(get("v")), gene_calls(get("j"))
        if _locus_of(v_genes, j_genes, get("locus")) != LOCUS:
            _skip(table, "not_IGH")
            continue
        table.igh_records += 1
        junction = get_junction(values[junction_col])
        if not junction:
            _skip(table, "no_junction")
            continue
        if not v_genes or not j_genes:
            _skip(table, "no_V_or_J_call")
            continue
        productive = get("productive").upper()
        if productive in ("F", "FALSE", "0"):
            table.nonproductive_records += 1
        count = _count(get("count"), path, line, header[columns["count"]]
                       if columns["count"] is not None else "count")
        aa = (aa_col is not None and values[aa_col].strip()) or translate(junction)
        key = (v_genes, j_genes, junction)
        entry = groups.setdefault(key, [0.0, {}])
        entry[0] += count
        entry[1][aa] = entry[1].get(aa, 0.0) + count
    total = sum(count for count, _ in groups.values())
    ordered = sorted(groups.items(), key=lambda item: (-item[1][0], item[0]))
    for rank, ((v_genes, j_genes, junction), (count, aas)) in enumerate(ordered, start=1):
        aa = sorted(aas.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        table.rows.append({
            "clone_id": f"IGH{rank:04d}", "locus": LOCUS, "v_gene": v_genes, "j_gene": j_genes,
            "cdr3_nt": junction, "cdr3_aa": aa or None, "count": _int_if_whole(count),
            "fraction": count / total if total else 0.0,
        })
    return table


def get_junction(text: str) -> str:
    """Upper-case nucleotides; IMGT gap dots removed; '' for missing values."""
    value = text.strip().upper().replace(".", "")
    if value in ("", "NA", "NONE", "NULL"):
        return ""
    return value


def _int_if_whole(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _skip(table: ClonotypeTable, reason: str) -> None:
    table.skipped[reason] = table.skipped.get(reason, 0) + 1


def load_clonotypes_tsv(path: str | Path) -> list[dict]:
    """Read a `<sample>.clonotypes.tsv` written by `write_clonotypes` back into typed rows."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    missing = [c for c in CLONOTYPE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise LenallInputError(f"missing column {missing[0]}", file=path, line=1,
                               field=missing[0],
                               hint="the file must be written by `lenall clonotypes`")
    rows = []
    for row in reader:
        row = {k: (None if v in (".", "") else v) for k, v in row.items()}
        row["count"] = float(row["count"] or 0)
        row["fraction"] = float(row["fraction"] or 0)
        rows.append(row)
    return rows


def write_clonotypes(table: ClonotypeTable, outdir: str | Path, sample: str) -> Path:
    from ..writers import write_json, write_tsv

    outdir = Path(outdir)
    target = outdir / f"{sample}.clonotypes.tsv"
    write_tsv(target, CLONOTYPE_COLUMNS, table.rows, digits=6)
    write_json(outdir / f"{sample}.clonotypes.qc.json", {"sample": sample, **table.qc()})
    return target
