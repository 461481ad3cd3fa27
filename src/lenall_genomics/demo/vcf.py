"""Demo VCFs in the shapes the callers write: GATK Mutect2 + FilterMutectCalls annotated with
Ensembl VEP (paired and tumour-only), VarDict single-sample annotated with snpEff, Manta somatic SV.

Header lines follow the real files in the public examples (GATK sorts its header lines by key;
VEP appends its own; Manta writes its fixed set).
"""

from __future__ import annotations

import math
import random

from .annotation import ANN_FIELDS, CSQ_FIELDS, ann_entries, csq_entries, lof_entry
from .calls import Record
from .design import DemoSample, Design

CHRM_LENGTH = 16569  # GRCh38 chrM (rCRS)

MUTECT_FILTERS = (
    ("PASS", "Site contains at least one allele that passes filters"),
    ("base_qual", "alt median base quality"),
    ("clustered_events", "Clustered events observed in the tumor"),
    ("contamination", "contamination"),
    ("duplicate", "evidence for alt allele is overrepresented by apparent duplicates"),
    ("fragment", "abs(ref - alt) median fragment length"),
    ("germline", "Evidence indicates this site is germline, not somatic"),
    ("haplotype", "Variant near filtered variant on same haplotype."),
    ("low_allele_frac", "Allele fraction is below specified threshold"),
    ("map_qual", "ref - alt median mapping quality"),
    ("multiallelic", "Site filtered because too many alt alleles pass tumor LOD"),
    ("n_ratio", "Ratio of N to alt exceeds specified ratio"),
    ("normal_artifact", "artifact_in_normal"),
    ("orientation", "orientation bias detected by the orientation bias mixture model"),
    ("panel_of_normals", "Blacklisted site in panel of normals"),
    ("position", "median distance of alt variants from end of reads"),
    ("possible_numt", "Allele depth is below expected coverage of NuMT in autosome"),
    ("slippage", "Site filtered due to contraction of short tandem repeat region"),
    ("strand_bias", "Evidence for alt allele comes from one read direction only"),
    ("strict_strand", "Evidence for alt allele is not represented in both directions"),
    ("weak_evidence", "Mutation does not meet likelihood threshold"),
)
MUTECT_FORMATS = (
    ("AD", "R", "Integer", "Allelic depths for the ref and alt alleles in the order listed"),
    ("AF", "A", "Float", "Allele fractions of alternate alleles in the tumor"),
    ("DP", "1", "Integer",
     "Approximate read depth (reads with MQ=255 or with bad mates are filtered)"),
    ("F1R2", "R", "Integer", "Count of reads in F1R2 pair orientation supporting each allele"),
    ("F2R1", "R", "Integer", "Count of reads in F2R1 pair orientation supporting each allele"),
    ("GT", "1", "String", "Genotype"),
    ("SB", "4", "Integer", "Per-sample component statistics which comprise the Fisher's Exact "
                           "Test to detect strand bias."),
)
MUTECT_INFOS = (
    ("DP", "1", "Integer", "Approximate read depth; some reads may have been filtered"),
    ("ECNT", "1", "Integer", "Number of events in this haplotype"),
    ("GERMQ", "1", "Integer", "Phred-scaled quality that alt alleles are not germline variants"),
    ("MBQ", "R", "Integer", "median base quality by allele"),
    ("MFRL", "R", "Integer", "median fragment length by allele"),
    ("MMQ", "R", "Integer", "median mapping quality by allele"),
    ("MPOS", "A", "Integer", "median distance from end of read"),
    ("NALOD", "A", "Float",
     "Negative log 10 odds of artifact in normal with same allele fraction as tumor"),
    ("NLOD", "A", "Float", "Normal log 10 likelihood ratio of diploid het or hom alt genotypes"),
    ("PON", "0", "Flag", "site found in panel of normals"),
    ("POPAF", "A", "Float", "negative log 10 population allele frequencies of alt alleles"),
    ("TLOD", "A", "Float",
     "Log 10 likelihood ratio score of variant existing versus not existing"),
)
VEP_VERSION_LINE = ('##VEP="v110" time="2024-01-08 09:44:17" cache="/data/homo_sapiens/'
                    '110_GRCh38" ensembl-variation=110.d34d25e ensembl-io=110.b1a0d57 '
                    'ensembl-funcgen=110.24e6da6 ensembl=110.584a8f3 1000genomes="phase3" '
                    'COSMIC="97" ClinVar="202301" assembly="GRCh38.p14" dbSNP="154" '
                    'gencode="GENCODE 44" genebuild="2014-07" gnomADe="r2.1.1" '
                    'gnomADg="v3.1.2" polyphen="2.2.3" regbuild="1.0" sift="6.2.1"')


