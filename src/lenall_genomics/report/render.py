"""The cohort report: one self-contained HTML file built from the cohort and per-sample results.

Nothing in the page is fetched: figures are data: URIs (past their size budget, links to the
figure files beside the report, opened only when clicked), style and script are inline, and
every value read from an input (sample ids, genes, file names, free text) is HTML-escaped.
The same inputs give the same bytes (no dates, sorted rows).
"""

from __future__ import annotations

import os
import platform
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import __version__
from ..model import (
    ALTERATION_COLUMNS,
    EVENT_COLUMNS,
    FREQUENCY_COLUMNS,
    Sample,
)
from ..results import (
    ResultFiles,
    Table,
    TableRows,
    index_results,
    missing,
    read_json,
    read_optional_table,
    read_table,
)
from ..writers import atomic_open
from . import grid as oncogrid
from .cache import FragmentCache
from .fragments import (
    PAGE_ROWS,
    cell_text,
    esc,
    first_existing,
    image,
    json_script,
    note,
    section,
    section_parts,
    table,
)
from .template import page

TITLE = "lenall-genomics cohort report"
VERSIONED_PACKAGES = ("click", "cyvcf2", "pysam", "pandas", "numpy", "matplotlib", "jsonschema")
PLOIDY_CAPTION_KEYS = ("class", "ploidy_class", "modal_chromosome_number", "modal_number",
                       "modal_chromosomes", "n_chromosomes", "masked", "doubled")


def render_report(cohort_dir: str | Path, results_dir: str | Path | None,
                  samples: Sequence[Sample], genome: str, out_path: str | Path | None = None,
                  *, parameters: Mapping[str, Any] | None = None) -> Path:
    """Write `<cohort_dir>/report.html` (or `out_path`) and return its path."""
    cohort = Path(cohort_dir)
    out = Path(out_path) if out_path is not None else cohort / "report.html"
    inputs = _Inputs(cohort, index_results(results_dir), samples, genome,
                     FragmentCache(out.parent), out.parent)
    params = {"genome": genome, "samplesheet-samples": len(samples), "cohort folder": cohort,
              "results folder": results_dir if results_dir is not None else "-"}
    params.update(parameters or {})
    sections = [
        _summary(inputs),
        _oncoprint(inputs),
        _ploidy(inputs),
        _subtypes(inputs),
        _clonality(inputs),
        _qc(inputs),
        _samples(inputs, out.parent),
        _parameters(inputs, params),
    ]
    patients = {s.patient for s in samples}
    subtitle = (f"{len(patients)} patients, {len(samples)} samples · genome {genome} · "
                f"lenall-genomics {__version__}")
    with atomic_open(out) as handle:
        handle.writelines(page(TITLE, subtitle, sections))
    inputs.fragments.save()
    return out


class _Inputs:
    """The files the report reads, each read once."""

    def __init__(self, cohort: Path, results: ResultFiles, samples: Sequence[Sample],
                 genome: str, fragments: FragmentCache, report_folder: Path) -> None:
        self.cohort = cohort
        self.report_folder = report_folder  # file names the page links are relative to it
        self.results = results
        self.genome = genome
        self.samples = sorted(samples, key=lambda s: (s.patient, s.sample))
        self.by_id = {s.sample: s for s in samples}
        # The two cohort-wide tables (a row per alteration, a row per patient and row) are read
        # row by row where used, never held as rows.
        self.alterations = _existing(cohort / "alterations.tsv")
        self.evaluability = _existing(cohort / "evaluability.tsv")
        self.frequencies = read_optional_table(cohort / "frequencies.tsv", FREQUENCY_COLUMNS)
        self.ploidy = read_optional_table(cohort / "ploidy.tsv")
        self.subtypes = read_optional_table(cohort / "subtypes.tsv")
        self.clonality = read_optional_table(cohort / "clonality.tsv")
        self.evidence = _GroupedRows.read(cohort / "clonality_evidence.tsv", "patient")
        self._wanted = _wanted_variants(self.alterations)
        self.fragments = fragments
        self._fragments: dict[str, dict] = {}
        self.grid: oncogrid.Grid | None = None  # filled by the oncoprint section
        self.variant_thresholds: dict[str, list[str]] = {}  # filled by the QC section

    def file(self, sample: str, suffix: str) -> Path | None:
        return self.results.find(sample, suffix)

    def genome_plot(self, sample: str) -> Path | None:
        return first_existing(self.file(sample, "genome.png"), self.file(sample, "genome.svg"))

    def fragment(self, sample: str) -> dict:
        """What the page shows of one sample's own files (cached by their content)."""
        if sample not in self._fragments:
            wanted = self._wanted.get(sample, {})
            facts = sorted((g, sorted(a)) for g, a in wanted.items())
            files = [self.file(sample, suffix) for suffix in SAMPLE_FILES]
            plots = [self.file(sample, suffix) for suffix in PLOT_FILES]
            self._fragments[sample] = self.fragments.get(
                sample, facts, files, lambda: _sample_fragment(self, sample, wanted),
                present=plots)
        return self._fragments[sample]

    def cell_details(self, sample: str, gene: str, alteration: str, detail: str,
                     source: str) -> tuple[str, str, str]:
        """HGVSp and VAF of the variant behind an alteration, and the panel that found it."""
        hgvsp, vaf = self.fragment(sample)["matches"].get(f"{gene}\t{alteration}", ("", ""))
        if not hgvsp:
            found = re.search(r"p\.[A-Za-z0-9*_=>?]+", detail or "")
            hgvsp = found.group(0) if found else ""
        if not vaf:
            found = re.search(r"vaf\s*[=:]?\s*([0-9]*\.?[0-9]+)", detail or "", re.IGNORECASE)
            vaf = found.group(1) if found else ""
        s = self.by_id.get(sample)
        panel = ""
        if s is not None:
            panel = (s.rna_panel if "rna" in source.lower() else s.dna_panel) or ""
        return hgvsp, vaf, panel


