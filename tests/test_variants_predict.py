"""Consequences of raw VCF alleles from a GTF (+ FASTA) on a small hand-made genome.

chr1 carries two genes with the same mRNA design, one on each strand:
5' UTR 30 bp | CDS exon 1 30 bp (codons 1-10) | intron 100 | exon 2 60 bp (codons 11-30) |
intron 100 | exon 3 30 bp coding (codons 31-40, 40 = TAA) + 3' UTR 50 bp.
GENEP (+): exons 10001-10060, 10161-10220, 10321-10400; c.1 = 10031.
GENEM (-): exons 25341-25400, 25181-25240, 25001-25080; c.1 = 25370 (c.k -> 25371 - k in exon 1).
Expected HGVS were worked out by hand from the codon table below.
"""

from __future__ import annotations

import gzip

import pytest

from lenall_genomics.errors import LenallInputError
from lenall_genomics.variants.pipeline import run_variants
from lenall_genomics.variants.predict import Predictor
from lenall_genomics.variants.transcripts import TranscriptIndex, parse_attributes
from variants_helpers import outputs

pysam = pytest.importorskip("pysam")

CODONS = ("ATG GCT CGC CAG CTG AAG AAA GAA ACC TCA "          # M A R Q L K K E T S
          "GGC TTC CCA GAC ATC TGG GTT CAC AAC TAC "          # G F P D I W V H N Y
          "GGA CCT GCA ATG CGT GAG TTA AGC ACA GTC "          # G P A M R E L S T V
          "TGT GCG CCG GAT AAT TTT CAA GGT ATT TAA").split()  # C A P D N F Q G I *
CDS = "".join(CODONS)
UTR5 = "CTTCCGCTCCGCTCGGCCTCCGCCGCCACC"
UTR3 = "GCAGCAGCATGA" + "CCTTCGCCTGCCTCGCTTCCCGCCTTCGCCTC"[:38].ljust(38, "C")
INTRON = "GTAAGT" + "CTCA" * 22 + "TTTCAG"
LENGTH = 32000


def _filler(n: int, seed: int) -> str:
    out, state = [], seed
    for _ in range(n):
        state = (state * 1103515245 + 12345) % 2**31
        out.append("ACGT"[(state >> 16) % 4])
    return "".join(out)


def _revcomp(seq: str) -> str:
    return seq.translate(str.maketrans("ACGT", "TGCA"))[::-1]


def _gene_block() -> str:
    """Transcript-orientation genomic block: exon1, intron1, exon2, intron2, exon3 (400 bp)."""
    mrna = UTR5 + CDS + UTR3
    return mrna[:60] + INTRON + mrna[60:120] + INTRON + mrna[120:]


def genome_sequence() -> str:
    seq = list(_filler(LENGTH, 7))
    seq[10000:10400] = _gene_block()
    seq[25000:25400] = _revcomp(_gene_block())
    return "".join(seq)


GTF_HEADER = ("##description: evidence-based annotation of the human genome (GRCh38)\n"
              "##provider: GENCODE\n##format: gtf\n")


def _gencode(feature, start, end, strand, extra=""):
    attrs = ('gene_id "ENSG00000000001.1"; transcript_id "ENST00000000001.3"; '
             'gene_type "protein_coding"; gene_name "GENEP"; transcript_type "protein_coding"; '
             'transcript_name "GENEP-201"; level 2; protein_id "ENSP00000000001.1"; '
             'tag "basic"; tag "Ensembl_canonical"; tag "MANE_Select";' + extra)
    return f"chr1\tHAVANA\t{feature}\t{start}\t{end}\t.\t{strand}\t.\t{attrs}\n"