def contig_lines(design: Design) -> list[str]:
    from ..genome import chromosomes

    lines = [f"##contig=<ID=chr{c.name},length={c.length},assembly=GRCh38>"
             for c in chromosomes("GRCh38").values()]
    return lines + [f"##contig=<ID=chrM,length={CHRM_LENGTH},assembly=GRCh38>"]


def _meta(kind: str, items) -> list[str]:
    return [f'##{kind}=<ID={i},Number={n},Type={t},Description="{d}">' for i, n, t, d in items]


def _popaf(value: float | None, paired: bool) -> str:
    if value is None:
        return "6.00" if paired else "7.30"  # Mutect2 default AF for alleles absent from gnomAD
    return f"{-math.log10(value):.2f}"


def _split(count: int, rng: random.Random) -> tuple[int, int]:
    first = round(count * rng.uniform(0.4, 0.6))
    return first, count - first


def _mutect_sample(ad: list[int], tumour: bool, rng: random.Random) -> str:
    depth = sum(ad)
    alts = ad[1:]
    if tumour:
        afs = [f"{a / depth:.3f}" if a else f"{1 / (depth + 2):.3e}" for a in alts]
    else:
        afs = [f"{(a + 0.5) / (depth + 1):.3f}" if a else f"{1 / (depth + 2):.3e}" for a in alts]
    ncall = len(ad)
    gt = "/".join(str(i) for i in range(ncall)) if tumour or any(alts) else "0/0"
    if not tumour and any(alts):
        gt = "0/" + "/".join(str(i + 1) for i, a in enumerate(alts) if a) or "0/0"
    f1r2, f2r1 = zip(*(_split(c, rng) for c in ad), strict=True)
    ref_f, ref_r = _split(ad[0], rng)
    alt_f, alt_r = _split(sum(alts), rng)
    return ":".join([gt, ",".join(map(str, ad)), ",".join(afs), str(depth),
                     ",".join(map(str, f1r2)), ",".join(map(str, f2r1)),
                     f"{ref_f},{ref_r},{alt_f},{alt_r}"])


def _mutect_info(record: Record, paired: bool, csq: list[str], rng: random.Random) -> str:
    n_alts = len(record.alts)
    depth = sum(record.t_ad) + (sum(record.n_ad) if record.n_ad else 0)
    germline = record.filter == "germline" or (record.popaf[0] or 0) > 0.001
    info = [f"DP={depth}", f"ECNT={rng.randint(1, 2)}",
            f"GERMQ={1 if germline else rng.randint(60, 93)}",
            "MBQ=" + ",".join(str(rng.randint(20, 37)) for _ in range(n_alts + 1)),
            "MFRL=" + ",".join(str(rng.randint(140, 200)) for _ in range(n_alts + 1)),
            "MMQ=" + ",".join("60" for _ in range(n_alts + 1)),
            "MPOS=" + ",".join(str(rng.randint(15, 40)) for _ in range(n_alts))]
    if paired and record.n_ad:
        n_depth = sum(record.n_ad)
        nalod = [f"{(-1.5 * a + 0.01 * n_depth):.2f}" for a in record.n_ad[1:]]
        nlod = [f"{(0.15 * n_depth - 2.5 * a):.2f}" for a in record.n_ad[1:]]
        info += ["NALOD=" + ",".join(nalod), "NLOD=" + ",".join(nlod)]
    if "PON" in record.info:
        info.append("PON")
    info.append("POPAF=" + ",".join(_popaf(p, paired) for p in record.popaf))
    info.append("TLOD=" + ",".join(f"{2.9 * a + 0.3:.2f}" for a in record.t_ad[1:]))
    info.append("CSQ=" + ",".join(csq))
    return ";".join(info)