SAMPLE_FILES = ("variants.tsv", "fusions.tsv", "cn_events.tsv", "segments.tsv", "ploidy.json",
                "variants.qc.json")  # read by the fragment: their content is in its key
PLOT_FILES = ("genome.png", "genome.svg")  # only whether one exists is in the fragment


def _sample_fragment(inputs: _Inputs, sample: str, wanted: Mapping[str, set[str]]) -> dict:
    digest = VariantDigest.read(inputs.file(sample, "variants.tsv"), wanted)
    matches = {f"{gene}\t{alteration}": list(digest.match(gene, alteration))
               for gene, alterations in sorted(wanted.items()) for alteration in sorted(alterations)}
    plot = inputs.genome_plot(sample)
    caption = None  # the plot itself is read only when the page embeds it
    if plot is not None:
        facts = read_json(inputs.file(sample, "ploidy.json"))
        caption = sample
        if isinstance(facts, Mapping):
            shown = [f"{k}: {cell_text(facts[k])}" for k in PLOIDY_CAPTION_KEYS
                     if facts.get(k) is not None and not isinstance(facts[k], (dict, list))]
            caption += (" — " + "; ".join(shown)) if shown else ""
    fusions = _first_rows(inputs.file(sample, "fusions.tsv"))
    cn_events = _first_rows(inputs.file(sample, "cn_events.tsv"))
    return {
        "statuses": dict(sorted(digest.statuses.items())),
        "matches": matches,
        "counts": {"fusion events": _count_text(fusions[1]),
                   "CN events": _count_text(cn_events[1]),
                   "segments": _row_count(inputs.file(sample, "segments.tsv"))},
        "fusions": fusions,
        "cn_events": cn_events,
        "ploidy": "yes" if inputs.file(sample, "ploidy.json") else "-",
        "qc": read_json(inputs.file(sample, "variants.qc.json")),
        "figure": caption,
    }


_THREE = {"Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
          "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
          "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
          "Sec": "U"}
_THREE_RE = re.compile("|".join(_THREE))


def short_hgvsp(hgvsp: str) -> str:
    """p.Arg175His -> p.R175H (leaves one-letter forms unchanged)."""
    text = hgvsp.split(":")[-1]
    return _THREE_RE.sub(lambda m: _THREE[m.group(0)], text)


class _GroupedRows:
    """A cohort table's rows grouped by one column, each row a tuple of its values (a value
    repeated down a column is kept once): a clonality evidence table of a large cohort is not
    held as a dict per row."""

    DISTINCT = 5_000  # a column with more distinct values than this is not shared

    def __init__(self, path: Path, columns: tuple[str, ...], comments: tuple[str, ...]) -> None:
        self.path, self.columns, self.comments = path, columns, comments
        self.groups: dict[str | None, list[tuple[str, ...]]] = {}

    @classmethod
    def read(cls, path: Path, by: str) -> _GroupedRows | None:
        if not path.is_file():
            return None
        with TableRows(path) as found:
            grouped = cls(path, found.columns, found.comments)
            at = found.columns.index(by) if by in found.columns else None
            shared: list[dict[str, str] | None] = [{} for _ in found.columns]
            for values in found.lists():
                for i, seen in enumerate(shared):
                    if seen is not None:
                        values[i] = seen.setdefault(values[i], values[i])
                        if len(seen) > cls.DISTINCT:
                            shared[i] = None
                grouped.groups.setdefault(None if at is None else values[at], []).append(
                    tuple(values))
        return grouped


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def _wanted_variants(alterations: Path | None) -> dict[str, dict[str, set[str]]]:
    """sample -> gene -> alterations the oncoprint shows (their variant is looked up)."""
    wanted: dict[str, dict[str, set[str]]] = {}
    if alterations is None:
        return wanted
    with TableRows(alterations, ALTERATION_COLUMNS) as table:
        at = [table.columns.index(c) for c in ("sample", "gene", "alteration")]
        for values in table.lists():
            sample, gene, alteration = (values[i] for i in at)
            wanted.setdefault(sample, {}).setdefault(gene, set()).add(alteration)
    return wanted


