"""The oncoprint as a user sees it: cell colours at known positions, stable files, bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from lenall_genomics.cli import main
from lenall_genomics.errors import LenallInputError
from lenall_genomics.plots.oncoprint import (
    OncoprintData,
    draw_oncoprint,
    legend_groups,
    load_style,
    memo_order,
    track_order,
)
from lenall_genomics.plots.oncoprint_data import data_from_maf


def small_data() -> OncoprintData:
    rows = ["TP53", "RB1", "CRLF2 fusion"]
    patients = ["01", "02", "03", "04"]
    evaluated = np.ones((3, 4), dtype=bool)
    evaluated[1, 3] = False  # RB1 not on patient 04's panel
    evaluated[2, 0] = False
    return OncoprintData(rows=rows, patients=patients, evaluated=evaluated,
                         alt_rows=[0, 0, 1, 2, 0], alt_cols=[1, 2, 2, 1, 1],
                         alt_classes=["missense", "truncating", "deletion", "fusion",
                                      "truncating"],
                         tracks={"Diagnosis": ["B-ALL", "B-ALL", "BALLLP", "B-ALL"],
                                 "Sex": ["female", "", "male", "male"]},
                         rna_marker=[False, True, False, True])


def read_png(path: Path) -> np.ndarray:
    import matplotlib.image

    return (matplotlib.image.imread(path)[..., :3] * 255).round().astype(int)


def hex_rgb(color: str) -> np.ndarray:
    color = color.lstrip("#")
    return np.array([int(color[i:i + 2], 16) for i in (0, 2, 4)])


def test_rendered_cells_have_the_style_colours(tmp_path):
    style = load_style("figure1")
    data = small_data()
    layout = draw_oncoprint(data, {"png": tmp_path / "o.png"}, style=style)
    image = read_png(tmp_path / "o.png")
    assert image.shape[:2] == (round(layout.height * 300), round(layout.width * 300))

    def at(row, col, dx=0):
        x, y = layout.cell_center_px(row, col)
        return image[y, x + dx]

    assert (at(1, 3) == hex_rgb(style["not_evaluated"])).all()  # dark grey
    assert (at(0, 0) == hex_rgb(style["evaluated"])).all()  # light grey
    assert (at(0, 3) == hex_rgb(style["evaluated"])).all()
    # patient 03 TP53: one truncating alteration fills the cell
    assert (at(0, 2) == hex_rgb(style["classes"]["truncating"]["color"])).all()
    # patient 02 TP53: missense and truncating side by side, both visible
    quarter = int(layout.cell_width * 300 / 4)
    left, right = at(0, 1, -quarter), at(0, 1, quarter)
    assert (left == hex_rgb(style["classes"]["missense"]["color"])).all()
    assert (right == hex_rgb(style["classes"]["truncating"]["color"])).all()
    assert (at(2, 1) == hex_rgb(style["classes"]["fusion"]["color"])).all()


def test_cbioportal_style_mutation_bar_over_background(tmp_path):
    style = load_style("cbioportal")
    layout = draw_oncoprint(small_data(), {"png": tmp_path / "o.png"}, style=style)
    image = read_png(tmp_path / "o.png")
    x, y = layout.cell_center_px(0, 2)
    assert (image[y, x] == hex_rgb("#000000")).all()  # truncating bar in the middle
    top = y - int(layout.cell_height * 300 * 0.35)
    assert (image[top, x] == hex_rgb(style["evaluated"])).all()  # grey above the 1/3 bar
    x, y = layout.cell_center_px(1, 3)
    assert (image[y - 3, x] == hex_rgb(style["not_evaluated"])).all()  # white, not profiled


def test_files_are_byte_stable(tmp_path):
    outputs = {}
    for run in ("a", "b"):
        outputs[run] = {fmt: tmp_path / run / f"oncoprint.{fmt}" for fmt in ("png", "svg", "pdf")}
        draw_oncoprint(small_data(), outputs[run])
    for fmt in ("png", "svg", "pdf"):
        assert outputs["a"][fmt].read_bytes() == outputs["b"][fmt].read_bytes(), fmt


def pdf_page_text(pdf: bytes) -> bytes:
    """The PDF's streams, inflated."""
    import re
    import zlib

    return b"".join(zlib.decompress(m) for m in re.findall(
        rb"/FlateDecode[^>]*>>\s*stream\r?\n(.*?)endstream", pdf, re.S))