def mutect2_vcf(design: Design, sample: DemoSample, records: list[Record]) -> str:
    paired = bool(sample.normal)
    rng = random.Random(f"lenall-demo mutect2 {sample.sample}")
    lines = ["##fileformat=VCFv4.2"]
    lines += [f'##FILTER=<ID={i},Description="{d}">' for i, d in MUTECT_FILTERS]
    lines += _meta("FORMAT", MUTECT_FORMATS)
    normal_arg = f"--normal-sample {sample.normal} " if paired else ""
    lines.append(f'##GATKCommandLine=<ID=FilterMutectCalls,CommandLine="FilterMutectCalls '
                 f'--output {sample.sample}.filtered.vcf.gz --variant {sample.sample}.vcf.gz '
                 f'--reference Homo_sapiens_assembly38.fasta",Version="4.2.6.1">')
    lines.append(f'##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2 {normal_arg}'
                 f'--germline-resource af-only-gnomad.hg38.vcf.gz --panel-of-normals '
                 f'1000g_pon.hg38.vcf.gz --output {sample.sample}.vcf.gz --input '
                 f'{sample.sample}.bam' + (f" --input {sample.normal}.bam" if paired else "")
                 + ' --reference Homo_sapiens_assembly38.fasta",Version="4.2.6.1">')
    infos = [i for i in MUTECT_INFOS if paired or i[0] not in ("NALOD", "NLOD")]
    lines += _meta("INFO", infos)
    lines.append("##MutectVersion=2.2")
    lines += contig_lines(design)
    if paired:
        lines.append(f"##normal_sample={sample.normal}")
    lines.append("##reference=file:///references/Homo_sapiens_assembly38.fasta")
    lines.append("##source=FilterMutectCalls")
    lines.append(f"##tumor_sample={sample.sample}")
    lines.append(VEP_VERSION_LINE)
    lines.append('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
                 'Ensembl VEP. Format: ' + "|".join(CSQ_FIELDS) + '">')
    lines.append("##VEP-command-line='vep --af --af_gnomade --assembly GRCh38 --cache_version 110 "
                 "--canonical --check_existing --hgvs --mane --max_af --offline --protein "
                 "--symbol --variant_class --vcf'")
    columns = [sample.normal, sample.sample] if paired else [sample.sample]
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", *columns]))
    for record in records:
        csq = []
        for alt, planned, popaf in zip(record.alts, record.planned, record.popaf, strict=True):
            if planned is not None:
                csq += csq_entries(record.ref, alt, planned, design, popaf,
                                   f"{record.chrom}:{record.pos}:{alt}")
        samples = [_mutect_sample(record.t_ad, True, rng)]
        if paired:
            samples.insert(0, _mutect_sample(record.n_ad or [0, 0], False, rng))
        lines.append("\t".join([f"chr{record.chrom}", str(record.pos), ".", record.ref,
                                ",".join(record.alts), ".", record.filter,
                                _mutect_info(record, paired, csq, rng),
                                "GT:AD:AF:DP:F1R2:F2R1:SB", *samples]))
    return "\n".join(lines) + "\n"