class VariantDigest:
    """One pass over a variants.tsv: the count per status, and for each wanted (gene,
    alteration) the HGVSp and VAF of its variant: the first somatic row of the gene whose HGVSp
    or HGVSc names it (short or long form), else the first other row that does, else the gene's
    only somatic row."""

    def __init__(self) -> None:
        self.statuses: Counter[str] = Counter()
        self._named: dict[tuple[str, str], tuple[str, str]] = {}  # (gene, alteration) -> found
        self._named_other: dict[tuple[str, str], tuple[str, str]] = {}
        self._somatic: dict[str, list] = {}  # gene -> [somatic rows, values of the first]

    @classmethod
    def read(cls, path: Path | None, wanted: Mapping[str, set[str]]) -> VariantDigest:
        digest = cls()
        if path is None or not path.is_file():
            return digest
        by_name: dict[tuple[str, str], list[str]] = {}
        for gene, alterations in wanted.items():
            for alteration in alterations:
                if alteration.strip():
                    by_name.setdefault((gene, short_hgvsp(alteration.strip())), []).append(
                        alteration)
        with TableRows(path, ("gene", "status")) as table:
            columns = table.columns
            gene_at, status_at = columns.index("gene"), columns.index("status")
            text_at = [columns.index(n) if n in columns else None
                       for n in ("hgvsp", "hgvsc", "t_vaf")]
            statuses: dict[str, int] = {}
            for values in table.lists():
                status = values[status_at]
                statuses[status] = statuses.get(status, 0) + 1
                if values[gene_at] in wanted:
                    hgvsp, hgvsc, vaf = ("" if i is None else values[i] for i in text_at)
                    digest._add(values[gene_at], status == "somatic", hgvsp, hgvsc, vaf,
                                by_name)
            digest.statuses.update(statuses)
        return digest

    def _add(self, gene: str, somatic: bool, hgvsp: str, hgvsc: str, vaf: str,
             by_name: Mapping[tuple[str, str], list[str]]) -> None:
        found = (_clean(hgvsp), _clean(vaf))
        if somatic:
            seen = self._somatic.setdefault(gene, [0, found])
            seen[0] += 1
        names = {hgvsp, short_hgvsp(hgvsp), hgvsc} - {"", "."}
        named = self._named if somatic else self._named_other
        for short in {short_hgvsp(n) for n in names}:
            for alteration in by_name.get((gene, short), ()):
                named.setdefault((gene, alteration), found)

    def match(self, gene: str, alteration: str) -> tuple[str, str]:
        key = (gene, alteration)
        if key in self._named:
            return self._named[key]
        if key in self._named_other:
            return self._named_other[key]
        count, first = self._somatic.get(gene, (0, ("", "")))
        return first if count == 1 else ("", "")


def _clean(value: str) -> str:
    return "" if missing(value) else value


# --- sections ----------------------------------------------------------------------------------

def _summary(inputs: _Inputs) -> str:
    per_diagnosis: dict[str, tuple[set[str], int]] = {}
    for s in inputs.samples:
        patients, count = per_diagnosis.get(s.diagnosis, (set(), 0))
        patients.add(s.patient)
        per_diagnosis[s.diagnosis] = (patients, count + 1)
    rows = [{"diagnosis": d, "patients": len(p), "samples": n}
            for d, (p, n) in sorted(per_diagnosis.items())]
    body = [f"<p>{esc(len({s.patient for s in inputs.samples}))} patients and "
            f"{esc(len(inputs.samples))} samples in the samplesheet.</p>",
            table(("diagnosis", "patients", "samples"), rows),
            "<h3>Altered / evaluable patients (n/N)</h3>"]
    if inputs.frequencies is None:
        body.append(note("frequencies.tsv was not found in the cohort folder."))
    else:
        body.append(table(FREQUENCY_COLUMNS, inputs.frequencies.rows, table_id="frequencies",
                          headers={"row": "gene / event", "label": "n/N", "percent": "%"}))
    return section("summary", "Cohort summary", body)