def test_formats_written_by_two_processes_equal_those_written_by_one(tmp_path):
    outputs = {}
    for cores in (1, 2):
        outputs[cores] = {fmt: tmp_path / str(cores) / f"oncoprint.{fmt}"
                          for fmt in ("png", "svg", "pdf")}
        draw_oncoprint(small_data(), outputs[cores], cores=cores)
    for fmt in ("png", "svg", "pdf"):
        assert outputs[1][fmt].read_bytes() == outputs[2][fmt].read_bytes(), fmt


def test_pdf_text_is_set_in_the_standard_helvetica_when_it_can_be(tmp_path):
    draw_oncoprint(small_data(), {"pdf": tmp_path / "o.pdf"})
    pdf = (tmp_path / "o.pdf").read_bytes()
    assert b"/BaseFont /Helvetica" in pdf and b"/BaseFont /Helvetica-Bold" in pdf
    assert b"/FontFile" not in pdf  # nothing embedded
    assert b"(TP53)" in pdf_page_text(pdf)  # the label is text, not outlines


def test_pdf_embeds_dejavu_sans_for_characters_outside_the_standard_fonts(tmp_path):
    data = small_data()
    data.cytogenetic_only.append((1, 0))  # its legend note starts with an open circle
    data.patients[0] = "\u03a801"  # a patient named in another script (Greek Psi)
    draw_oncoprint(data, {"pdf": tmp_path / "o.pdf"})
    pdf = (tmp_path / "o.pdf").read_bytes()
    assert b"DejaVuSans" in pdf and b"/FontFile2" in pdf
    assert b"/BaseFont /Helvetica" not in pdf


def test_a_failure_in_the_forked_process_is_an_error(tmp_path, monkeypatch):
    from lenall_genomics.plots import oncoprint

    original = oncoprint._save_one

    def png_fails(fig, fmt, path):
        if fmt == "png":
            raise OSError("disk full")
        original(fig, fmt, path)

    monkeypatch.setattr(oncoprint, "_save_one", png_fails)
    with pytest.raises(RuntimeError, match="png failed in a forked process: OSError: disk full"):
        draw_oncoprint(small_data(), {fmt: tmp_path / f"o.{fmt}" for fmt in ("png", "svg")},
                       cores=2)
    assert (tmp_path / "o.svg").is_file() and not (tmp_path / "o.png").exists()


def test_memo_sort_puts_altered_first_row_first():
    data = small_data()
    order = memo_order(data)
    # both TP53-altered first; then 03 (next altered row RB1) before 02 (CRLF2, lower row);
    # the unaltered 01 and 04 last, by name
    assert [data.patients[i] for i in order] == ["03", "02", "01", "04"]


def test_sort_by_track_groups_values():
    data = small_data()
    order = track_order(data, "Diagnosis")
    assert [data.tracks["Diagnosis"][i] for i in order] == ["B-ALL", "B-ALL", "B-ALL", "BALLLP"]
    with pytest.raises(LenallInputError, match="no annotation track 'Age'"):
        track_order(data, "Age")