def _ensembl(feature, start, end, tid="ENST00000000002", tags=' tag "Ensembl_canonical";'):
    attrs = (f'gene_id "ENSG00000000002"; gene_version "4"; transcript_id "{tid}"; '
             f'transcript_version "2"; gene_name "GENEM"; gene_source "ensembl_havana"; '
             f'gene_biotype "protein_coding"; transcript_biotype "protein_coding"; '
             f'tag "basic";{tags}')
    return f"1\tensembl_havana\t{feature}\t{start}\t{end}\t.\t-\t.\t{attrs}\n"


def gtf_text() -> str:
    lines = [GTF_HEADER,
             "chr1\tHAVANA\tgene\t10001\t10400\t.\t+\t.\tgene_id \"ENSG00000000001.1\"; "
             "gene_type \"protein_coding\"; gene_name \"GENEP\"; level 2;\n",
             _gencode("transcript", 10001, 10400, "+")]
    for n, (s, e) in enumerate(((10001, 10060), (10161, 10220), (10321, 10400)), 1):
        lines.append(_gencode("exon", s, e, "+", f' exon_number {n};'))
    for s, e in ((10031, 10060), (10161, 10220), (10321, 10347)):
        lines.append(_gencode("CDS", s, e, "+"))
    lines += [_gencode("start_codon", 10031, 10033, "+"), _gencode("stop_codon", 10348, 10350, "+"),
              _gencode("UTR", 10001, 10030, "+"), _gencode("UTR", 10351, 10400, "+")]
    # a longer, untagged isoform of GENEP that must not be chosen over the MANE Select one
    alt = ('gene_id "ENSG00000000001.1"; transcript_id "ENST00000000009.1"; gene_name "GENEP"; '
           'transcript_type "protein_coding"; tag "basic";')
    lines += [f"chr1\tHAVANA\ttranscript\t10001\t10900\t.\t+\t.\t{alt}\n",
              f"chr1\tHAVANA\texon\t10001\t10900\t.\t+\t.\t{alt}\n",
              f"chr1\tHAVANA\tCDS\t10031\t10800\t.\t+\t0\t{alt}\n"]
    # GENEM in Ensembl style (contig "1", separate *_version attributes), on the minus strand
    lines.append(_ensembl("transcript", 25001, 25400))
    for s, e in ((25341, 25400), (25181, 25240), (25001, 25080)):
        lines.append(_ensembl("exon", s, e))
    for s, e in ((25341, 25370), (25181, 25240), (25054, 25080)):
        lines.append(_ensembl("CDS", s, e))
    lines += [_ensembl("start_codon", 25368, 25370), _ensembl("stop_codon", 25051, 25053),
              _ensembl("five_prime_utr", 25371, 25400), _ensembl("three_prime_utr", 25001, 25050)]
    return "".join(lines)


@pytest.fixture(scope="module")
def ref_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("predict")
    fasta = folder / "g.fa"
    seq = genome_sequence()
    fasta.write_text(">chr1 test\n" + "\n".join(seq[i:i + 60] for i in range(0, len(seq), 60))
                     + "\n")
    pysam.faidx(str(fasta))
    gtf = folder / "g.gtf"
    gtf.write_text(gtf_text())
    return gtf, fasta, seq


@pytest.fixture(scope="module")
def with_fasta(ref_files):
    gtf, fasta, _ = ref_files
    return Predictor(gtf, fasta)


@pytest.fixture(scope="module")
def gtf_only(ref_files):
    return Predictor(ref_files[0])


def test_fixture_sequence_is_what_the_tests_assume(ref_files):
    _, _, seq = ref_files
    assert seq[10030:10033] == "ATG" and seq[10347:10350] == "TAA"
    assert seq[25367:25370] == _revcomp("ATG") and seq[25050:25053] == _revcomp("TAA")
    assert seq[10060:10062] == "GT" and seq[10158:10160] == "AG"


