"""What the oncoprint draws, assembled from the cohort tables or straight from a MAF.

Cohort mode reads alterations.tsv, evaluability.tsv and ploidy.tsv (written by `lenall cohort`)
plus the samplesheet (diagnosis, sex, panels, centre). MAF mode lets data that never went
through the pipeline be drawn: rows from a rows file or the most altered genes, evaluability
from an evaluability TSV, from one panel for all patients, or (without either) everything
evaluated, as maftools and cBioPortal assume.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..cohort import (
    RowDef,
    check_row_genes,
    load_display_classes,
    load_rows,
    natural_key,
    select_columns,
)
from ..errors import LenallInputError
from ..model import ALTERATION_COLUMNS, CYTOGENETIC_SOURCES, EVALUABILITY_COLUMNS, Sample
from .oncoprint import OncoprintData

MAF_REQUIRED = ("Hugo_Symbol", "Variant_Classification", "Tumor_Sample_Barcode")
MAF_TOP_GENES = 20
CENTRE_COLUMNS = ("centre", "center", "site", "institution")


# --- small readers ------------------------------------------------------------------------------

def _open_text(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    # newline=None: universal newlines, so old-Mac (CR-only) MAFs read as lines too.
    return opener(path, "rt", encoding="utf-8", newline=None)


def read_table(path: str | Path, required: Sequence[str], *, what: str) -> list[dict[str, str]]:
    path = Path(path)
    try:
        with _open_text(path) as handle:
            lines = [line for line in handle if line.strip() and not line.startswith("#")]
    except OSError as error:
        raise LenallInputError(f"cannot read {what}: {error.strerror or error}",
                               file=path) from error
    reader = csv.DictReader(lines, delimiter="\t")
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        raise LenallInputError(f"{what} lacks required column(s) {', '.join(missing)}",
                               file=path, line=1,
                               hint=f"required: {', '.join(required)}")
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def read_maf_records(path: str | Path) -> list[dict[str, str]]:
    """MAF rows with at least the columns an oncoprint needs (clear error otherwise)."""
    try:
        from ..readers.maf import read_maf
    except ImportError:
        read_maf = None
    if read_maf is not None:
        try:
            records = read_maf(path)
        except LenallInputError:
            records = None  # e.g. no Chromosome column: an oncoprint needs only three columns
        rows = _as_records(records)
        if rows is not None and (not rows or all(c in rows[0] for c in MAF_REQUIRED)):
            return rows
    return read_table(path, MAF_REQUIRED, what="MAF")


def _as_records(records) -> list[dict[str, str]] | None:
    if records is None:
        return None
    if hasattr(records, "to_dict"):
        return [{k: "" if v is None else str(v) for k, v in r.items()}
                for r in records.to_dict("records")]
    try:
        rows = list(records)
    except TypeError:
        return None
    if rows and not isinstance(rows[0], Mapping):
        return None
    return [dict(r) for r in rows]


def read_clinical(path: str | Path) -> tuple[str, dict[str, dict[str, str]]]:
    """(key column, {patient: {column: value}}); the key is `patient` or the first column."""
    path = Path(path)
    rows = read_table(path, (), what="clinical table")
    if not rows:
        return "patient", {}
    columns = list(rows[0])
    key = "patient" if "patient" in columns else columns[0]
    return key, {r[key]: {c: r[c] for c in columns if c != key} for r in rows}


# --- cohort mode --------------------------------------------------------------------------------

def data_from_cohort(cohort_dir: str | Path, samples: Sequence[Sample], *,
                     rows: Sequence[RowDef] | None = None,
                     clinical: str | Path | None = None) -> OncoprintData:
    cohort_dir = Path(cohort_dir)
    rows = tuple(rows) if rows is not None else load_rows()
    evaluability = read_table(cohort_dir / "evaluability.tsv", EVALUABILITY_COLUMNS,
                              what="evaluability table")
    alterations = read_table(cohort_dir / "alterations.tsv", ALTERATION_COLUMNS,
                             what="alterations table")
    row_ids = [r.row for r in rows]
    extra = [r for r in dict.fromkeys(e["row"] for e in evaluability) if r not in row_ids]
    row_ids += extra
    labels = [r.display for r in rows] + extra
    patients = sorted({e["patient"] for e in evaluability}, key=natural_key)
    evaluated = _evaluated_matrix(evaluability, row_ids, patients)
    keep = [i for i, _ in enumerate(patients) if any(evaluated[r][i] for r in range(len(row_ids)))]
    patients = [patients[i] for i in keep]
    evaluated = [[row[i] for i in keep] for row in evaluated]
    columns = {c.patient: c.samples for c in select_columns(samples)}
    tracks = _sample_tracks(patients, columns)
    ploidy = _ploidy_track(cohort_dir / "ploidy.tsv", patients, columns)
    if ploidy is not None:
        tracks = {"Ploidy": ploidy, **tracks}
    subtype = _subtype_track(cohort_dir / "subtypes.tsv", patients)
    if subtype is not None:
        tracks = {"Subtype": subtype, **tracks}
    if clinical:
        known = {name.lower() for name in tracks}
        tracks.update({name: values for name, values in _clinical_tracks(clinical, patients).items()
                       if name.lower() not in known})  # the samplesheet's sex/diagnosis win
    data = _with_alterations(labels, row_ids, patients, evaluated, alterations)
    data.tracks = tracks
    data.rna_marker = [any(_panel_includes_rna(s) for s in columns.get(p, ()))
                       for p in patients]
    return data


def _panel_includes_rna(sample: Sample) -> bool:
    """The paper's asterisk: the sample's DNA panel is an assay that also sequences RNA
    (FoundationOne Heme), as opposed to a separate RNA panel."""
    if not sample.dna_panel:
        return False
    if sample.rna_panel and sample.rna_panel == sample.dna_panel:
        return True
    from ..readers.panels import is_known_panel, panel_genes

    return is_known_panel(sample.dna_panel) and bool(panel_genes(sample.dna_panel, "rna"))


def _evaluated_matrix(evaluability, row_ids, patients) -> list[list[bool]]:
    row_index = {r: i for i, r in enumerate(row_ids)}
    col_index = {p: i for i, p in enumerate(patients)}
    matrix = [[False] * len(patients) for _ in row_ids]
    for e in evaluability:
        if e["row"] in row_index and e["patient"] in col_index:
            matrix[row_index[e["row"]]][col_index[e["patient"]]] = (
                e["evaluated"].lower() in ("yes", "true", "1"))
    return matrix


def _with_alterations(labels, row_ids, patients, evaluated, alterations) -> OncoprintData:
    row_index = {r: i for i, r in enumerate(row_ids)}
    col_index = {p: i for i, p in enumerate(patients)}
    data = OncoprintData(rows=list(labels), patients=list(patients), evaluated=evaluated)
    sequencing: set[tuple[int, int]] = set()
    cytogenetic: set[tuple[int, int]] = set()
    for a in alterations:
        r, c = row_index.get(a["row"]), col_index.get(a["patient"])
        if r is not None and c is not None:
            data.alt_rows.append(r)
            data.alt_cols.append(c)
            data.alt_classes.append(a["display_class"])
            sources = set((a.get("source") or "").split(";"))
            (cytogenetic if sources <= CYTOGENETIC_SOURCES else sequencing).add((r, c))
    data.cytogenetic_only = sorted(cytogenetic - sequencing)
    OncoprintData.__post_init__(data)
    return data


def _sample_tracks(patients, columns) -> dict[str, list[str]]:
    def values(getter) -> list[str]:
        return [";".join(dict.fromkeys(v for s in columns.get(p, ()) if (v := getter(s))))
                for p in patients]

    tracks = {"Diagnosis": values(lambda s: s.diagnosis),
              "Sex": values(lambda s: s.sex if s.sex and s.sex != "unknown" else ""),
              "Panel": values(lambda s: s.dna_panel)}
    centre = values(lambda s: next((s.extra[k] for k in CENTRE_COLUMNS if s.extra.get(k)), ""))
    if any(centre):
        tracks["Centre"] = centre
    return {k: v for k, v in tracks.items() if any(v)}


def _ploidy_track(path: Path, patients, columns) -> list[str] | None:
    if not path.exists():
        return None
    rows = read_table(path, (), what="ploidy table")
    class_column = next((c for c in ("class", "ploidy_class") if rows and c in rows[0]), None)
    if class_column is None:
        return None
    patient_of = {s.sample: p for p, samples in columns.items() for s in samples}
    by_patient: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.get("sample") in patient_of and row[class_column] not in ("", "."):
            by_patient[patient_of[row["sample"]]].append(_ploidy_category(row, class_column))
    return [";".join(dict.fromkeys(by_patient.get(p, []))) for p in patients]


def _subtype_track(path: Path, patients) -> list[str] | None:
    """The genetic subtype per patient (cohort/subtypes.tsv from the cohort step)."""
    if not path.exists():
        return None
    rows = read_table(path, ("patient", "subtype"), what="subtypes table")
    by_patient = {r["patient"]: r["subtype"] for r in rows if r["subtype"] not in ("", ".")}
    return [by_patient.get(p, "") for p in patients]


def _ploidy_category(row: Mapping[str, str], class_column: str) -> str:
    """The class, marked when ploidy.tsv flags it as masked: a doubled hypodiploid clone that a
    chromosome count alone would call hyperdiploid."""
    masked = row.get("masked", "").lower() in ("true", "yes", "1")
    return f"{row[class_column]} (masked)" if masked else row[class_column]


def _clinical_tracks(path, patients) -> dict[str, list[str]]:
    _key, table = read_clinical(path)
    names = list(dict.fromkeys(c for values in table.values() for c in values))
    missing = ("", "NA", "N/A", "na", ".")
    return {name: [v if (v := table.get(p, {}).get(name, "")) not in missing else ""
                   for p in patients] for name in names}


# --- MAF mode ---------------------------------------------------------------------------------

def data_from_maf(maf: str | Path, *, rows_file: str | Path | None = None,
                  evaluability: str | Path | None = None, panel: str | None = None,
                  clinical: str | Path | None = None, genome: str = "GRCh38",
                  ) -> tuple[OncoprintData, dict]:
    """Oncoprint data from a MAF; returns (data, counts of what was read and skipped)."""
    records = read_maf_records(maf)
    classes = load_display_classes()
    counts: Counter = Counter(records=len(records))
    counted = []
    for record in records:
        display = classes.for_variant(record.get("Variant_Classification", ""))
        if display is None:
            counts["class_not_counted"] += 1
        else:
            counted.append((record["Tumor_Sample_Barcode"], record["Hugo_Symbol"], display))
    patients = sorted({r.get("Tumor_Sample_Barcode", "") for r in records} - {""},
                      key=natural_key)
    panel_genes = _panel(panel) if panel else None
    if rows_file:
        rows = load_rows(rows_file)
        known = {g for _, g, _ in counted} | {r.get("Hugo_Symbol", "") for r in records}
        known |= set(panel_genes or ())
        try:
            from ..genome import genes
            known |= set(genes(genome))
        except (FileNotFoundError, OSError):
            pass
        check_row_genes(rows, known, file=rows_file)
    else:
        rows = _top_gene_rows(counted)
    eval_rows = read_table(evaluability, ("patient", "row", "evaluated"),
                           what="evaluability table") if evaluability else None
    if eval_rows is not None:
        patients = sorted(set(patients) | {e["patient"] for e in eval_rows}, key=natural_key)
        matrix = _evaluated_matrix(eval_rows, [r.row for r in rows], patients)
    else:
        matrix = [[_row_on_panel(r, panel_genes) for _ in patients] for r in rows]
    alterations = []
    for patient, gene, display in counted:
        for row in rows:
            if row.kind in ("gene_mutation", "gene_mutation_or_loss") and gene in row.genes:
                alterations.append({"patient": patient, "row": row.row,
                                    "display_class": display})
    data = _with_alterations([r.display for r in rows], [r.row for r in rows], patients,
                             matrix, alterations)
    if clinical:
        data.tracks = _clinical_tracks(clinical, patients)
    counts["alterations_drawn"] = len(data.alt_rows)
    return data, dict(counts)


def _panel(spec: str) -> frozenset[str]:
    from ..readers.panels import panel_genes

    return frozenset(g.upper() for g in panel_genes(spec, "dna", None))


def _row_on_panel(row: RowDef, genes: frozenset[str] | None) -> bool:
    if genes is None:
        return row.kind in ("gene_mutation", "gene_mutation_or_loss")
    return any(g.upper() in genes for g in row.genes)


def _top_gene_rows(counted) -> tuple[RowDef, ...]:
    patients_per_gene: dict[str, set[str]] = defaultdict(set)
    for patient, gene, _ in counted:
        patients_per_gene[gene].add(patient)
    top = sorted(patients_per_gene, key=lambda g: (-len(patients_per_gene[g]), g))
    return tuple(RowDef(g, g, "gene_mutation", (g,), (), ("dna_panel",))
                 for g in top[:MAF_TOP_GENES])
