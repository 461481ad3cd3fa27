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