def test_gtf_attributes_gencode_and_ensembl_syntax():
    values, tags = parse_attributes(
        'gene_id "ENSG00000186092.7"; transcript_id "ENST00000641515.2"; gene_type '
        '"protein_coding"; gene_name "OR4F5"; level 2; tag "basic"; tag "Ensembl_canonical"; '
        'tag "MANE_Select"; havana_gene "OTTHUMG00000001094.4";')
    assert values["gene_name"] == "OR4F5" and values["level"] == "2"
    assert values["transcript_id"] == "ENST00000641515.2"
    assert tags == {"basic", "Ensembl_canonical", "MANE_Select"}


def test_canonical_transcript_per_gene(ref_files):
    index = TranscriptIndex(ref_files[0])
    chosen = {t.gene: t for t in index.contig("1").transcripts}
    assert chosen["GENEP"].transcript_id == "ENST00000000001.3"  # MANE over a longer CDS
    assert chosen["GENEM"].transcript_id == "ENST00000000002"
    assert chosen["GENEM"].strand == "-" and chosen["GENEM"].cds[0] == (25051, 25080)
    assert chosen["GENEP"].cds_length == 120  # the stop codon counted in


def test_isoform_override_beats_mane(tmp_path):
    # TP53's override in assets/isoform_overrides_GRCh38.tsv is ENST00000269305
    rows = []
    for tid, tags in (("ENST00000999999.1", 'tag "MANE_Select";'), ("ENST00000269305.9", "")):
        attrs = f'gene_id "G"; transcript_id "{tid}"; gene_name "TP53"; {tags}'
        rows.append(f"chr17\tX\texon\t100\t200\t.\t-\t.\t{attrs}\n")
    path = tmp_path / "o.gtf"
    path.write_text("".join(rows))
    [tx] = TranscriptIndex(path).contig("chr17").transcripts
    assert tx.transcript_id == "ENST00000269305.9"


def test_bgzipped_tabix_gtf_matches_plain(ref_files, tmp_path):
    plain = TranscriptIndex(ref_files[0]).contig("1").transcripts
    sorted_lines = sorted((line for line in gtf_text().splitlines() if not line.startswith("#")),
                          key=lambda row: (row.split("\t")[0], int(row.split("\t")[3])))
    # both GENCODE ("chr1") and Ensembl ("1") rows: tabix keeps them as two contigs
    source = tmp_path / "g.gtf"
    source.write_text("\n".join(sorted_lines) + "\n")
    indexed = pysam.tabix_index(str(source), preset="gff", force=True)
    tabix = TranscriptIndex(indexed)
    assert tabix._tabix is not None
    assert tabix.contig("chr1").transcripts == plain
    plain_gz = tmp_path / "p.gtf.gz"
    with gzip.open(plain_gz, "wt") as handle:
        handle.write(gtf_text())
    assert TranscriptIndex(plain_gz).contig("chr1").transcripts == plain


def test_bad_gtf_line_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.gtf"
    path.write_text("chr1\tHAVANA\texon\t10\n")
    with pytest.raises(LenallInputError, match="9"):
        TranscriptIndex(path).contig("chr1")


