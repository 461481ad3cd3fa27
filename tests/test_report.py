"""report.html: one self-contained, escaped, deterministic page with every section."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import report_fixture as fixture
from lenall_genomics.cli import main
from lenall_genomics.report.fragments import PAGE_ROWS, json_script, table
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
        # JSON data blocks are inert; only scripts that run are counted
        self.scripts += tag == "script" and dict(attrs).get("type") != "application/json"


def parse(html: str) -> _Collect:
    parser = _Collect()
    parser.feed(html)
    return parser


@pytest.fixture
def rendered(tmp_path: Path) -> tuple[Path, str]:
    paths = fixture.write_cohort(tmp_path)
    out = render_report(paths["cohort"], paths["results"], fixture.samples(tmp_path), "GRCh38")
    return out, out.read_text(encoding="utf-8")


def grid_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="oncoprint-data">(.*?)</script>',
                      html, re.S)
    return json.loads(found.group(1))


def cell(data: dict, patient: str, row: str) -> tuple[str, str, list]:
    """(status, basis, hits) of one oncoprint cell in the page's data."""
    r, c = data["rows"].index(row), data["patients"].index(patient)
    status, basis = data["states"][data["cells"][r][c]]
    hits = next((h for rr, cc, h in data["altered"] if (rr, cc) == (r, c)), [])
    return status, basis, hits


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
    data = grid_data(html)
    assert len(data["rows"]) == 3 and len(data["patients"]) == 3
    assert all(len(codes) == 3 for codes in data["cells"])  # 3 rows x 3 patients
    status, _, hits = cell(data, "P01", "TP53")
    # gene, alteration, class, source, HGVSp, VAF, panel, sample, alterations.tsv detail
    assert status == "altered"
    assert hits == [["TP53", "p.R175H", "missense", "dna", "p.Arg175His", "0.42",
                     "MSK-IMPACT-Heme", "T01", "somatic"]]
    _, _, fusion = cell(data, "P01", "CRLF2 fusion")
    assert fusion[0][6] == "Archer-FusionPlex" and fusion[0][3] == "rna"
    assert cell(data, "P02", "RB1")[:2] == ("not evaluated", "not on panel")
    assert cell(data, "P01", "RB1")[:2] == ("not altered", "MSK-IMPACT-Heme")
    assert cell(data, "P02", "TP53")[2][0][5] == "0.31"
    assert data["colours"]["classes"]["missense"].startswith("#")
    assert 'id="cell-details"' in html and 'id="detail-hgvsp"' in html
    assert '<canvas id="oncoprint-grid"' in html


def test_a_long_table_is_paged_with_all_its_rows_as_data(tmp_path: Path) -> None:
    rows = [{"sample": f"S{i:05d}", "n": i} for i in range(PAGE_ROWS * 3 + 7)]
    html = table(("sample", "n"), rows, table_id="long")
    assert html.count("<tr>") == PAGE_ROWS + 1  # header + first page only
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', html).group(1))
    assert data["narrow"][0][-1] == f"S{len(rows) - 1:05d}" and len(data["narrow"][1]) == len(rows)
    assert f"of {len(rows)}" in html
    assert table(("sample",), rows[:PAGE_ROWS]).count('class="paged-table"') == 0


def test_data_blocks_cannot_close_their_script(tmp_path: Path) -> None:
    html = json_script({"id": "</script><script>alert(1)</script>"})
    assert html.count("</script>") == 1 and "<script>alert" not in html
    found = re.search(r"<script[^>]*>(.*)</script>", html).group(1)
    assert json.loads(found)["id"] == "</script><script>alert(1)</script>"


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
    assert "population_af: 1" in t01
    assert "germline: 1; likely_germline: 0; undetermined: 2" in t01  # tumour-only undecided
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


