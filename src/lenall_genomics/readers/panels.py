"""Which genes a sequencing panel covers: by panel id (assets/panels/<id>.tsv) or from a user file.

A panel table has columns `gene`, `dna`, `rna` (yes/no): DNA means SNVs, indels and copy number are
evaluable for the gene, RNA means fusions whose 3' driver is the gene are evaluable. An optional
column `fusion_introns` (yes/no) says the DNA panel also baits the gene's breakpoint introns, so a
DNA rearrangement of the gene can be seen; without the column no gene's introns are baited. A user
may give a table of the same form by path, or a gene list (one symbol per line) or a BED whose 4th
column names the gene; such a list counts for the kind (dna_panel or rna_panel) it was given as,
and baits no introns.
"""

from __future__ import annotations

import csv
import gzip
import re
from functools import cache
from pathlib import Path

from ..assets import asset
from ..errors import LenallInputError

KINDS = ("dna", "rna", "fusion_introns")
REQUIRED_KINDS = ("dna", "rna")  # fusion_introns is optional
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
# BED name fields seen in the wild: "TP53", "TP53_exon5", "TP53;ENSG00000141510", "TP53|NM_000546",
# "gene=TP53;..." and the antitarget, backbone ("CGH") and blank markers CNVkit and others write.
_NAME_SEPARATORS = re.compile(r"[;|,:]")
_NO_GENE = {"", ".", "-", "antitarget", "background", "cgh", "na", "none"}


@cache
def known_panels() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in asset("panels").glob("*.tsv")))


def is_known_panel(spec: str) -> bool:
    return spec in known_panels()


def panel_genes(spec: str, kind: str, base_dir: str | Path | None = None) -> frozenset[str]:
    """Genes evaluable for `kind` ("dna", "rna" or "fusion_introns") on the panel `spec` (an id or
    a file path)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    spec = spec.strip()
    if is_known_panel(spec):
        return _panel_table(asset("panels", f"{spec}.tsv"))[kind]
    path = resolve_panel_path(spec, base_dir)
    if path is None:
        raise LenallInputError(
            f"unknown panel '{spec}'", field="rna_panel" if kind == "rna" else "dna_panel",
            hint=f"use one of {', '.join(known_panels())}, the path of a panel table (gene, dna, "
                 "rna[, fusion_introns]), a gene list or a BED file whose 4th column is the gene")
    if _is_panel_table(path):
        return _panel_table(path)[kind]
    return frozenset() if kind == "fusion_introns" else read_gene_file(path)


def _is_panel_table(path: Path) -> bool:
    """A user file in the form of assets/panels/*.tsv: its first content line is the header."""
    try:
        with _open_text(path) as handle:
            first = next((line for line in handle if _is_content(line)), "")
    except OSError:
        return False
    return {"gene", *REQUIRED_KINDS} <= {c.strip().lower() for c in first.split("\t")}


def resolve_panel_path(spec: str, base_dir: str | Path | None = None) -> Path | None:
    """The panel file `spec` names (relative paths against base_dir), or None when not a file."""
    path = Path(spec).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    return path.resolve() if path.is_file() else None


@cache
def _panel_table(path: Path) -> dict[str, frozenset[str]]:
    covered: dict[str, set[str]] = {kind: set() for kind in KINDS}
    with open(path, encoding="utf-8") as handle:
        lines = [(number, line) for number, line in enumerate(handle, 1)
                 if line.strip() and not line.startswith("#")]
    reader = csv.DictReader((line for _, line in lines), delimiter="\t")
    columns = set(reader.fieldnames or ())
    missing = {"gene", *REQUIRED_KINDS} - columns
    if missing:
        raise LenallInputError(f"panel table lacks column(s) {', '.join(sorted(missing))}",
                               file=path,
                               hint="columns are: gene, dna, rna (and optionally fusion_introns)")
    for (number, _), row in zip(lines[1:], reader, strict=True):
        for kind in (k for k in KINDS if k in columns):
            value = (row[kind] or "").strip().lower()
            if value not in _YES | _NO:
                raise LenallInputError(f"'{row[kind]}' is not yes/no", file=path, line=number,
                                       field=kind)
            if value in _YES:
                covered[kind].add(row["gene"].strip())
    return {kind: frozenset(genes) for kind, genes in covered.items()}


def read_gene_file(path: str | Path) -> frozenset[str]:
    """Genes named by a gene list (one per line) or a BED (gene in the 4th column)."""
    path = Path(path)
    try:
        with _open_text(path) as handle:
            lines = [(number, line.rstrip("\r\n")) for number, line in enumerate(handle, 1)]
    except OSError as error:
        raise LenallInputError(f"cannot read panel file: {error.strerror}", file=path) from error
    content = [(number, line) for number, line in lines if _is_content(line)]
    if not content:
        raise LenallInputError("panel file names no genes", file=path,
                               hint="give one gene symbol per line, or a BED with a 4th column")
    if _looks_like_bed(content):
        genes = _bed_genes(path, content)
    else:
        genes = {line.split()[0] for _, line in content}
    if not genes:
        raise LenallInputError("panel file names no genes", file=path,
                               hint="the BED's 4th column should hold gene symbols")
    return frozenset(genes)


def _open_text(path: Path):
    """Plain or gzip/bgzip text (panel BEDs are often shipped compressed)."""
    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    if compressed:
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace")
    return open(path, encoding="utf-8-sig", errors="replace")


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", "track", "browser"))


def _fields(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


def _is_interval(fields: list[str]) -> bool:
    return len(fields) >= 3 and fields[1].strip().isdigit() and fields[2].strip().isdigit()


def _looks_like_bed(content: list[tuple[int, str]]) -> bool:
    # the first line may be a column header ("chrom start end name"): decide on the next one too
    return any(_is_interval(_fields(line)) for _, line in content[:2])


def _bed_genes(path: Path, content: list[tuple[int, str]]) -> set[str]:
    genes: set[str] = set()
    for index, (number, line) in enumerate(content):
        fields = _fields(line)
        if not _is_interval(fields):
            if index == 0:
                continue  # a header line
            raise LenallInputError("not a BED interval line", file=path, line=number,
                                   hint="BED lines are: chrom, start, end, gene")
        if len(fields) < 4:
            raise LenallInputError("BED line has no 4th (gene) column", file=path, line=number,
                                   hint="a panel BED needs the gene symbol in column 4")
        gene = gene_from_bed_name(fields[3])
        if gene:
            genes.add(gene)
    return genes


def gene_from_bed_name(name: str) -> str | None:
    """The gene symbol inside a BED name field, or None for antitarget/blank names."""
    name = name.strip()
    for part in name.split(";"):
        key, _, value = part.partition("=")
        if value and key.strip().lower() in ("gene", "gene_name", "gene_id", "symbol"):
            name = value.strip()
            break
    symbol = _NAME_SEPARATORS.split(name, maxsplit=1)[0].strip()
    if symbol.upper().startswith(("ENSG", "ENST", "NM_", "NR_", "XM_")):
        return None
    # "TP53_exon5", "TP53_target_3": HGNC symbols carry no underscore
    symbol = symbol.split("_", 1)[0]
    return None if symbol.lower() in _NO_GENE else symbol