def write_maf(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("#version 2.4\n" + header + "\n" + "\n".join(rows) + "\n")
    return path


def test_maf_without_required_columns_is_a_clear_error(tmp_path):
    maf = write_maf(tmp_path / "bad.maf", "Hugo_Symbol\tChromosome\tStart_Position",
                    ["TP53\t17\t7675088"])
    with pytest.raises(LenallInputError) as error:
        data_from_maf(maf)
    assert "Variant_Classification" in str(error.value)
    assert "Tumor_Sample_Barcode" in str(error.value)
    with pytest.raises(SystemExit) as exit_info:
        main(["oncoprint", "--maf", str(maf), "--outdir", str(tmp_path / "out")])
    assert exit_info.value.code == 2


def test_maf_with_panel_marks_off_panel_genes_not_evaluated(tmp_path):
    maf = write_maf(tmp_path / "m.maf", "Hugo_Symbol\tVariant_Classification\tTumor_Sample_Barcode",
                    ["TP53\tMissense_Mutation\tS1", "RB1\tNonsense_Mutation\tS2",
                     "TP53\tSilent\tS2", "KRAS\tIntron\tS1"])
    panel = tmp_path / "panel.txt"
    panel.write_text("TP53\nKRAS\n")
    data, counts = data_from_maf(maf, panel=str(panel))
    assert data.rows == ["RB1", "TP53"]  # genes with drawn alterations, most altered first
    assert data.evaluated[data.rows.index("TP53")].all()
    assert not data.evaluated[data.rows.index("RB1")].any()
    assert counts["class_not_counted"] == 2
    assert sorted(zip(data.alt_rows, data.alt_cols, data.alt_classes, strict=True)) == [
        (0, 1, "truncating"), (1, 0, "missense")]


def test_oncoprint_command_from_maf_writes_all_formats(tmp_path):
    maf = write_maf(tmp_path / "m.maf", "Hugo_Symbol\tVariant_Classification\tTumor_Sample_Barcode",
                    ["TP53\tMissense_Mutation\tS1", "RB1\tNonsense_Mutation\tS2"])
    clinical = tmp_path / "clinical.tsv"
    clinical.write_text("patient\tAge\tArm\nS1\t65\tA\nS2\tNA\tB\n")
    out = tmp_path / "out"
    main(["oncoprint", "--maf", str(maf), "--outdir", str(out), "--clinical", str(clinical),
          "--sort", "Arm", "--style", "cbioportal"])
    for fmt in ("png", "svg", "pdf"):
        assert (out / f"oncoprint.{fmt}").stat().st_size > 1000


def test_rows_file_with_unknown_gene_in_maf_mode(tmp_path):
    maf = write_maf(tmp_path / "m.maf", "Hugo_Symbol\tVariant_Classification\tTumor_Sample_Barcode",
                    ["TP53\tMissense_Mutation\tS1"])
    rows = tmp_path / "rows.tsv"
    rows.write_text("row\tkind\tgenes\nNOTAGENE1\tgene_mutation\tNOTAGENE1\n")
    with pytest.raises(LenallInputError, match="unknown gene.*NOTAGENE1"):
        data_from_maf(maf, rows_file=rows)


def test_real_tcga_laml_maf_draws(real_examples, tmp_path):
    maf = real_examples / "maf" / "maftools" / "tcga_laml.maf.gz"
    data, counts = data_from_maf(maf)
    assert len(data.patients) == 193 - counts.get("patients_without_records", 0)
    assert data.rows[:2] == ["FLT3", "DNMT3A"]  # maftools' top genes for this cohort
    draw_oncoprint(data, {"png": tmp_path / "laml.png"})


def test_real_apl_maf_with_cr_line_ends(real_examples):
    maf = real_examples / "maf" / "maftools" / "APL_primary.maf.gz"
    with gzip.open(maf, "rb") as handle:
        assert b"\r" in handle.read()
    data, _ = data_from_maf(maf)
    assert data.patients and data.alt_rows


def test_cohort_folder_to_oncoprint_data(tmp_path):
    from lenall_genomics.cohort import build_cohort, write_cohort
    from lenall_genomics.model import VARIANT_COLUMNS, Sample
    from lenall_genomics.plots.oncoprint_data import data_from_cohort

    results = tmp_path / "res"
    results.mkdir()
    row = dict.fromkeys(VARIANT_COLUMNS, ".")
    row.update(gene="TP53", variant_classification="Missense_Mutation", status="somatic")
    (results / "A1.variants.tsv").write_text(
        "\t".join(VARIANT_COLUMNS) + "\n" + "\t".join(row[c] for c in VARIANT_COLUMNS) + "\n")
    samples = (Sample("A", "A1", "B-ALL", sex="male", dna_panel="FoundationOne-Heme"),
               Sample("B", "B1", "BALLLP", sex="female", dna_panel="MSK-IMPACT-Heme",
                      rna_panel="Archer-FusionPlex"),
               Sample("C", "C1", "B-ALL"))  # nothing sequenced: not drawn
    write_cohort(build_cohort(samples, results), tmp_path / "cohort")
    data = data_from_cohort(tmp_path / "cohort", samples)
    assert data.patients == ["A", "B"]
    assert data.rna_marker == [True, False]  # FoundationOne Heme includes RNA-seq
    assert data.tracks["Diagnosis"] == ["B-ALL", "BALLLP"]
    assert data.tracks["Sex"] == ["male", "female"]
    tp53 = data.rows.index("TP53")
    assert list(zip(data.alt_rows, data.alt_cols, data.alt_classes, strict=True)) == [
        (tp53, 0, "missense")]
    # no rna_panel in A's samplesheet row: its fusion rows are not evaluated; B's Archer is
    assert not data.evaluated[data.rows.index("CRLF2 fusion"), 0]
    assert data.evaluated[data.rows.index("CRLF2 fusion"), 1]


# --- annotation tracks --------------------------------------------------------------------------

def tracked_data() -> OncoprintData:
    data = small_data()
    data.tracks = {"Ploidy": ["diploid", "low hypodiploid", "low hypodiploid (masked)",
                              "high hyperdiploid"],
                   **data.tracks,
                   "Panel": ["FoundationOne-Heme", "MSK-IMPACT-Heme",
                             "MSK-IMPACT-Heme;FoundationOne-Heme", ""]}
    return data


def test_each_track_is_drawn_in_its_own_colours(tmp_path):
    style = load_style("figure1")
    data = tracked_data()
    layout = draw_oncoprint(data, {"png": tmp_path / "o.png"}, style=style)
    image = read_png(tmp_path / "o.png")
    drawn = {}
    for t, (name, values) in enumerate(data.tracks.items()):
        for c, value in enumerate(values):
            x, y = layout.track_center_px(t, c)
            drawn[name, value] = tuple(image[y, x])
    known = style["tracks"]
    assert drawn["Ploidy", "diploid"] == tuple(hex_rgb(known["Ploidy"]["colors"]["diploid"]))
    assert drawn["Diagnosis", "B-ALL"] == tuple(hex_rgb(known["Diagnosis"]["colors"]["B-ALL"]))
    assert drawn["Sex", "male"] == tuple(hex_rgb(known["Sex"]["colors"]["male"]))
    assert drawn["Panel", "FoundationOne-Heme"] == tuple(
        hex_rgb(known["Panel"]["colors"]["FoundationOne-Heme"]))
    # the first value of each track, the case that used to be one shared blue
    firsts = [drawn["Ploidy", "diploid"], drawn["Diagnosis", "B-ALL"], drawn["Sex", "female"],
              drawn["Panel", "FoundationOne-Heme"]]
    assert len(set(firsts)) == 4
    # masked hypodiploidy is not drawn like unmasked, and a missing panel stays white
    assert drawn["Ploidy", "low hypodiploid"] != drawn["Ploidy", "low hypodiploid (masked)"]
    assert drawn["Panel", ""] == (255, 255, 255)


def test_ploidy_classes_follow_the_ordered_scheme_in_the_legend():
    groups = {g.title: g for g in legend_groups(tracked_data(), load_style("figure1"))}
    labels = [label for _, label in groups["Ploidy"].entries]
    assert labels == ["low hypodiploid", "low hypodiploid, masked (doubled)", "diploid",
                      "high hyperdiploid"]


def test_two_panels_are_one_category_labelled_with_a_plus():
    groups = {g.title: g for g in legend_groups(tracked_data(), load_style("figure1"))}
    labels = [label for _, label in groups["Panel"].entries]
    assert "MSK-IMPACT-Heme + FoundationOne-Heme" in labels
    assert not any(";" in label for label in labels)
    assert labels[-1] == "not available"


def _lab(color: str) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB hex colour."""
    rgb = hex_rgb(color) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("name", ["figure1", "cbioportal"])
def test_track_colours_stay_apart_from_glyphs_and_cells(name):
    from lenall_genomics.plots.oncoprint import _gradient

    style = load_style(name)
    reserved = [c["color"] for c in style["classes"].values()]
    reserved += [style["evaluated"], style["not_evaluated"], style["missing_track"]]
    categorical = [c for spec in style["tracks"].values()
                   for c in [*spec["colors"].values(), *spec.get("palette", [])]]
    categorical += [c for palette in style["track_palettes"] for c in palette]
    gradient = [_gradient(stops, i / 20) for stops in style["track_gradients"]
                for i in range(21)]

    def distance(a, b):
        return float(np.linalg.norm(_lab(a) - _lab(b)))

    for color, least in [(c, 15) for c in categorical] + [(c, 10) for c in gradient]:
        nearest = min(reserved, key=lambda r, color=color: distance(color, r))
        assert distance(color, nearest) >= least, (color, nearest)


def test_clinical_tracks_take_successive_palettes_and_numbers_a_gradient(tmp_path):
    from lenall_genomics.plots.oncoprint import track_scales

    style = load_style("figure1")
    n = 12
    tracks = {"Arm": ["A", "B"] * (n // 2), "Site": ["X", "Y"] * (n // 2),
              "Age": [str(20 + 3 * i) for i in range(n - 1)] + [""],
              "Dose": [str(i % 3) for i in range(n)]}
    scales = track_scales(tracks, style)
    assert scales["Arm"].colors["A"] != scales["Site"].colors["X"]
    assert scales["Age"].gradient and (scales["Age"].low, scales["Age"].high) == ("20", "50")
    assert scales["Age"].colors["20"] != scales["Dose"].colors["0"]  # a second gradient
    assert scales["Dose"].gradient is None  # few values: one legend entry each
    assert scales["Dose"].colors["0"] != scales["Dose"].colors["2"]
    data = OncoprintData(rows=["TP53"], patients=[f"P{i:02d}" for i in range(n)],
                         evaluated=np.ones((1, n), dtype=bool), tracks=tracks)
    outputs = {"a": tmp_path / "a.png", "b": tmp_path / "b.png"}
    for path in outputs.values():
        draw_oncoprint(data, {"png": path}, style=style)
    assert outputs["a"].read_bytes() == outputs["b"].read_bytes()


def test_masked_ploidy_from_the_cohort_folder(tmp_path):
    from lenall_genomics.cohort import build_cohort, write_cohort
    from lenall_genomics.model import Sample
    from lenall_genomics.plots.oncoprint_data import data_from_cohort

    results = tmp_path / "res"
    results.mkdir()
    samples = (Sample("A", "A1", "B-ALL", dna_panel="MSK-IMPACT-Heme"),
               Sample("B", "B1", "B-ALL", dna_panel="MSK-IMPACT-Heme"),
               Sample("C", "C1", "B-ALL", dna_panel="MSK-IMPACT-Heme"))
    write_cohort(build_cohort(samples, results), tmp_path / "cohort")
    (tmp_path / "cohort" / "ploidy.tsv").write_text(
        "sample\tmodal_number\tclass\tlow_hypodiploid\tmasked\n"
        "A1\t76\tlow hypodiploid\ttrue\ttrue\n"
        "B1\t38\tlow hypodiploid\ttrue\tfalse\n"
        "C1\t46\tdiploid\tfalse\t.\n")
    data = data_from_cohort(tmp_path / "cohort", samples)
    assert data.tracks["Ploidy"] == ["low hypodiploid (masked)", "low hypodiploid", "diploid"]


def test_top_bar_bins_cover_every_column_once_when_columns_are_sub_pixel() -> None:
    import numpy as np

    from lenall_genomics.plots.oncoprint import _column_bins

    edges = _column_bins(10000, 1600)
    assert edges[0] == 0 and edges[-1] == 10000 and len(edges) == 1601
    widths = np.diff(edges)
    assert widths.min() >= 6 and widths.max() <= 7  # equal as integers allow
    assert list(_column_bins(30, 100)) == list(range(31))  # wide columns: one bar each