VARDICT_HEADER = """##fileformat=VCFv4.2
##source=VarDict_v1.8.2
##INFO=<ID=SAMPLE,Number=1,Type=String,Description="Sample name (with whitespace translated to underscores)">
##INFO=<ID=TYPE,Number=1,Type=String,Description="Variant Type: SNV Insertion Deletion Complex">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Total Depth">
##INFO=<ID=END,Number=1,Type=Integer,Description="Chr End Position">
##INFO=<ID=VD,Number=1,Type=Integer,Description="Variant Depth">
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele Frequency">
##INFO=<ID=BIAS,Number=1,Type=String,Description="Strand Bias Info">
##INFO=<ID=REFBIAS,Number=1,Type=String,Description="Reference depth by strand">
##INFO=<ID=VARBIAS,Number=1,Type=String,Description="Variant depth by strand">
##INFO=<ID=PMEAN,Number=1,Type=Float,Description="Mean position in reads">
##INFO=<ID=PSTD,Number=1,Type=Float,Description="Position STD in reads">
##INFO=<ID=QUAL,Number=1,Type=Float,Description="Mean quality score in reads">
##INFO=<ID=QSTD,Number=1,Type=Float,Description="Quality score STD in reads">
##INFO=<ID=SBF,Number=1,Type=Float,Description="Strand Bias Fisher p-value">
##INFO=<ID=ODDRATIO,Number=1,Type=Float,Description="Strand Bias Odds ratio">
##INFO=<ID=MQ,Number=1,Type=Float,Description="Mean Mapping Quality">
##INFO=<ID=SN,Number=1,Type=Float,Description="Signal to noise">
##INFO=<ID=HIAF,Number=1,Type=Float,Description="Allele frequency using only high quality bases">
##INFO=<ID=ADJAF,Number=1,Type=Float,Description="Adjusted AF for indels due to local realignment">
##INFO=<ID=SHIFT3,Number=1,Type=Integer,Description="No. of bases to be shifted to 3 prime for deletions due to alternative alignment">
##INFO=<ID=MSI,Number=1,Type=Float,Description="MicroSatellite. > 1 indicates MSI">
##INFO=<ID=MSILEN,Number=1,Type=Float,Description="MicroSatellite unit length in bp">
##INFO=<ID=NM,Number=1,Type=Float,Description="Mean mismatches in reads">
##INFO=<ID=LSEQ,Number=1,Type=String,Description="5' flanking seq">
##INFO=<ID=RSEQ,Number=1,Type=String,Description="3' flanking seq">
##INFO=<ID=HICNT,Number=1,Type=Integer,Description="High quality variant reads">
##INFO=<ID=HICOV,Number=1,Type=Integer,Description="High quality total reads">
##INFO=<ID=SPLITREAD,Number=1,Type=Integer,Description="No. of split reads supporting SV">
##INFO=<ID=SPANPAIR,Number=1,Type=Integer,Description="No. of pairs supporting SV">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type: INV DUP DEL INS FUS">
##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="The length of SV in bp">
##INFO=<ID=DUPRATE,Number=1,Type=Float,Description="Duplication rate in fraction">
##FILTER=<ID=q22.5,Description="Mean Base Quality Below 22.5">
##FILTER=<ID=Q10,Description="Mean Mapping Quality Below 10">
##FILTER=<ID=p8,Description="Mean Position in Reads Less than 8">
##FILTER=<ID=SN1.5,Description="Signal to Noise Less than 1.5">
##FILTER=<ID=Bias,Description="Strand Bias">
##FILTER=<ID=pSTD,Description="Position in Reads has STD of 0">
##FILTER=<ID=d3,Description="Total Depth < 3">
##FILTER=<ID=v2,Description="Var Depth < 2">
##FILTER=<ID=f0.02,Description="Allele frequency < 0.02">
##FILTER=<ID=MSI12,Description="Variant in MSI region with 12 non-monomer MSI or 13 monomer MSI">
##FILTER=<ID=NM5.25,Description="Mean mismatches in reads >= 5.25, thus likely false positive">
##FILTER=<ID=InGap,Description="The variant is in the deletion gap, thus likely false positive">
##FILTER=<ID=InIns,Description="The variant is adjacent to an insertion variant">
##FILTER=<ID=Cluster0bp,Description="Two variants are within 0 bp">
##FILTER=<ID=LongMSI,Description="The somatic variant is flanked by long A/T (>=14)">
##FILTER=<ID=AMPBIAS,Description="Indicate the variant has amplicon bias.">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Total Depth">
##FORMAT=<ID=VD,Number=1,Type=Integer,Description="Variant Depth">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele Frequency">
##FORMAT=<ID=RD,Number=2,Type=Integer,Description="Reference forward, reverse reads">
##FORMAT=<ID=ALD,Number=2,Type=Integer,Description="Variant forward, reverse reads">"""
SNPEFF_LINES = (
    '##SnpEffVersion="5.1d (build 2022-04-19 15:49), by Pablo Cingolani"',
    '##SnpEffCmd="SnpEff  -noStats GRCh38.99 "',
    f"##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: '{ANN_FIELDS}' \">",
    "##INFO=<ID=LOF,Number=.,Type=String,Description=\"Predicted loss of function effects for "
    "this variant. Format: 'Gene_Name | Gene_ID | Number_of_transcripts_in_gene | "
    "Percent_of_transcripts_affected'\">",
)