def _oncoprint(inputs: _Inputs) -> str:
    body = []
    if inputs.alterations is None and inputs.evaluability is None:
        body.append(note("alterations.tsv and evaluability.tsv were not found in the cohort folder."))
    else:
        built = oncogrid.build_grid(inputs.alterations, inputs.evaluability, inputs.frequencies,
                                    inputs.cell_details, inputs.subtypes)
        inputs.grid = built
        classes = sorted({h[oncogrid.CLASS_AT] for hits in built.hits.values() for h in hits})
        labels = {"hgvsp": "HGVSp", "vaf": "VAF", "source": "Evidence"}
        detail_rows = "".join(f'<dt>{esc(labels.get(f, f.capitalize()))}</dt>'
                              f'<dd id="detail-{f}">-</dd>' for f in DETAIL_FIELDS)
        body += [
            "<p>Hover over or click a cell, or focus the grid and use the arrow keys, to see its "
            "details; 'Evidence' is what decided the cell (dna, rna, dna_cn, dna_sv, karyotype, "
            "clinical) and a white dot marks cells that only karyotype or clinical testing "
            "altered. Rows are genes or events, columns are patients; the right-hand label is "
            "altered/evaluable. The overview strip above the grid shows the whole cohort (each "
            "pixel column a bin of adjacent patients, shaded by the share altered): click or "
            "drag in it to move the grid there. Narrow the columns to see more patients at "
            "once.</p>",
            oncogrid.legend(classes, marks=bool(built.cytogenetic_only())),
            '<div class="oncoprint-layout">',
            f'<div class="grid-wrap">{oncogrid.render_grid(built)}</div>',
            json_script(oncogrid.grid_data(built), "oncoprint-data"),
            f'<aside id="cell-details" data-filled="false"><h3>Cell details</h3><dl>{detail_rows}'
            "</dl></aside>",
            "</div>",
        ]
    static = first_existing(inputs.cohort / "oncoprint.svg", inputs.cohort / "oncoprint.png")
    body.append("<h3>Figure</h3>")
    body.append(image(static, "Cohort oncoprint", static.name) if static
                else note("oncoprint.svg was not found in the cohort folder."))
    return section("oncoprint", "Oncoprint", body)


DETAIL_FIELDS = ("patient", "subtype", "gene", "alteration", "hgvsp", "vaf", "source", "detail",
                 "panel", "status")


def _ploidy(inputs: _Inputs) -> str:
    body = []
    if inputs.ploidy is None:
        body.append(note("ploidy.tsv was not found in the cohort folder."))
    else:
        body.append(table(inputs.ploidy.columns, inputs.ploidy.rows, table_id="ploidy-table"))
    plots = sum(1 for s in inputs.samples if inputs.fragment(s.sample)["figure"] is not None)
    body.append(note(f"{plots} per-sample genome plots (copy number and LOH): each is shown in "
                     "its sample's details (section Samples).") if plots
                else note("No per-sample genome plots were found."))
    return section("ploidy", "Ploidy", body)


def _subtypes(inputs: _Inputs) -> str:
    if inputs.subtypes is None:
        body = [note("subtypes.tsv was not found in the cohort folder.")]
    else:
        body = [note("Genetic subtype per patient (WHO-HAEM5 2022, ICC 2022; RNA-defined subtypes "
                     "after Gu et al. 2019). 'not assessable' lists what this patient's evidence "
                     "could not exclude."),
                table(("subtype", "patients"),
                      [{"subtype": k, "patients": n} for k, n in sorted(Counter(
                          r.get("subtype", "") for r in inputs.subtypes.rows).items())],
                      table_id="subtype-counts"),
                table(inputs.subtypes.columns, inputs.subtypes.rows, table_id="subtypes-table",
                      headers={"not_assessable": "not assessable", "also_found": "also found",
                               "source_samples": "samples"})]
    return section("subtypes", "Genetic subtypes", body)


def _clonality(inputs: _Inputs) -> str | Iterator[str]:
    """The clonality section; with results, its pieces as the page is written (a figure per
    patient with two tumour samples: never all held at once)."""
    if inputs.clonality is None:
        return section("clonality", "Clonality", [
            note("clonality.tsv was not found: no patient had two tumour samples, or the "
                 "clonality step has not run.")])
    return section_parts("clonality", "Clonality", _clonality_body(inputs, inputs.clonality))