# (pos, ref, alt) -> consequence, MAF class, gene, HGVSc, HGVSp short
PLUS_CASES = {
    "missense": ((10038, "G", "A"), "missense_variant", "Missense_Mutation", "c.8G>A",
                 "p.R3H"),
    "nonsense": ((10040, "C", "T"), "stop_gained", "Nonsense_Mutation", "c.10C>T", "p.Q4*"),
    "synonymous": ((10045, "G", "A"), "synonymous_variant", "Silent", "c.15G>A", "p.L5="),
    "start_lost": ((10032, "T", "C"), "start_lost", "Translation_Start_Site", "c.2T>C",
                   "p.M1?"),
    "stop_lost": ((10348, "T", "C"), "stop_lost", "Nonstop_Mutation", "c.118T>C",
                  "p.*40Qext*4"),
    "stop_retained": ((10349, "A", "G"), "stop_retained_variant", "Silent", "c.119A>G",
                      "p.*40="),
    # GAAA -> G deletes codon 7 (AAA) of ...AAG AAA GAA...: the 3'-most Lys
    "inframe_del": ((10048, "GAAA", "G"), "inframe_deletion", "In_Frame_Del", "c.19_21del",
                    "p.K7del"),
    # AAA inserted after c.18 (VCF left-aligned) is, 3'-shifted, a copy of codon 7
    "dup": ((10048, "G", "GAAA"), "inframe_insertion", "In_Frame_Ins", "c.19_21dup",
            "p.K7dup"),
    "inframe_ins": ((10054, "A", "ATGG"), "inframe_insertion", "In_Frame_Ins", "c.24_25insTGG",
                    "p.E8_T9insW"),
    "delins": ((10046, "AAG", "AATAAC"), "inframe_insertion", "In_Frame_Ins",
               "c.18delinsTAAC", "p.K6delinsNN"),
    # deleting one A of AAA (c.19-21), left-aligned in the VCF, is c.21del (3' rule);
    # new frame from codon 8: AAA CCT CAG GCT TCC CAG ACA TCT GGG TTC ACA ACT ACG GAC CTG
    # CAA TGC GTG AGT TAA -> K P Q A S Q T S G F T T T D L Q C V S *, the stop 20th
    "frameshift_del": ((10048, "GA", "G"), "frameshift_variant", "Frame_Shift_Del", "c.21del",
                       "p.E8Kfs*20"),
    "splice_donor": ((10061, "G", "A"), "splice_donor_variant", "Splice_Site", "c.30+1G>A",
                     None),
    "splice_acceptor": ((10160, "G", "A"), "splice_acceptor_variant", "Splice_Site",
                        "c.31-1G>A", None),
    "splice_region_intron": ((10065, "G", "A"), "splice_region_variant,intron_variant",
                             "Splice_Region", "c.30+5G>A", None),
    "splice_region_exon": ((10060, "A", "G"), "splice_region_variant,synonymous_variant",
                           "Splice_Region", "c.30A>G", "p.S10="),
    "intron": ((10110, "A", "G"), "intron_variant", "Intron", "c.30+50A>G", None),
    "utr5": ((10010, "C", "T"), "5_prime_UTR_variant", "5'UTR", "c.-21C>T", None),
    "utr3": ((10360, "T", "C"), "3_prime_UTR_variant", "3'UTR", "c.*10T>C", None),
}


@pytest.mark.parametrize("name", sorted(PLUS_CASES))
def test_plus_strand_consequences(with_fasta, ref_files, name):
    (pos, ref, alt), consequence, klass, hgvsc, hgvsp = PLUS_CASES[name]
    seq = ref_files[2]
    assert seq[pos - 1:pos - 1 + len(ref)] == ref, "test allele must match the FASTA"
    effect = with_fasta.predict("chr1", pos, ref, alt)
    assert (effect.gene, effect.transcript) == ("GENEP", "ENST00000000001.3")
    assert effect.consequence == consequence
    assert effect.variant_classification == klass
    assert effect.hgvsc == hgvsc
    assert effect.hgvsp_short == hgvsp


def test_long_hgvsp_forms(with_fasta):
    assert with_fasta.predict("chr1", 10038, "G", "A").hgvsp == "p.Arg3His"
    assert with_fasta.predict("chr1", 10348, "T", "C").hgvsp == "p.Ter40GlnextTer4"
    assert with_fasta.predict("chr1", 10048, "GA", "G").hgvsp == "p.Glu8LysfsTer20"
    assert with_fasta.predict("chr1", 10038, "G", "A").exon == "1/3"