def _flank(rng: random.Random) -> str:
    return "".join(rng.choice("ACGT") for _ in range(20))


def vardict_vcf(design: Design, sample: DemoSample, records: list[Record]) -> str:
    rng = random.Random(f"lenall-demo vardict {sample.sample}")
    lines = VARDICT_HEADER.split("\n") + contig_lines(design) + list(SNPEFF_LINES)
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", sample.sample]))
    for record in records:
        ref_n, alt_n = record.t_ad[0], record.t_ad[1]
        depth = ref_n + alt_n
        af = alt_n / depth
        alt = record.alts[0]
        symbolic = alt.startswith("<")
        vtype = (record.info.get("SVTYPE", "DEL") if symbolic else
                 "SNV" if len(record.ref) == len(alt) == 1 else
                 "Deletion" if len(record.ref) > len(alt) else "Insertion")
        rf, rr = _split(ref_n, rng)
        af_, ar = _split(alt_n, rng)
        end = record.info.get("END", str(record.pos + len(record.ref) - 1))
        info = [f"SAMPLE={sample.sample}", f"TYPE={vtype}", f"DP={depth}", f"END={end}",
                f"VD={alt_n}", f"AF={af:.4f}", "BIAS=2:2", f"REFBIAS={rf}:{rr}",
                f"VARBIAS={af_}:{ar}", f"PMEAN={rng.uniform(18, 38):.1f}", "PSTD=1",
                f"QUAL={rng.uniform(30, 37):.1f}", "QSTD=1", f"SBF={rng.uniform(0.2, 1):.5f}",
                f"ODDRATIO={rng.uniform(0.8, 1.3):.5f}", "MQ=60.0",
                f"SN={rng.uniform(20, 80):.3f}", f"HIAF={af:.4f}", "ADJAF=0", "SHIFT3=0",
                "MSI=1", "MSILEN=1", f"NM={rng.uniform(0.5, 1.5):.1f}", f"HICNT={alt_n}",
                f"HICOV={depth}", f"LSEQ={_flank(rng)}", f"RSEQ={_flank(rng)}", "DUPRATE=0",
                "SPLITREAD=0", "SPANPAIR=0"]
        if symbolic:
            info += [f"SVTYPE={record.info['SVTYPE']}", f"SVLEN={record.info['SVLEN']}"]
        planned = record.planned[0]
        if planned is not None:
            info.append("ANN=" + ",".join(ann_entries(record.ref, alt, planned, design)))
            lof = lof_entry(planned, design)
            if lof:
                info.append(f"LOF={lof}")
        gt = "1/1" if af >= 0.9 else "0/1"
        fmt = f"{gt}:{depth}:{alt_n}:{ref_n},{alt_n}:{af:.4f}:{rf},{rr}:{af_},{ar}"
        qual = f"{min(250, 5 + 0.8 * alt_n):.0f}"
        lines.append("\t".join([f"chr{record.chrom}", str(record.pos), ".", record.ref, alt, qual,
                                record.filter, ";".join(info), "GT:DP:VD:AD:AF:RD:ALD", fmt]))
    return "\n".join(lines) + "\n"