def test_adding_a_case_recomputes_only_its_fragment(tmp_path: Path, monkeypatch) -> None:
    import shutil

    from lenall_genomics.model import VARIANT_COLUMNS
    from lenall_genomics.report import render
    from lenall_genomics.writers import write_tsv

    paths = fixture.write_cohort(tmp_path)
    samples = list(fixture.samples(tmp_path))
    read = []
    original = render.VariantDigest.read
    monkeypatch.setattr(render.VariantDigest, "read",
                        classmethod(lambda cls, path, wanted: read.append(path) or
                                    original(path, wanted)))
    render_report(paths["cohort"], paths["results"], samples, "GRCh38")
    assert len(read) == len(samples)
    read.clear()
    again = render_report(paths["cohort"], paths["results"], samples, "GRCh38").read_bytes()
    assert read == []  # nothing changed: every fragment from the cache

    new = fixture.Sample("P03", "T03", "B-ALL", dna_panel="MSK-IMPACT-Heme")
    write_tsv(paths["results"] / "T03" / "T03.variants.tsv", VARIANT_COLUMNS,
              [fixture.variant("KRAS", "p.Gly12Val", "somatic", 0.2, 25245350)])
    added = render_report(paths["cohort"], paths["results"], samples + [new], "GRCh38")
    assert [p.name for p in read] == ["T03.variants.tsv"]
    assert "somatic 1" in added.read_text()

    read.clear()  # a changed file is read again
    write_tsv(paths["results"] / "T02" / "T02.variants.tsv", VARIANT_COLUMNS, [])
    render_report(paths["cohort"], paths["results"], samples + [new], "GRCh38")
    assert [p.name for p in read] == ["T02.variants.tsv"]

    cached = render_report(paths["cohort"], paths["results"], samples, "GRCh38").read_bytes()
    shutil.rmtree(paths["cohort"] / ".report-fragments")
    fresh = render_report(paths["cohort"], paths["results"], samples, "GRCh38").read_bytes()
    assert cached == fresh  # the same bytes with or without the cache
    assert again != fresh  # (T02 changed in between)


def sample_records(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="sample-details">(.*?)</script>',
                      html, re.S)
    return json.loads(found.group(1))


def test_a_small_cohort_has_each_sample_s_details_inline(rendered) -> None:
    _, html = rendered
    assert 'id="samples-table"' in html and 'id="sample-detail"' in html
    assert 'id="sample-details"' not in html  # no data copy of what the page already shows
    blocks = dict(re.findall(r'<details class="sample-inline" data-sample="([^"]*)">(.*?)</details>',
                             html, re.S))
    assert set(blocks) == {"T01", "M01", "T02", "N01", "&lt;script&gt;alert(1)&lt;/script&gt;"}
    t01 = blocks["T01"]
    # its oncoprint alterations with the evidence, HGVSp and VAF behind each
    assert ("<td>TP53</td><td>TP53</td><td>p.R175H</td><td>missense</td><td>dna</td>"
            '<td>p.Arg175His</td><td class="num">0.42</td><td>MSK-IMPACT-Heme</td>'
            "<td>somatic</td>") in t01
    assert "<td>P2RY8::CRLF2</td>" in t01 and "<td>CDKN2A/B deletion</td>" in t01  # events
    assert "<td>records_read</td>" in t01 and "max_population_af: 0.01" in t01  # all QC values
    assert 'alt="Copy number and LOH of T01"' in t01  # its genome plot
    assert "No fusions.tsv for this sample." in blocks["T02"]
    assert "weak_evidence: 4" in blocks["T02"]


def test_a_large_cohort_lists_its_samples_once_with_details_as_data(tmp_path: Path) -> None:
    paths = fixture.write_large_cohort(tmp_path, 1000)
    out = render_report(paths["cohort"], paths["results"], paths["samples"], "GRCh38")
    html = out.read_text(encoding="utf-8")
    assert '<details class="sample-inline"' not in html  # one list and one panel
    assert html.count("<table") < 30
    data, grid = sample_records(html), grid_data(html)
    records = {r[0][0]: r for r in data["records"]}
    assert len(records) == 1000 and [t[0] for t in data["layout"]["tables"]] == [
        "Oncoprint alterations", "Fusions and rearrangements", "Copy-number events",
        "Variants QC"]
    facts, tables, _, _ = records["P00876T"]
    assert facts[:3] == ["P00876T", "P00876", "B-ALL"]
    alterations, fusions, cn_events, qc = tables
    # alterations point into the oncoprint's data: each one is that sample's, none missed
    hits = [grid["altered"][a][2][k] for a, k in alterations[0]]
    expected = sum(1 for line in (paths["cohort"] / "alterations.tsv").read_text().splitlines()
                   if "\tP00876T\t" in line)
    assert len(hits) == alterations[1] == expected > 0
    assert all(h[7] == "P00876T" for h in hits)
    assert fusions == [[["P2RY8::CRLF2", "CRLF2", "P2RY8", "fusion", "rna", "split_reads=12",
                         "high"]], 1]
    assert cn_events is None and qc == [[["kept", "3"], ["records_read", "7"]], 2]
    assert records["P00001T"][1][1] is None  # no fusions file: said so, not an empty table
    again = render_report(paths["cohort"], paths["results"], paths["samples"], "GRCh38")
    assert again.read_bytes() == html.encode("utf-8")  # deterministic, also from the cache