def _clonality_body(inputs: _Inputs, clonality: Table) -> Iterator[str]:
    """The verdict table (a row per compared pair) as the list, and one details panel: a
    patient's evidence rows and figure, shown when one of its rows is picked. At most PAGE_ROWS
    patients: each also inline as an open <details> (the page reads without its script); more:
    the evidence rows go to the page once, as columnar data, and each patient is a range of
    them."""
    from ..clonality.outputs import patient_file_stem

    yield table(clonality.columns, clonality.rows, table_id="clonality-table")
    patients = sorted({r.get("patient", "") for r in clonality.rows} - {""})
    if not patients:
        if inputs.evidence is not None:
            yield table(inputs.evidence.columns, read_table(inputs.evidence.path).rows)
        return
    folder = inputs.cohort / "clonality"
    figures = [first_existing(folder / f"{patient_file_stem(p)}.svg",
                              folder / f"{patient_file_stem(p)}.png") for p in patients]
    total, embed = _figure_budget([f for f in figures if f is not None],
                                  CLONALITY_FIGURE_BUDGET)
    report_folder = inputs.report_folder
    shown = []
    for patient, figure in zip(patients, figures, strict=True):
        if figure is None:
            shown.append(("", ""))
        elif embed:
            shown.append((image(figure, f"Clonal relatedness of patient {patient}", figure.name),
                          ""))
        else:
            shown.append(("", _relative(figure, report_folder)))
    yield ("<p>Search for a patient, sample or verdict, and click a row to see that patient's "
           "evidence (a row per mutation compared, the IGH comparison and the rule that decided "
           "the verdict) and clonality figure below.</p>")
    if not embed:
        yield note(f"The per-patient clonality figures ({total / 1e6:.0f} MB) are not embedded "
                   f"(more than {CLONALITY_FIGURE_BUDGET / 1e6:.0f} MB): each patient's details "
                   "link its figure file beside this report.")
    at = {p: i for i, p in enumerate(patients)}
    rows = [at.get(r.get("patient", ""), -1) for r in clonality.rows]
    columns = inputs.evidence.columns if inputs.evidence is not None else ()
    evidence = inputs.evidence.groups if inputs.evidence is not None else {}
    yield detail_panel("clonality-detail", "patient", "Pick a patient in the table to see its "
                       "evidence and figure.", rows)
    if len(patients) <= PAGE_ROWS:
        for patient, (figure, link) in zip(patients, shown, strict=True):
            record_rows = [dict(zip(columns, v, strict=True)) for v in evidence.get(patient, ())]
            yield (f'<details class="clonality-inline" data-patient="{esc(patient)}" open>'
                   f"<summary>Patient {esc(patient)}</summary>"
                   f"{clonality_html(patient, columns, record_rows, figure, link, inputs.evidence)}"
                   "</details>")
        return
    values: list[tuple[str, ...]] = []
    records = []
    for patient, (figure, link) in zip(patients, shown, strict=True):
        found = evidence.get(patient, ())
        records.append([patient, len(values), len(found), figure, link])
        values.extend(found)
    yield json_script({"columns": list(columns), "rows": len(values),
                       "evidence": [columnar([v[i] for v in values]) for i in range(len(columns))],
                       "records": records, "has_evidence": inputs.evidence is not None},
                      "clonality-details")


CLONALITY_FIGURE_BUDGET = 24_000_000  # characters of embedded clonality figures; past it none is


def _relative(path: Path, report_folder: Path) -> str:
    return Path(os.path.relpath(path, report_folder)).as_posix()


def _figure_budget(paths: Iterable[Path], budget: int) -> tuple[int, bool]:
    """The characters embedding `paths` adds to the page, and whether that is within `budget`
    (the genome plots and the clonality figures: each set is embedded whole or not at all)."""
    total = sum(_embedded_size(p) for p in paths)
    return total, total <= budget


def clonality_html(patient: str, columns: Sequence[str], rows: Sequence[Mapping[str, str]],
                   figure: str, link: str, evidence: Any) -> str:
    """A patient's clonality details as HTML (what the page's script builds from its record)."""
    parts = [f'<h3 class="sample-title">Patient {esc(patient)}</h3>']
    if evidence is None:
        parts.append(note("clonality_evidence.tsv was not found in the cohort folder."))
    elif rows:
        parts.append(table(columns, rows, paged=False))
    else:
        parts.append(note("No evidence rows for this patient."))
    if figure:
        parts.append(figure)
    elif link:
        parts.append(f'<p class="note">Clonality figure: <a href="{esc(_href(link))}">'
                     f"{esc(link)}</a> (beside this report; not embedded).</p>")
    return "".join(parts)