# GENEM on the minus strand: genomic bases are the complement of the transcript's
MINUS_CASES = {
    "missense": ((25363, "C", "T"), "missense_variant", "c.8G>A", "p.R3H"),
    "nonsense": ((25361, "G", "A"), "stop_gained", "c.10C>T", "p.Q4*"),
    "inframe_del": ((25349, "CTTT", "C"), "inframe_deletion", "c.19_21del", "p.K7del"),
    # VCF left-aligns the 1-base deletion in TTT (genomic), HGVS shifts it to c.21 (genomic left)
    "frameshift_del": ((25349, "CT", "C"), "frameshift_variant", "c.21del", "p.E8Kfs*20"),
    "splice_donor": ((25340, "C", "T"), "splice_donor_variant", "c.30+1G>A", None),
    "splice_acceptor": ((25241, "C", "T"), "splice_acceptor_variant", "c.31-1G>A", None),
    "utr5": ((25391, "G", "A"), "5_prime_UTR_variant", "c.-21C>T", None),
    "stop_lost": ((25053, "A", "G"), "stop_lost", "c.118T>C", "p.*40Qext*4"),
}


@pytest.mark.parametrize("name", sorted(MINUS_CASES))
def test_minus_strand_consequences(with_fasta, ref_files, name):
    (pos, ref, alt), consequence, hgvsc, hgvsp = MINUS_CASES[name]
    assert ref_files[2][pos - 1:pos - 1 + len(ref)] == ref, "test allele must match the FASTA"
    effect = with_fasta.predict("1", pos, ref, alt)
    assert (effect.gene, effect.transcript) == ("GENEM", "ENST00000000002")
    assert (effect.consequence, effect.hgvsc, effect.hgvsp_short) == (consequence, hgvsc, hgvsp)


@pytest.mark.parametrize("pos, consequence, klass, gene", [
    (9000, "upstream_gene_variant", "5'Flank", "GENEP"),
    (11500, "downstream_gene_variant", "3'Flank", "GENEP"),
    (26000, "upstream_gene_variant", "5'Flank", "GENEM"),  # minus strand: 5' is to the right
    (24000, "downstream_gene_variant", "3'Flank", "GENEM"),
    (17000, "intergenic_variant", "IGR", None),
])
def test_flanks_and_intergenic(with_fasta, ref_files, pos, consequence, klass, gene):
    ref = ref_files[2][pos - 1]
    alt = "A" if ref != "A" else "C"
    effect = with_fasta.predict("chr1", pos, ref, alt)
    assert (effect.consequence, effect.variant_classification, effect.gene) == (
        consequence, klass, gene)
    assert effect.hgvsc is None


def test_contig_outside_the_gtf_is_unannotated(with_fasta):
    effect = with_fasta.predict("chr2", 500, "A", "C")
    assert effect.variant_classification == "unannotated" and effect.gene is None


def test_without_fasta_codon_changes_fall_back(gtf_only):
    missense = gtf_only.predict("chr1", 10038, "G", "A")
    assert missense.consequence == "coding_sequence_variant" and missense.hgvsp is None
    assert missense.hgvsc == "c.8G>A"
    frameshift = gtf_only.predict("chr1", 10048, "GA", "G")
    assert frameshift.consequence == "frameshift_variant"
    assert frameshift.variant_classification == "Frame_Shift_Del"
    assert gtf_only.predict("chr1", 10048, "GAAA", "G").consequence == "inframe_deletion"
    assert gtf_only.predict("chr1", 10032, "T", "C").hgvsp_short == "p.M1?"
    assert gtf_only.predict("chr1", 10061, "G", "A").consequence == "splice_donor_variant"
    assert gtf_only.predict("chr1", 10360, "T", "C").consequence == "3_prime_UTR_variant"


VCF_HEADER = """##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT1
"""