def test_oncoprint_has_a_subtype_track_and_marks_cytogenetic_only_cells(tmp_path: Path) -> None:
    paths = fixture.write_large_cohort(tmp_path, 60)
    html = render_report(paths["cohort"], paths["results"], paths["samples"],
                         "GRCh38").read_text(encoding="utf-8")
    grid = grid_data(html)
    (name, subtypes), = grid["tracks"]
    expected = ("Ph-like", "low hypodiploid", "other")
    assert name == "Subtype"
    assert subtypes == [expected[int(p[1:]) % 3] for p in grid["patients"]]
    marked = {(grid["rows"][r], grid["patients"][c]) for r, c in grid["marks"]}
    assert marked == {("Low hypodiploid", f"P{i:05d}") for i in range(0, 60, 10)}
    _, _, both = cell(grid, "P00002", "CDKN2A/B")  # karyotype and dna: not marked
    assert sorted(h[3] for h in both) == ["dna", "karyotype"]
    assert "karyotype / FISH / clinical test only" in html  # in the legend


def test_genome_plots_past_the_budget_are_named_not_embedded(tmp_path: Path,
                                                               monkeypatch) -> None:
    from lenall_genomics.report import render

    monkeypatch.setattr(render, "FIGURE_BUDGET", 10)
    paths = fixture.write_cohort(tmp_path)
    html = render_report(paths["cohort"], paths["results"], fixture.samples(tmp_path),
                         "GRCh38").read_text(encoding="utf-8")
    assert 'alt="Copy number and LOH of T01"' not in html
    assert "Genome plot: ../samples/T01/T01.genome.svg (beside this report" in html
    assert "are not embedded" in html


def clonality_records(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="clonality-details">(.*?)</script>',
                      html, re.S)
    return json.loads(found.group(1))


def decode(column: dict, n: int) -> list[str]:
    """A column of the page's clonality evidence, as the page's script reads it."""
    if "v" in column:
        return column["v"]
    if "c" in column:
        return [column["d"][c] for c in column["c"]]
    runs = column["r"]
    return [column["d"][c] for c, length in zip(runs[::2], runs[1::2], strict=True)
            for _ in range(length)]


def patient_evidence(data: dict, patient: str) -> list[list[str]]:
    record = next(r for r in data["records"] if r[0] == patient)
    columns = [decode(c, data["rows"]) for c in data["evidence"]]
    return [[c[i] for c in columns] for i in range(record[1], record[1] + record[2])]


def test_columnar_picks_the_shortest_form_and_keeps_every_value() -> None:
    from lenall_genomics.report.render import columnar

    runs = ["P1"] * 40 + ["P2"] * 30 + ["<&\"'"] * 5
    codes = ["a", "b", "a", "c"] * 20
    unique = [f"p.Gly{k}Asp" for k in range(50)]
    assert set(columnar(runs)) == {"d", "r"} and set(columnar(codes)) == {"d", "c"}
    assert set(columnar(unique)) == {"v"} and columnar([]) == {"v": []}
    for values in (runs, codes, unique):
        assert decode(columnar(values), len(values)) == values


def test_a_small_cohort_s_clonality_reads_without_the_script(rendered) -> None:
    _, html = rendered
    section = html[html.index('<section id="clonality">'):html.index('<section id="qc">')]
    assert 'id="clonality-table"' in section and 'id="clonality-details"' not in section
    assert '<div id="clonality-detail" class="record-detail" data-key="patient" ' \
           'data-patient="" data-rows="0">' in section
    inline = re.findall(r'<details class="clonality-inline" data-patient="([^"]*)" open>(.*?)'
                        r"</details>", section, re.S)
    assert [p for p, _ in inline] == ["P01"]
    p01 = inline[0][1]
    assert "Patient P01" in p01 and "IGHV3-23" in p01 and "0 shared / 5 private" in p01
    assert 'alt="Clonal relatedness of patient P01"' in p01


def test_many_clonality_patients_are_one_list_with_evidence_sent_once(tmp_path: Path) -> None:
    paths = fixture.write_large_cohort(tmp_path, 700, clonality_every=10)
    out = render_report(paths["cohort"], paths["results"], paths["samples"], "GRCh38")
    html = out.read_text(encoding="utf-8")
    section = html[html.index('<section id="clonality">'):html.index('<section id="qc">')]
    assert "clonality-inline" not in section and "<h3>Patient" not in section
    assert section.count("<table") == 1 and section.count("<tr") <= fixture.EVIDENCE_ROWS
    data = clonality_records(html)
    assert data["columns"] == list(fixture.EVIDENCE)
    assert [r[0] for r in data["records"]] == [f"P{i:05d}" for i in range(3, 700, 10)]
    assert data["rows"] == 70 * fixture.EVIDENCE_ROWS
    rows = patient_evidence(data, "P00413")
    assert len(rows) == fixture.EVIDENCE_ROWS
    assert rows[5] == ["P00413", "P00413M", "P00413T", "mutation", "NRAS", "p.Gly5Asp",
                       "private_later", "0.4", "0.05", "row 5 of P00413"]
    assert rows[0][-1] == "rule R5 decided P00413"
    record = next(r for r in data["records"] if r[0] == "P00413")
    assert record[3].startswith('<figure><img alt="Clonal relatedness of patient P00413" '
                                'src="data:image/svg+xml;base64,') and record[4] == ""
    # the list's rows point at their patients (one pair each here)
    mapping = re.search(r'id="clonality-detail"[^>]*data-rows="([^"]*)"', section).group(1)
    assert mapping.split() == [str(i) for i in range(70)]
    again = render_report(paths["cohort"], paths["results"], paths["samples"], "GRCh38")
    assert again.read_bytes() == html.encode("utf-8")


