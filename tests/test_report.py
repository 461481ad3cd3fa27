"""report.html: one self-contained, escaped, deterministic page with every section."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import report_fixture as fixture
from lenall_genomics.cli import main
from lenall_genomics.report.render import render_report, short_hgvsp

SECTIONS = ("summary", "oncoprint", "ploidy", "clonality", "qc", "parameters")


class _Collect(HTMLParser):
    """Elements with their attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self.scripts += tag == "script"


def parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    return parser


@pytest.fixture
def rendered(tmp_path: Path) -> tuple[Path, str]:
    paths = fixture.write_cohort(tmp_path)
    out = render_report(paths["cohort"], paths["results"], fixture.samples(tmp_path), "GRCh38")
    return out, out.read_text(encoding="utf-8")


def cell(page: _Collect, patient: str, row: str) -> dict[str, str]:
    return next(a for t, a in page.elements
                if t == "g" and a.get("data-patient") == patient and a.get("data-row") == row)


def test_every_section_is_present(rendered) -> None:
    out, html = rendered
    assert out.name == "report.html"
    ids = {a.get("id") for _, a in parse(html).elements}
    assert set(SECTIONS) <= ids
    assert "<h2>Cohort summary</h2>" in html and "Parameters, genome build and versions" in html


def test_user_strings_are_escaped(rendered) -> None:
    _, html = rendered
    assert fixture.EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parse(html)
    assert page.scripts == 1  # only the report's own script element
    assert not any(name.startswith("on") for _, attrs in page.elements for name in attrs)


def test_nothing_is_fetched_from_outside(rendered) -> None:
    _, html = rendered
    page = parse(html)
    for tag, attrs in page.elements:
        for name in ("src", "href", "xlink:href", "action", "data"):
            value = attrs.get(name, "")
            assert not re.match(r"\s*(https?:)?//", value), (tag, name, value)
            if name == "src" and name in attrs:
                assert value.startswith("data:image/"), (tag, value[:40])
    assert not any(tag in ("link", "iframe", "object", "embed") for tag, _ in page.elements)
    assert "@import" not in html and "url(" not in html


def test_oncoprint_cells_carry_their_details(rendered) -> None:
    _, html = rendered
    page = parse(html)
    cells = [a for t, a in page.elements if t == "g" and "cell" in a.get("class", "")]
    assert len(cells) == 9  # 3 rows x 3 patients
    tp53 = cell(page, "P01", "TP53")
    assert (tp53["data-alteration"], tp53["data-hgvsp"], tp53["data-vaf"], tp53["data-panel"],
            tp53["data-source"]) == ("p.R175H (missense)", "p.Arg175His", "0.42",
                                     "MSK-IMPACT-Heme", "dna")
    fusion = cell(page, "P01", "CRLF2 fusion")
    assert fusion["data-panel"] == "Archer-FusionPlex" and fusion["data-source"] == "rna"
    assert cell(page, "P02", "RB1")["data-status"] == "not evaluated"
    assert cell(page, "P01", "RB1")["data-status"] == "not altered"
    assert cell(page, "P02", "TP53")["data-vaf"] == "0.31"
    assert 'id="cell-details"' in html and 'id="detail-hgvsp"' in html
    assert re.search(r"<title>P01 \| TP53 \| p\.R175H \(missense\) \| p\.Arg175His \| VAF 0\.42"
                     r"</title>", html)


def test_figures_are_embedded(rendered) -> None:
    _, html = rendered
    images = [a for t, a in parse(html).elements if t == "img"]
    alts = {a["alt"] for a in images}
    assert {"Cohort oncoprint", "Copy number and LOH of T01",
            "Clonal relatedness of patient P01"} <= alts
    assert all(a["src"].startswith("data:image/svg+xml;base64,") for a in images)


def test_tables_show_counts_ploidy_clonality_and_qc(rendered) -> None:
    _, html = rendered
    assert re.search(r"<td>TP53</td><td class=\"num\">3</td><td class=\"num\">3</td>", html)
    assert "low_hypodiploid" in html and "unrelated" in html and "IGHV3-23" in html
    qc = html[html.index('id="qc-table"'):html.index("All values of the variants QC")]
    for heading in ("records read", "kept (somatic)", "germline removed", "filtered by reason",
                    "flagged"):
        assert f"<th>{heading}</th>" in qc
    t01 = qc[qc.index("<td>T01</td>"):qc.index("<td>T02</td>")]
    assert "population_af: 1" in t01 and "germline: 1; likely_germline: 0" in t01
    assert "germline_confirmation_recommended: 1" in t01
    assert "weak_evidence: 4" in qc[qc.index("<td>T02</td>"):]  # other key names still shown
    params = html[html.index('id="parameters-table"'):]
    assert "GRCh38" in params and "max_population_af: 0.01" in params


def test_render_is_deterministic(tmp_path: Path) -> None:
    paths = fixture.write_cohort(tmp_path)
    samples = fixture.samples(tmp_path)
    first = render_report(paths["cohort"], paths["results"], samples, "GRCh38").read_bytes()
    second = render_report(paths["cohort"], paths["results"], samples, "GRCh38").read_bytes()
    assert first == second


def test_missing_cohort_files_give_notes_not_errors(tmp_path: Path) -> None:
    (tmp_path / "cohort").mkdir()
    (tmp_path / "samples").mkdir()
    out = render_report(tmp_path / "cohort", tmp_path / "samples", fixture.samples(tmp_path),
                        "GRCh37")
    html = out.read_text()
    assert set(SECTIONS) <= {a.get("id") for _, a in parse(html).elements}
    assert "frequencies.tsv was not found" in html and "oncoprint.svg was not found" in html


def test_report_command(tmp_path: Path) -> None:
    paths = fixture.write_cohort(tmp_path)
    sheet = fixture.samplesheet(tmp_path)
    main(["report", "--samplesheet", str(sheet), "--results", str(paths["results"]),
          "--outdir", str(paths["cohort"]), "--genome", "GRCh38"])
    assert "Cell details" in (paths["cohort"] / "report.html").read_text()


def test_short_hgvsp() -> None:
    assert short_hgvsp("p.Arg175His") == "p.R175H"
    assert short_hgvsp("ENSP00000269305.4:p.Arg248Ter") == "p.R248*"
    assert short_hgvsp("p.G12V") == "p.G12V"