MANTA_HEADER = """##fileformat=VCFv4.1
##source=GenerateSVCandidates 1.6.0
##reference=file:///references/Homo_sapiens_assembly38.fasta
##INFO=<ID=IMPRECISE,Number=0,Type=Flag,Description="Imprecise structural variation">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">
##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Difference in length between REF and ALT alleles">
##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant described in this record">
##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="Confidence interval around POS">
##INFO=<ID=CIEND,Number=2,Type=Integer,Description="Confidence interval around END">
##INFO=<ID=CIGAR,Number=A,Type=String,Description="CIGAR alignment for each alternate indel allele">
##INFO=<ID=MATEID,Number=.,Type=String,Description="ID of mate breakend">
##INFO=<ID=EVENT,Number=1,Type=String,Description="ID of event associated to breakend">
##INFO=<ID=HOMLEN,Number=.,Type=Integer,Description="Length of base pair identical homology at event breakpoints">
##INFO=<ID=HOMSEQ,Number=.,Type=String,Description="Sequence of base pair identical homology at event breakpoints">
##INFO=<ID=SVINSLEN,Number=.,Type=Integer,Description="Length of insertion">
##INFO=<ID=SVINSSEQ,Number=.,Type=String,Description="Sequence of insertion">
##INFO=<ID=BND_DEPTH,Number=1,Type=Integer,Description="Read depth at local translocation breakend">
##INFO=<ID=MATE_BND_DEPTH,Number=1,Type=Integer,Description="Read depth at remote translocation mate breakend">
##INFO=<ID=SOMATIC,Number=0,Type=Flag,Description="Somatic mutation">
##INFO=<ID=SOMATICSCORE,Number=1,Type=Integer,Description="Somatic variant quality score">
##INFO=<ID=JUNCTION_SOMATICSCORE,Number=1,Type=Integer,Description="If the SV junctino is part of an EVENT (ie. a multi-adjacency variant), this field provides the SOMATICSCORE value for the adjacency in question only">
##FORMAT=<ID=PR,Number=.,Type=Integer,Description="Spanning paired-read support for the ref and alt alleles in the order listed">
##FORMAT=<ID=SR,Number=.,Type=Integer,Description="Split reads for the ref and alt alleles in the order listed, for reads where P(allele|read)>0.999">
##FILTER=<ID=MaxDepth,Description="Normal sample site depth is greater than 3x the median chromosome depth near one or both variant breakends">
##FILTER=<ID=MinSomaticScore,Description="Somatic score is less than 30">
##FILTER=<ID=MaxMQ0Frac,Description="For a small variant (<1000 bases) in the normal sample, the fraction of reads with MAPQ0 around either breakend exceeds 0.4">
##ALT=<ID=DEL,Description="Deletion">
##ALT=<ID=INS,Description="Insertion">
##ALT=<ID=DUP:TANDEM,Description="Tandem Duplication">"""

