"""The genome tables in assets/ load through genome.py and hold the published values."""

from __future__ import annotations

import pytest

from lenall_genomics import genome
from lenall_genomics.assets import asset
from lenall_genomics.errors import LenallInputError

BUILDS = ("GRCh38", "GRCh37")


@pytest.mark.parametrize("build, chr1, chrx", [("GRCh38", 248956422, 156040895),
                                               ("GRCh37", 249250621, 155270560)])
def test_chromosome_lengths(build: str, chr1: int, chrx: int) -> None:
    chromosomes = genome.chromosomes(build)
    assert set(chromosomes) == set(genome.CHROMOSOMES)
    assert chromosomes["1"].length == chr1 and chromosomes["X"].length == chrx


@pytest.mark.parametrize("build", BUILDS)
def test_centromeres_lie_inside_their_chromosomes(build: str) -> None:
    for chromosome in genome.chromosomes(build).values():
        assert 0 < chromosome.centromere_start < chromosome.centromere_end < chromosome.length


def test_centromere_spot_checks_from_cytoband() -> None:
    assert genome.chromosomes("GRCh38")["1"].centromere_start == 121700001
    assert genome.chromosomes("GRCh38")["1"].centromere_end == 125100000
    assert genome.chromosomes("GRCh37")["17"].centromere_end == 25800000


@pytest.mark.parametrize("build, gene, expected", [
    ("GRCh38", "TP53", ("17", 7661779, 7687538)),
    ("GRCh37", "TP53", ("17", 7565097, 7590856)),
    ("GRCh38", "CRLF2", ("X", 1187549, 1212723)),
    ("GRCh37", "P2RY8", ("X", 1581465, 1656000)),
    ("GRCh38", "IGH", ("14", 105583731, 106879812)),
    ("GRCh37", "ABL1", ("9", 133589333, 133763062)),
    ("GRCh38", "CDKN2B", ("9", 22002903, 22009305)),
])
def test_gene_extents_match_methods_g(build: str, gene: str, expected: tuple) -> None:
    found = genome.genes(build)[gene]
    assert (found.chrom, found.start, found.end) == expected


@pytest.mark.parametrize("build", BUILDS)
def test_required_genes_are_present_in_both_builds(build: str) -> None:
    required = {"TP53", "RB1", "TET2", "IKZF1", "IKZF2", "IKZF3", "CDKN2A", "CDKN2B", "CREBBP",
                "KRAS", "NRAS", "KMT2A", "CRLF2", "P2RY8", "BCR", "ABL1", "PAX5", "ETV6", "IGH"}
    genes = genome.genes(build)
    assert required <= set(genes)
    chromosomes = genome.chromosomes(build)
    for gene in genes.values():
        assert gene.start <= gene.end <= chromosomes[gene.chrom].length
        assert gene.strand in ("+", "-", ".")


def test_overlap_lookup_finds_cdkn2a_and_cdkn2b() -> None:
    names = [g.name for g in genome.genes_overlapping("GRCh38", "chr9", 21_900_000, 22_100_000)]
    assert names == ["CDKN2A", "CDKN2B"]


@pytest.mark.parametrize("build, span", [("GRCh38", (50376533, 50391863)),
                                         ("GRCh37", (50444231, 50459561))])
def test_ikzf1_has_eight_exons_and_exons_4_to_7_match_methods(build: str, span: tuple) -> None:
    exons = genome.exons(build, "IKZF1")
    assert [e.number for e in exons] == list(range(1, 9))
    gene = genome.genes(build)["IKZF1"]
    assert all(gene.start <= e.start <= e.end <= gene.end for e in exons)
    assert all(a.end < b.start for a, b in zip(exons, exons[1:], strict=False))
    assert (exons[3].start, exons[6].end) == span
    assert exons[7].end == gene.end


def test_exon_lengths_agree_between_builds() -> None:
    for e38, e37 in zip(genome.exons("GRCh38", "IKZF1")[1:], genome.exons("GRCh37", "IKZF1")[1:],
                        strict=True):
        assert e38.end - e38.start == e37.end - e37.start


def test_contig_lengths_of_the_other_build_are_named_in_the_hint() -> None:
    grch37 = {"chr1": 249250621, "chr2": 243199373}
    with pytest.raises(LenallInputError) as caught:
        genome.check_contig_lengths(grch37, "GRCh38", file="x.vcf")
    assert "--genome GRCh37" in caught.value.hint
    genome.check_contig_lengths({"chr1": 248956422, "chrUn_x": 5}, "GRCh38", file="x.vcf")


FOUNDATION_GENES = ("TP53", "RB1", "TET2", "IKZF1", "IKZF2", "IKZF3", "CDKN2A", "CDKN2B",
                    "CREBBP", "KRAS", "NRAS", "KMT2A", "CRLF2", "P2RY8", "BCR", "ABL1", "PAX5",
                    "ETV6", "BIRC3", "DNMT3A", "ASXL1", "PPM1D", "IGH")


@pytest.mark.parametrize("build", BUILDS)
def test_foundation_genes_have_an_extent_and_a_strand_in_both_builds(build: str) -> None:
    genes = genome.genes(build)
    incomplete = sorted(g for g in FOUNDATION_GENES
                        if g not in genes or genes[g].strand not in ("+", "-"))
    assert incomplete == []


@pytest.mark.parametrize("build, gene, expected", [
    ("GRCh37", "ASXL1", ("20", 30946155, 31027122, "+")),   # GENCODE v19
    ("GRCh37", "DNMT3A", ("2", 25455845, 25565459, "-")),   # GENCODE v19
    ("GRCh37", "PPM1D", ("17", 58677544, 58741849, "+")),   # GENCODE v19
    ("GRCh38", "MLLT3", ("9", 20341669, 20622499, "-")),    # org.Hs.eg.db 3.16
    ("GRCh38", "TP53", ("17", 7661779, 7687538, "-")),      # RNAseqCNV extent, org.Hs strand
])
def test_added_rows_hold_the_values_read_from_their_sources(build: str, gene: str,
                                                           expected: tuple) -> None:
    found = genome.genes(build)[gene]
    assert (found.chrom, found.start, found.end, found.strand) == expected


@pytest.mark.parametrize("build", BUILDS)
def test_every_row_names_its_source(build: str) -> None:
    text = asset(f"genes_{build}.tsv").read_text()
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    assert rows[0][-1] == "source"
    assert all(len(row) == 6 and row[5].strip() and "METHODS.md g:" not in row[5]
               for row in rows[1:])