def test_clonality_figures_past_the_budget_are_linked(tmp_path: Path, monkeypatch) -> None:
    from lenall_genomics.report import render

    monkeypatch.setattr(render, "CLONALITY_FIGURE_BUDGET", 10)
    paths = fixture.write_cohort(tmp_path / "small")
    html = render_report(paths["cohort"], paths["results"], fixture.samples(tmp_path),
                         "GRCh38").read_text(encoding="utf-8")
    assert 'alt="Clonal relatedness of patient P01"' not in html
    assert 'Clonality figure: <a href="clonality/P01.svg">clonality/P01.svg</a>' in html
    assert "per-patient clonality figures (0 MB) are not embedded (more than 0 MB)" in html
    paths = fixture.write_large_cohort(tmp_path / "large", 700, clonality_every=10)
    html = render_report(paths["cohort"], paths["results"], paths["samples"], "GRCh38",
                         tmp_path / "elsewhere" / "report.html").read_text(encoding="utf-8")
    record = clonality_records(html)["records"][0]
    assert record[0] == "P00003" and record[3] == ""
    assert record[4] == "../large/cohort/clonality/P00003.svg"  # relative to the report
    assert "data:image/svg+xml" not in html[html.index('<section id="clonality">'):]


@pytest.mark.parametrize("count", [3, 60])
def test_clonality_patient_names_stay_text(tmp_path: Path, count: int) -> None:
    hostile = ['a<b & "c" \'d\'', "</script><script>alert(1)</script>"]
    paths = fixture.write_large_cohort(tmp_path, 10)
    patients = sorted(hostile + [f"Q{i:03d}" for i in range(count - 2)])
    fixture.write_clonality(paths["cohort"], patients)
    out = render_report(paths["cohort"], paths["results"], paths["samples"], "GRCh38")
    html = out.read_text(encoding="utf-8")
    assert "<script>alert" not in html and 'a<b' not in html
    assert parse(html).scripts == 1
    if count > PAGE_ROWS:
        data = clonality_records(html)
        assert sorted(r[0] for r in data["records"]) == patients
        rows = patient_evidence(data, hostile[0])
        assert rows[1][0] == hostile[0] and rows[1][-1] == f"row 1 of {hostile[0]}"
        record = next(r for r in data["records"] if r[0] == hostile[1])
        assert "alt=\"Clonal relatedness of patient &lt;/script&gt;" in record[3]
    else:
        assert ('data-patient="a&lt;b &amp; &quot;c&quot; &#x27;d&#x27;" open><summary>Patient '
                'a&lt;b &amp; &quot;c&quot; &#x27;d&#x27;</summary>') in html
        assert "row 1 of a&lt;b &amp; &quot;c&quot; &#x27;d&#x27;" in html
    assert out.read_bytes() == render_report(paths["cohort"], paths["results"], paths["samples"],
                                             "GRCh38").read_bytes()


def test_a_large_cohort_s_qc_table_is_paged_and_searchable(tmp_path: Path) -> None:
    from lenall_genomics.writers import write_json

    paths = fixture.write_large_cohort(tmp_path, 300)
    for s in paths["samples"]:
        write_json(paths["results"] / s.sample / f"{s.sample}.variants.qc.json",
                   {"records_read": 7, "kept": 3, "filtered": {"weak_evidence": 4}})
    html = render_report(paths["cohort"], paths["results"], paths["samples"],
                         "GRCh38").read_text(encoding="utf-8")
    qc = html[html.index('<section id="qc">'):html.index('<section id="samples">')]
    assert '<div class="paged-table"' in qc and 'class="table-search"' in qc
    assert qc.count("<tr") <= 2 * PAGE_ROWS + 1  # one page of rows (and their wide rows)
    data = json.loads(re.search(r'<script type="application/json">(.*?)</script>', qc).group(1))
    assert data["narrow"][0] == [s.sample for s in paths["samples"]]