def test_cli_raw_vcf_with_gtf_and_fasta(ref_files, tmp_path):
    from lenall_genomics.cli import main

    gtf, fasta, _ = ref_files
    records = [("chr1", 10038, "G", "A"), ("chr1", 10040, "C", "T"),
               ("chr1", 10048, "GA", "G"), ("chr1", 10061, "G", "A"),
               ("chr1", 17000, None, None), ("chr2", 500, "A", "C")]
    seq = ref_files[2]
    lines = []
    for chrom, pos, ref, alt in records:
        if ref is None:
            ref = seq[pos - 1]
            alt = "A" if ref != "A" else "C"
        lines.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\tPASS\t.\tGT:AD:DP:AF\t"
                     f"0/1:60,40:100:0.4")
    vcf = tmp_path / "raw.vcf"
    vcf.write_text(VCF_HEADER + "\n".join(lines) + "\n")
    out = tmp_path / "out"
    main(["variants", "--sample", "T1", "--outdir", str(out), "--vcf", str(vcf),
          "--gtf", str(gtf), "--fasta", str(fasta)])
    tsv, maf, qc = outputs(out, "T1")
    got = {(r["chrom"], r["pos"]): r for r in tsv}
    missense = got[("1", "10038")]
    assert (missense["gene"], missense["transcript"], missense["hgvsc"], missense["hgvsp"],
            missense["consequence"], missense["variant_classification"]) == (
        "GENEP", "ENST00000000001.3", "c.8G>A", "p.Arg3His", "missense_variant",
        "Missense_Mutation")
    assert got[("1", "10040")]["variant_classification"] == "Nonsense_Mutation"
    assert got[("1", "10048")]["hgvsp"] == "p.Glu8LysfsTer20"
    assert got[("1", "10061")]["consequence"] == "splice_donor_variant"
    assert got[("1", "17000")]["variant_classification"] == "IGR"
    assert got[("2", "500")]["variant_classification"] == "unannotated"
    assert qc["annotation"] == "gtf" and qc["unannotated"] == 1
    assert (qc["reference_mismatches"], qc["coding_without_fasta"]) == (0, 0)
    assert {r["HGVSp_Short"] for r in maf} >= {"p.R3H", "p.Q4*"}


def test_qc_counts_reference_mismatches_and_coding_calls_without_fasta(ref_files, tmp_path):
    gtf, fasta, seq = ref_files
    assert (seq[10037], seq[10047:10049]) == ("G", "GA")
    wrong = "T" if seq[17999] != "T" else "C"
    records = [("chr1", 10038, "G", "A"),  # CDS, REF matches
               ("chr1", 10038, "C", "A"),  # CDS, REF is G in the FASTA
               ("chr1", 10048, "GA", "G"),  # CDS frameshift, REF matches
               ("chr1", 18000, wrong, "G" if wrong != "G" else "A"),  # intergenic, REF wrong
               ("chr1", 10361, seq[10360], "A" if seq[10360] != "A" else "C")]  # 3' UTR
    lines = [f"{c}\t{p}\t.\t{r}\t{a}\t.\tPASS\t.\tGT:AD:DP:AF\t0/1:60,40:100:0.4"
             for c, p, r, a in records]
    vcf = tmp_path / "raw.vcf"
    vcf.write_text(VCF_HEADER + "\n".join(lines) + "\n")
    qc = run_variants("T1", tmp_path / "fa", vcf=vcf, gtf=gtf, fasta=fasta)
    assert (qc["reference_mismatches"], qc["coding_without_fasta"]) == (2, 0)
    qc = run_variants("T1", tmp_path / "nofa", vcf=vcf, gtf=gtf)
    assert (qc["reference_mismatches"], qc["coding_without_fasta"]) == (0, 3)


def test_prediction_counts_only_when_consequences_are_predicted(tmp_path):
    from variants_helpers import DATA

    qc = run_variants("P01-T", tmp_path, vcf=DATA / "mutect2_paired_vep.vcf")
    assert "reference_mismatches" not in qc and "coding_without_fasta" not in qc