def _href(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/._-")


def columnar(values: Sequence[str]) -> dict:
    """One column of a table for the page, in the shortest of three forms: {"v": values},
    {"d": distinct values, "c": a code per row} or {"d": distinct values, "r": [code, run
    length, ...]} (a value repeated down the column, as a patient's or a pair's, is one run).
    The sizes compared are those of the JSON text, counted without writing it."""
    n = len(values)
    counts = Counter(values)
    if not n or 2 * len(counts) > n:  # mostly distinct values: codes would not be shorter
        return {"v": list(values)}
    distinct = sorted(counts)
    code = {v: i for i, v in enumerate(distinct)}
    width = {v: len(str(i)) + 1 for v, i in code.items()}  # a code and its comma
    table_size = sum(len(v) + 3 for v in distinct)
    sizes = {"v": sum(len(v) * k for v, k in counts.items()) + 3 * n,
             "c": table_size + sum(width[v] * k for v, k in counts.items())}
    starts = [0, *(i for i in range(1, n) if values[i] != values[i - 1]), n]
    if 2 * (len(starts) - 1) <= n:
        sizes["r"] = table_size + sum(width[values[i]] + len(str(j - i)) + 1
                                      for i, j in zip(starts, starts[1:], strict=False))
    best = min(sizes, key=lambda k: (sizes[k], "vcr".index(k)))  # a tie: the plainest
    if best == "v":
        return {"v": list(values)}
    if best == "c":
        return {"d": distinct, "c": list(map(code.__getitem__, values))}
    runs: list[int] = []
    for i, j in zip(starts, starts[1:], strict=False):
        runs += (code[values[i]], j - i)
    return {"d": distinct, "r": runs}


def _qc(inputs: _Inputs) -> str:
    qc_rows, thresholds = [], {}
    for s in inputs.samples:
        qc = inputs.fragment(s.sample)["qc"]
        if isinstance(qc, Mapping):
            qc_rows.append({"sample": s.sample, **_qc_view(qc)})
            if isinstance(qc.get("thresholds"), Mapping):
                thresholds.setdefault(cell_text(qc["thresholds"]), []).append(s.sample)
    inputs.variant_thresholds = thresholds
    columns = ["sample"] + [c for c in QC_COLUMNS if any(not _blank(r.get(c)) for r in qc_rows)]
    body = ["<h3>Variant filtering</h3>",
            "<p>Records read, kept, filtered by reason, germline removed and flagged for germline "
            "confirmation, as reported by the variants step.</p>",
            table(columns, qc_rows, table_id="qc-table") if qc_rows
            else note("No variants.qc.json files were found."),
            note("All values of the variants QC files are in each sample's details "
                 "(section Samples).")]
    if inputs.results.duplicates:
        listed = "; ".join(f"{name}: {', '.join(str(p) for p in paths)}"
                           for name, paths in sorted(inputs.results.duplicates.items()))
        body.append(f'<p class="warn">Files found more than once (the first was used): '
                    f"{esc(listed)}</p>")
    return section("qc", "Per-sample QC", body)


def _samples(inputs: _Inputs, report_folder: Path) -> str:
    """One paged, searchable list of the samples and one details panel: a sample's details
    (its oncoprint alterations, events, QC values, genome plot) are one record each, put in the
    page once and shown only when the sample is picked. A small cohort has them inline as
    <details> elements (readable without the script); a larger one as one JSON list."""
    files = []
    for s in inputs.samples:
        fragment = inputs.fragment(s.sample)
        files.append({
            "sample": s.sample, "patient": s.patient, "diagnosis": s.diagnosis,
            "DNA panel": s.dna_panel or "", "RNA panel": s.rna_panel or "",
            "variants": _statuses(fragment["statuses"]),
            **fragment["counts"], "ploidy": fragment["ploidy"],
        })
    figures, embed = _figure_budget(
        (plot for s in inputs.samples if inputs.fragment(s.sample)["figure"] is not None
         and (plot := inputs.genome_plot(s.sample)) is not None), FIGURE_BUDGET)
    by_sample = inputs.grid.by_sample() if inputs.grid is not None else {}
    records = [_sample_record(inputs, s, by_sample.get(s.sample, []), embed, report_folder)
               for s in inputs.samples]
    body = ["<p>Search for a sample, patient, diagnosis or panel, and click a row to see that "
            "sample's details below: its oncoprint alterations with the evidence behind each, "
            "fusions and rearrangements, copy-number events, every value of its variants QC file "
            "and its genome plot.</p>",
            table(FILES_COLUMNS, files, table_id="samples-table")]
    if not embed:
        body.append(note(f"The per-sample genome plots ({figures / 1e6:.0f} MB) are not embedded "
                         f"(more than {FIGURE_BUDGET / 1e6:.0f} MB): each sample's details name "
                         "its plot file."))
    body.append(detail_panel("sample-detail", "sample",
                             "Pick a sample in the table to see its details."))
    if len(records) <= PAGE_ROWS:
        body += [f'<details class="sample-inline" data-sample="{esc(s.sample)}"><summary>'
                 f"{esc(s.sample)}</summary>{sample_html(record, inputs.grid)}</details>"
                 for s, record in zip(inputs.samples, records, strict=True)]
    else:
        body.append(json_script({"layout": SAMPLE_LAYOUT, "records": records},
                                "sample-details"))
    return section("samples", "Samples", body)


FIGURE_BUDGET = 24_000_000  # characters of embedded genome plots; past it none is embedded


def detail_panel(ident: str, key: str, prompt: str, rows: Sequence[int] | None = None) -> str:
    """The one details panel of a list (the page's script fills it with the picked record):
    `key` names the record's attribute (data-<key>); `rows` maps the list's rows to records when
    they are not one to one (-1: no record)."""
    mapping = f' data-rows="{" ".join(map(str, rows))}"' if rows is not None else ""
    return (f'<div id="{esc(ident)}" class="record-detail" data-key="{esc(key)}" '
            f'data-{esc(key)}=""{mapping}>{note(prompt)}</div>')
DETAIL_ROWS = PAGE_ROWS  # rows of one table in a sample's details (the file has them all)
DETAIL_EVENT_COLUMNS = ("label", "gene", "partner", "event_type", "source", "evidence",
                        "confidence")
ALTERATION_DETAIL_COLUMNS = ("row", "gene", "alteration", "class", "evidence", "HGVSp", "VAF",
                             "panel", "detail")
# A sample's details as data: the page's script and `sample_html` show the same record.
SAMPLE_LAYOUT = {
    "facts": ("sample", "patient", "diagnosis", "DNA panel", "RNA panel", "variants"),
    "tables": (("Oncoprint alterations", ALTERATION_DETAIL_COLUMNS, "alterations.tsv"),
               ("Fusions and rearrangements", DETAIL_EVENT_COLUMNS, "fusions.tsv"),
               ("Copy-number events", DETAIL_EVENT_COLUMNS, "cn_events.tsv"),
               ("Variants QC", ("key", "value"), "variants.qc.json")),
    "rows": DETAIL_ROWS,
}


def _embedded_size(path: Path) -> int:
    """Characters of a file as base64 (what embedding it adds to the page)."""
    return (path.stat().st_size + 2) // 3 * 4


def _statuses(statuses: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) or "-"


def _sample_record(inputs: _Inputs, s: Sample, alterations: list[tuple[int, int]], embed: bool,
                   report_folder: Path) -> list:
    """[facts, tables ([rows as text, row count] or None when the file is absent), figure HTML,
    figure note]. The sample's oncoprint alterations are [altered entry, hit] pairs into the
    oncoprint's data (each alteration is in the page once)."""
    fragment = inputs.fragment(s.sample)
    facts = [s.sample, s.patient, s.diagnosis, s.dna_panel or "-", s.rna_panel or "-",
             _statuses(fragment["statuses"])]
    tables: list[list | None] = [[[list(at) for at in alterations[:DETAIL_ROWS]],
                                  len(alterations)]]
    for key in ("fusions", "cn_events"):
        rows, total = fragment[key]
        tables.append(None if total is None else
                      [[[cell_text(r.get(c)) for c in DETAIL_EVENT_COLUMNS] for r in rows], total])
    qc = fragment["qc"]
    if isinstance(qc, Mapping):
        values = [[str(k), cell_text(v)] for k, v in sorted(qc.items(), key=lambda kv: str(kv[0]))
                  if k != "sample"]
        tables.append([values[:DETAIL_ROWS], len(values)])
    else:
        tables.append(None)
    caption, plot, shown, figure_note = fragment["figure"], inputs.genome_plot(s.sample), "", ""
    if caption is not None and plot is not None and embed:
        shown = image(plot, f"Copy number and LOH of {s.sample}", caption)
    elif caption is not None and plot is not None:
        figure_note = (f"Genome plot: {_relative(plot, report_folder)} (beside this report; "
                       "not embedded).")
    return [facts, tables, shown, figure_note]


def sample_html(record: Sequence, grid: oncogrid.Grid | None) -> str:
    """A sample's details as HTML (what the page's script builds from the same record)."""
    facts, tables, figure, figure_note = record
    altered = list(grid.hits.items()) if grid is not None and tables[0][0] else []
    tables = [[[_alteration_row(grid, altered, a, k) for a, k in tables[0][0]], tables[0][1]],
              *tables[1:]]
    parts = [f'<h3 class="sample-title">{esc(facts[0])}</h3><dl class="sample-facts">'
             + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>"
                       for k, v in zip(SAMPLE_LAYOUT["facts"], facts, strict=True)) + "</dl>"]
    for (title, columns, name), found in zip(SAMPLE_LAYOUT["tables"], tables, strict=True):
        parts.append(f"<h4>{esc(title)}</h4>")
        if found is None:
            parts.append(note(f"No {name} for this sample."))
            continue
        rows, total = found
        parts.append(table(columns, [dict(zip(columns, r, strict=True)) for r in rows]))
        if total > len(rows):
            parts.append(note(f"The first {len(rows)} of {total} rows; {name} has them all."))
    parts.append(figure or (note(figure_note) if figure_note else ""))
    return "".join(parts)