# BCR intron 14 (M-bcr, e14a2) joined to ABL1 intron 1 (GRCh38 = Arriba's GRCh37 BCR::ABL1
# example breakpoints shifted by each gene's GRCh37->GRCh38 offset, moved into the introns).
MANTA_RECORDS = (
    # chrom, pos, id, ref, alt, filter, info, normal PR:SR, tumour PR:SR
    ("chr9", 130823683, "MantaBND:4411:0:1:0:0:0:1", "G", "]chr22:23290413]G", "PASS",
     "SVTYPE=BND;MATEID=MantaBND:4411:0:1:0:0:0:0;SOMATIC;SOMATICSCORE=187;BND_DEPTH=61;"
     "MATE_BND_DEPTH=58", "62,0:71,0", "38,27:44,31"),
    ("chr9", 130823690, "MantaBND:4411:0:1:1:0:0:0", "T", "T[chr22:23290420[", "PASS",
     "SVTYPE=BND;MATEID=MantaBND:4411:0:1:1:0:0:1;SOMATIC;SOMATICSCORE=141;BND_DEPTH=63;"
     "MATE_BND_DEPTH=55", "60,0:69,0", "41,19:47,22"),
    ("chr12", 6512004, "MantaDEL:1820:0:1:0:0:0", "C", "<DEL>", "PASS",
     "END=6514310;SVTYPE=DEL;SVLEN=-2306;IMPRECISE;CIPOS=-141,142;CIEND=-120,121;SOMATIC;"
     "SOMATICSCORE=44", "48,0", "37,9"),
    ("chr17", 42101555, "MantaBND:5120:0:2:0:0:0:0", "A", "A[chr5:151031770[", "MinSomaticScore",
     "SVTYPE=BND;MATEID=MantaBND:5120:0:2:0:0:0:1;IMPRECISE;CIPOS=-158,158;SOMATIC;"
     "SOMATICSCORE=14;BND_DEPTH=52;MATE_BND_DEPTH=47", "55,1", "49,5"),
    ("chr22", 23290413, "MantaBND:4411:0:1:0:0:0:0", "A", "A[chr9:130823683[", "PASS",
     "SVTYPE=BND;MATEID=MantaBND:4411:0:1:0:0:0:1;SOMATIC;SOMATICSCORE=187;BND_DEPTH=58;"
     "MATE_BND_DEPTH=61", "62,0:71,0", "38,27:44,31"),
    ("chr22", 23290420, "MantaBND:4411:0:1:1:0:0:1", "C", "]chr9:130823690]C", "PASS",
     "SVTYPE=BND;MATEID=MantaBND:4411:0:1:1:0:0:0;SOMATIC;SOMATICSCORE=141;BND_DEPTH=55;"
     "MATE_BND_DEPTH=63", "60,0:69,0", "41,19:47,22"),
    ("chr5", 151031770, "MantaBND:5120:0:2:0:0:0:1", "G", "]chr17:42101555]G", "MinSomaticScore",
     "SVTYPE=BND;MATEID=MantaBND:5120:0:2:0:0:0:0;IMPRECISE;CIPOS=-158,158;SOMATIC;"
     "SOMATICSCORE=14;BND_DEPTH=47;MATE_BND_DEPTH=52", "55,1", "49,5"),
)


def manta_vcf(design: Design, sample: DemoSample) -> str:
    from .design import chrom_rank

    lines = MANTA_HEADER.split("\n")
    lines += contig_lines(design)
    lines.append(f"##cmdline=configManta.py --normalBam {sample.normal}.bam --tumorBam "
                 f"{sample.sample}.bam --referenceFasta Homo_sapiens_assembly38.fasta")
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO",
                            "FORMAT", sample.normal, sample.sample]))
    for rec in sorted(MANTA_RECORDS, key=lambda r: (chrom_rank(r[0][3:]), r[1])):
        chrom, pos, ident, ref, alt, filt, info, normal, tumour = rec
        fmt = "PR:SR" if normal.count(":") else "PR"
        lines.append("\t".join([chrom, str(pos), ident, ref, alt, ".", filt, info, fmt, normal,
                                tumour]))
    return "\n".join(lines) + "\n"