@pytest.mark.parametrize("pos, ref, alt, consequence, hgvsc, hgvsp", [
    # TCAGT -> T deletes c.29, c.30, +1, +2: crosses the exon edge, protein not predictable
    (10058, "TCAGT", "T", "splice_donor_variant,coding_sequence_variant", "c.29_30+2del", None),
    # T inserted between +1 and +2 of GTAAGT: a splice-site insertion, 3'-shifted to a dup of +2
    (10061, "G", "GT", "splice_donor_variant", "c.30+2dup", None),
    # between the last exon base and +1: splice region only
    (10060, "A", "AT", "splice_region_variant", "c.30_30+1insT", None),
    # CGC -> TAC in codon 3
    (10037, "CG", "TA", "missense_variant", "c.7_8delinsTA", "p.R3Y"),
    # AAG AA|A: new frame AAT AGA AAC CTC AGG ... TGA, the stop 20th from Asn7
    (10050, "A", "AT", "frameshift_variant", "c.20_21insT", "p.K7Nfs*20"),
    # inside the stop codon TA|A -> TAC A..: the protein runs into the 3' UTR without a stop
    (10349, "A", "AC", "frameshift_variant,stop_lost", "c.119_120insC", "p.*40Yext*?"),
])
def test_edges_of_exons_and_codons(with_fasta, ref_files, pos, ref, alt, consequence, hgvsc,
                                   hgvsp):
    assert ref_files[2][pos - 1:pos - 1 + len(ref)] == ref
    effect = with_fasta.predict("chr1", pos, ref, alt)
    assert (effect.consequence, effect.hgvsc, effect.hgvsp_short) == (consequence, hgvsc, hgvsp)


def test_deletion_of_the_whole_transcript(with_fasta, ref_files):
    seq = ref_files[2]
    effect = with_fasta.predict("chr1", 9000, seq[8999:12000], seq[8999])
    assert (effect.gene, effect.consequence, effect.impact) == (
        "GENEP", "transcript_ablation", "HIGH")


def test_non_coding_transcript_uses_n_positions(tmp_path):
    attrs = ('gene_id "ENSG00000000003.1"; transcript_id "ENST00000000003.1"; '
             'gene_type "lncRNA"; gene_name "LNC1"; transcript_type "lncRNA"; '
             'tag "Ensembl_canonical";')
    rows = [f"chr3\tHAVANA\t{kind}\t{s}\t{e}\t.\t+\t.\t{attrs}\n"
            for kind, s, e in (("transcript", 1000, 1300), ("exon", 1000, 1100),
                               ("exon", 1201, 1300))]
    path = tmp_path / "lnc.gtf"
    path.write_text("".join(rows))
    predictor = Predictor(path)
    exonic = predictor.predict("chr3", 1210, "A", "G")
    assert (exonic.consequence, exonic.variant_classification, exonic.hgvsc, exonic.exon) == (
        "non_coding_transcript_exon_variant", "RNA", "n.111A>G", "2/2")
    intronic = predictor.predict("chr3", 1110, "A", "G")
    assert (intronic.consequence, intronic.hgvsc) == ("intron_variant", "n.101+10A>G")


def test_unusable_fasta_is_a_clear_error(ref_files, tmp_path):
    packed = tmp_path / "g.fa.gz"
    with gzip.open(packed, "wt") as handle:
        handle.write(">chr1\nACGT\n")
    with pytest.raises(LenallInputError, match="FASTA"):
        Predictor(ref_files[0], packed)
    with pytest.raises(LenallInputError, match="not found"):
        Predictor(ref_files[0], tmp_path / "missing.fa")


def test_cli_truncated_gtf_prints_one_line_and_exits_2(tmp_path, capsys):
    from lenall_genomics.cli import main

    whole = gzip.compress(gtf_text().encode())
    gtf = tmp_path / "cut.gtf.gz"
    gtf.write_bytes(whole[:len(whole) // 2])
    vcf = tmp_path / "raw.vcf"
    vcf.write_text(VCF_HEADER + "chr1\t10038\t.\tG\tA\t.\tPASS\t.\tGT:AD:DP:AF\t0/1:60,40:100:0.4\n")
    with pytest.raises(SystemExit) as done:
        main(["variants", "--sample", "T1", "--outdir", str(tmp_path / "o"), "--vcf", str(vcf),
              "--gtf", str(gtf)])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "truncated" in err[0]