def _alteration_row(grid: oncogrid.Grid, altered: Sequence, a: int, k: int) -> list[str]:
    (r, _), hits = altered[a]
    hit = hits[k]
    return [grid.rows[r], *hit[:7], hit[8]]


def _first_rows(path: Path | None) -> tuple[list[dict[str, str]], int | None]:
    """The first DETAIL_ROWS rows of an events table (its shown columns) and its row count."""
    if path is None or not path.is_file():
        return [], None
    rows, total = [], 0
    with TableRows(path) as found:
        for rec in found.dicts():
            total += 1
            if total <= DETAIL_ROWS:
                rows.append({c: rec.get(c, "") for c in EVENT_COLUMNS})
    return rows, total


FILES_COLUMNS = ("sample", "patient", "diagnosis", "DNA panel", "RNA panel", "variants",
                 "fusion events", "CN events", "segments", "ploidy")
QC_COLUMNS = ("records read", "alleles considered", "kept (somatic)", "germline removed",
              "filtered by reason", "flagged", "skipped", "unannotated")


def _qc_view(qc: Mapping[str, Any]) -> dict[str, Any]:
    """The QC json's counts under fixed headings (the variants step's keys, or close variants)."""
    status = qc.get("status_counts") if isinstance(qc.get("status_counts"), Mapping) else {}

    def pick(*keys: str) -> Any:
        return next((qc[k] for k in keys if k in qc), None)

    germline = {k: status[k] for k in ("germline", "likely_germline", "undetermined")
                if k in status}
    flagged = pick("flag_counts", "flagged", "flagged_germline_confirmation")
    return {
        "records read": pick("records_read", "records"),
        "alleles considered": pick("alleles_considered"),
        "kept (somatic)": status.get("somatic", pick("kept", "somatic")),
        "germline removed": germline or pick("germline_removed", "germline"),
        "filtered by reason": pick("reason_counts", "filtered", "filtered_by_reason"),
        "flagged": flagged,
        "skipped": pick("skipped", "skipped_total"),
        "unannotated": pick("unannotated"),
    }


