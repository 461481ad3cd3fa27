"""Panel gene content: known ids, user gene lists and BEDs."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from lenall_genomics.errors import LenallInputError
from lenall_genomics.readers.panels import (
    gene_from_bed_name,
    is_known_panel,
    known_panels,
    panel_genes,
)

PANELS = ("Archer-FusionPlex", "FoundationOne-Heme", "HemePACT", "MSK-IMPACT-Heme",
          "RainDance-ThunderBolts-Myeloid")
FIGURE1_DNA = {"TP53", "TET2", "RB1", "CDKN2A", "CDKN2B", "CREBBP", "KRAS", "NRAS", "IKZF1",
               "IKZF2", "IKZF3"}


def test_known_panel_ids() -> None:
    assert known_panels() == PANELS
    assert is_known_panel("HemePACT") and not is_known_panel("hemepact")


@pytest.mark.parametrize("panel", ["MSK-IMPACT-Heme", "HemePACT", "FoundationOne-Heme"])
def test_comprehensive_dna_panels_cover_the_figure1_genes(panel: str) -> None:
    assert FIGURE1_DNA <= panel_genes(panel, "dna")


def test_myeloid_panel_covers_tp53_tet2_kras_but_not_the_lymphoid_genes() -> None:
    genes = panel_genes("RainDance-ThunderBolts-Myeloid", "dna")
    assert {"TP53", "TET2", "KRAS", "DNMT3A", "ASXL1", "NRAS"} <= genes
    assert not genes & {"RB1", "CDKN2A", "CDKN2B", "CREBBP", "IKZF1", "IKZF2", "IKZF3"}
    assert panel_genes("RainDance-ThunderBolts-Myeloid", "rna") == frozenset()


@pytest.mark.parametrize("panel", ["FoundationOne-Heme", "Archer-FusionPlex"])
def test_rna_panels_cover_the_fusion_drivers(panel: str) -> None:
    drivers = {"CRLF2", "P2RY8", "ABL1", "BCR", "KMT2A", "ETV6", "PAX5", "JAK2", "IGH"}
    assert drivers <= panel_genes(panel, "rna")


def test_dna_only_and_rna_only_panels() -> None:
    assert panel_genes("MSK-IMPACT-Heme", "rna") == frozenset()
    assert panel_genes("HemePACT", "rna") == frozenset()
    assert panel_genes("Archer-FusionPlex", "dna") == frozenset()


def test_gene_list_with_comments_blank_lines_and_trailing_spaces(tmp_path: Path) -> None:
    path = tmp_path / "genes.txt"
    path.write_text("# my panel\nTP53 \n\nRB1\r\nTET2\tcomment\n")
    assert panel_genes(str(path), "dna") == {"TP53", "RB1", "TET2"}
    assert panel_genes(str(path), "rna") == {"TP53", "RB1", "TET2"}  # counts for the kind given


def test_bed_with_header_lines_and_composite_names(tmp_path: Path) -> None:
    path = tmp_path / "targets.bed"
    path.write_text(
        "track name=targets\nbrowser position chr17:7661779-7687538\n# comment\n"
        "chr17\t7670000\t7670200\tTP53_exon5\n"
        "chr13\t48303744\t48303900\tRB1;ENSG00000139687\n"
        "chr4\t105145875\t105146000\tgene=TET2;exon=3\n"
        "chr1\t1000\t2000\tAntitarget\n"
        "chr1\t3000\t4000\t.\n")
    assert panel_genes(path.name, "dna", base_dir=tmp_path) == {"TP53", "RB1", "TET2"}


def test_bed_with_a_column_header_line(tmp_path: Path) -> None:
    path = tmp_path / "t.bed"
    path.write_text("chr\tstart\tend\tsymbol\nchr1\t10\t20\tNRAS\n")
    assert panel_genes(str(path), "dna") == {"NRAS"}


def test_bed_without_gene_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.bed"
    path.write_text("chr1\t10\t20\n")
    with pytest.raises(LenallInputError) as caught:
        panel_genes(str(path), "dna")
    assert caught.value.line == 1 and "4th" in caught.value.message


def test_unknown_panel_error_names_the_known_ids() -> None:
    with pytest.raises(LenallInputError) as caught:
        panel_genes("Impact-Heme", "dna")
    assert caught.value.field == "dna_panel"
    assert all(panel in caught.value.hint for panel in PANELS)


@pytest.mark.parametrize("name, gene", [("TP53", "TP53"), ("TP53_exon5", "TP53"),
                                        ("TP53;ENSG00000141510", "TP53"), ("NKX2-1", "NKX2-1"),
                                        ("ENSG00000141510", None), ("-", None), ("CGH", None)])
def test_gene_from_bed_name(name: str, gene: str | None) -> None:
    assert gene_from_bed_name(name) == gene


def test_real_panel_files(real_examples: Path, tmp_path: Path) -> None:
    panels = real_examples / "panels"
    impact = panel_genes(str(panels / "camutqc" / "MSK-IMPACT_gene_v3_468.txt"), "dna")
    assert len(impact) == 468 and {"TP53", "RB1", "CRLF2"} <= impact
    nv2 = panel_genes(str(panels / "cnvkit_nv2" / "interval-nv2.target-267.hg19.bed"), "dna")
    assert {"TP53", "RB1", "TET2", "IKZF1", "CDKN2A", "CREBBP", "KRAS", "CRLF2"} <= nv2
    assert not nv2 & {"IKZF2", "IKZF3", "P2RY8", "CGH"}
    umccr = panel_genes(str(panels / "umccr" / "umccr_cancer_genes_hg38_coding.bed.gz"), "dna")
    assert {"TP53", "RB1", "TET2"} <= umccr  # bgzipped, with a column-header line


def test_gzipped_gene_list(tmp_path: Path) -> None:
    path = tmp_path / "genes.txt.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("KRAS\nNRAS\n")
    assert panel_genes(str(path), "dna") == {"KRAS", "NRAS"}