def _blank(value: Any) -> bool:
    return value is None or value == {} or value == ""


def _row_count(path: Path | None) -> str:
    if path is None or not path.is_file():
        return "-"
    with TableRows(path) as found:
        return str(sum(1 for _ in found.lists()))


def _count_text(total: int | None) -> str:
    return "-" if total is None else str(total)


def _parameters(inputs: _Inputs, params: Mapping[str, Any]) -> str:
    rows = [{"parameter": k, "value": v} for k, v in params.items()]
    versions = [{"software": "lenall-genomics", "version": __version__},
                {"software": "Python", "version": platform.python_version()}]
    for name in VERSIONED_PACKAGES:
        try:
            versions.append({"software": name, "version": metadata.version(name)})
        except metadata.PackageNotFoundError:
            versions.append({"software": name, "version": "not installed"})
    notes = []
    for path, comments in _tables(inputs):
        notes += [{"file": path.name, "note": c} for c in comments]
    thresholds = inputs.variant_thresholds
    threshold_rows = [{"samples": ", ".join(samples), "thresholds": text}
                      for text, samples in sorted(thresholds.items())]
    body = [table(("parameter", "value"), rows, table_id="parameters-table"),
            "<h3>Variant filter thresholds (from the variants QC files)</h3>",
            table(("samples", "thresholds"), threshold_rows) if threshold_rows
            else note("No thresholds were recorded."),
            "<h3>Versions</h3>", table(("software", "version"), versions),
            "<h3>Sources and thresholds noted in the cohort tables</h3>",
            table(("file", "note"), notes) if notes else note("The cohort tables carry no notes.")]
    return section("parameters", "Parameters, genome build and versions", body)


def _tables(inputs: _Inputs) -> Iterable[tuple[Path, Sequence[str]]]:
    for path in (inputs.alterations, inputs.evaluability):
        if path is not None:
            with TableRows(path) as found:
                yield path, found.comments
    for found in (inputs.frequencies, inputs.ploidy, inputs.subtypes, inputs.clonality,
                  inputs.evidence):
        if found is not None:
            yield found.path, found.comments
