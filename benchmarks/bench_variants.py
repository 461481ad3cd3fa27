"""Benchmark of `lenall variants` on a generated tumour-only Mutect2 + VEP VCF.

Prints records/s of run_variants against a bare cyvcf2 loop that only reads every record of the
same file (target ratio >= 0.5), and the peak RSS of each, at 100k and 1M records: the peak must
not grow with the record count. The variants step is measured twice: alone (`run_variants` in a
process of its own) and inside `lenall run --cores 2` on a one-sample samplesheet (its time from
pipeline_info/trace.tsv), where the cohort steps that follow share the machine. Each measurement runs in its own subprocess, which reports its
own peak RSS (resource.getrusage; `lenall variants` decides large VCFs in 2 worker processes,
whose largest peak is printed too), so runs do not share memory.

The generated file has the shape of FilterMutectCalls output for a tumour-only panel/exome run:
mostly non-PASS records (weak_evidence, germline, strand_bias, clustered_events, ...), SNVs,
indels and a few multi-allelic sites, the usual Mutect2 INFO/FORMAT fields, and a VEP CSQ with
several transcripts (some with gnomAD frequencies) on most but not all records.

    python benchmarks/bench_variants.py [--records 1000000] [--small 100000] [--keep FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 0.5
RSS_GROWTH_TARGET = 1.25

CSQ = ("Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|"
       "HGVSp|cDNA_position|CDS_position|Protein_position|Amino_acids|Codons|Existing_variation|"
       "DISTANCE|STRAND|FLAGS|VARIANT_CLASS|SYMBOL_SOURCE|HGNC_ID|CANONICAL|MANE_SELECT|ENSP|"
       "gnomADe_AF|gnomADe_AFR_AF|gnomADe_NFE_AF|MAX_AF|MAX_AF_POPS|CLIN_SIG|SOMATIC")
CONTIGS = (("chr1", 248956422), ("chr2", 242193529), ("chr3", 198295559), ("chr4", 190214555),
           ("chr5", 181538259), ("chr6", 170805979), ("chr7", 159345973), ("chr8", 145138636),
           ("chr9", 138394717), ("chr10", 133797422), ("chr11", 135086622), ("chr12", 133275309),
           ("chr13", 114364328), ("chr14", 107043718), ("chr15", 101991189),
           ("chr16", 90338345), ("chr17", 83257441), ("chr18", 80373285), ("chr19", 58617616),
           ("chr20", 64444167), ("chr21", 46709983), ("chr22", 50818468), ("chrX", 156040895))
FILTERS = ("base_qual", "clustered_events", "germline", "haplotype", "map_qual", "multiallelic",
           "normal_artifact", "panel_of_normals", "slippage", "strand_bias", "weak_evidence")
_FILTER_LINES = "".join(f'##FILTER=<ID={f},Description="{f}">\n' for f in FILTERS)
_CONTIG_LINES = "".join(f"##contig=<ID={c},length={n}>\n" for c, n in CONTIGS)
HEADER = f"""##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
{_FILTER_LINES}##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles in the order listed">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fractions of alternate alleles in the tumor">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">
##FORMAT=<ID=F1R2,Number=R,Type=Integer,Description="Count of reads in F1R2 pair orientation supporting each allele">
##FORMAT=<ID=F2R1,Number=R,Type=Integer,Description="Count of reads in F2R1 pair orientation supporting each allele">
##FORMAT=<ID=FAD,Number=R,Type=Integer,Description="Count of fragments supporting each allele.">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=SB,Number=4,Type=Integer,Description="Per-sample component statistics which comprise the Fisher's Exact Test to detect strand bias.">
##GATKCommandLine=<ID=Mutect2,CommandLine="Mutect2 --tumor-sample BENCH-T --germline-resource af-only-gnomad.hg38.vcf.gz --output BENCH-T.vcf.gz",Version="4.2.6.1">
##INFO=<ID=AS_SB_TABLE,Number=1,Type=String,Description="Allele-specific forward/reverse read counts for strand bias tests.">
##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth; some reads may have been filtered">
##INFO=<ID=ECNT,Number=1,Type=Integer,Description="Number of events in this haplotype">
##INFO=<ID=GERMQ,Number=1,Type=Integer,Description="Phred-scaled quality that alt alleles are not germline variants">
##INFO=<ID=MBQ,Number=R,Type=Integer,Description="median base quality by allele">
##INFO=<ID=MFRL,Number=R,Type=Integer,Description="median fragment length by allele">
##INFO=<ID=MMQ,Number=R,Type=Integer,Description="median mapping quality by allele">
##INFO=<ID=MPOS,Number=A,Type=Integer,Description="median distance from end of read">
##INFO=<ID=POPAF,Number=A,Type=Float,Description="negative log 10 population allele frequencies of alt alleles">
##INFO=<ID=TLOD,Number=A,Type=Float,Description="Log 10 likelihood ratio score of variant existing versus not existing">
##MutectVersion=2.2
##filtering_status=These calls have been filtered by FilterMutectCalls to label false positives with a list of failed filters and true positives with PASS.
##source=FilterMutectCalls
##source=Mutect2
##tumor_sample=BENCH-T
{_CONTIG_LINES}##VEP="v110" time="2023-08-01 10:00:00" cache="homo_sapiens/110_GRCh38" assembly="GRCh38"
##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: {CSQ}">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tBENCH-T
"""
# (consequence, impact, protein change?) as VEP writes them; weights roughly as in a panel run
CONSEQUENCES = (("intron_variant", "MODIFIER", False), ("missense_variant", "MODERATE", True),
                ("synonymous_variant", "LOW", True), ("3_prime_UTR_variant", "MODIFIER", False),
                ("upstream_gene_variant", "MODIFIER", False),
                ("splice_region_variant&intron_variant", "LOW", False),
                ("stop_gained", "HIGH", True), ("downstream_gene_variant", "MODIFIER", False))
INDEL_CONSEQUENCES = (("frameshift_variant", "HIGH", True), ("inframe_deletion", "MODERATE", True),
                      ("intron_variant", "MODIFIER", False))
DRIVERS = ("TP53", "KRAS", "NRAS", "TET2", "RB1", "CREBBP", "IKZF1", "CDKN2A", "DNMT3A", "CRLF2")
AA = ("Ala", "Arg", "Asn", "Asp", "Cys", "Gln", "Glu", "Gly", "His", "Ile", "Leu", "Lys", "Met",
      "Phe", "Pro", "Ser", "Thr", "Trp", "Tyr", "Val")


def _csq_entry(rng: random.Random, allele: str, gene: str, gene_n: int, tx: int, cons: tuple,
               canonical: bool, pop: str, kind: str) -> str:
    term, impact, protein = cons
    codon = rng.randint(1, 400)
    hgvsc = f"ENST{tx:011d}.{tx % 9 + 1}:c.{codon * 3 - 1}G>A"
    hgvsp = ""
    if protein:
        ref_aa = AA[codon % 20]
        if term == "stop_gained":
            alt_aa = "Ter"
        elif term == "synonymous_variant":
            alt_aa = "%3D"
        elif term == "frameshift_variant":
            alt_aa = f"{AA[(codon + 3) % 20]}fsTer{codon % 30 + 2}"
        elif term == "inframe_deletion":
            alt_aa = "del"
        else:
            alt_aa = AA[(codon + 7) % 20]
        hgvsp = f"ENSP{tx:011d}.1:p.{ref_aa}{codon}{alt_aa}"
    return "|".join((allele, term, impact, gene, f"ENSG{gene_n:011d}", "Transcript",
                     f"ENST{tx:011d}", "protein_coding", f"{codon % 11 + 1}/12", "", hgvsc, hgvsp,
                     str(codon * 3 + 40), str(codon * 3 - 1), str(codon) if protein else "",
                     "", "", "", "", "1", "", kind, "HGNC", f"HGNC:{gene_n}",
                     "YES" if canonical else "", f"NM_{tx:06d}.4" if canonical else "",
                     f"ENSP{tx:011d}", pop, pop, pop, pop, "gnomADe_NFE" if pop else "", "", ""))


def _csq(rng: random.Random, alleles: list[str], kind: str, indel: bool) -> str:
    """1-5 transcripts of one or two genes for each allele."""
    gene_n = rng.randint(1, 3000)
    gene = DRIVERS[gene_n % len(DRIVERS)] if gene_n % 50 == 0 else f"GENE{gene_n}"
    pop = f"{rng.random() / 10:.4g}" if rng.random() < 0.3 else ""
    entries = []
    for allele in alleles:
        for t in range(rng.choice((1, 1, 1, 2, 3))):
            cons = rng.choice(INDEL_CONSEQUENCES if indel else CONSEQUENCES)
            entries.append(_csq_entry(rng, allele, gene, gene_n, gene_n * 10 + t, cons, t == 0,
                                      pop, kind))
        if rng.random() < 0.2:
            entries.append(_csq_entry(rng, allele, f"LINC{gene_n}", gene_n + 5000,
                                      gene_n * 10 + 7, ("upstream_gene_variant", "MODIFIER", False),
                                      True, pop, kind))
    return ",".join(entries)


def _record(rng: random.Random, chrom: str, pos: int) -> str:
    bases = "ACGT"
    ref = rng.choice(bases)
    roll = rng.random()
    if roll < 0.86:
        alts, kind = [rng.choice(bases.replace(ref, ""))], "SNV"
    elif roll < 0.92:
        ref += "".join(rng.choice(bases) for _ in range(rng.randint(1, 6)))
        alts, kind = [ref[0]], "deletion"
    elif roll < 0.98:
        alts, kind = [ref + "".join(rng.choice(bases) for _ in range(rng.randint(1, 4)))], "insertion"
    else:  # multi-allelic: a deletion and an SNV, or two deletions at a repeat
        ref += "TT"
        alts, kind = [ref[0], ref[0] + "T"], "deletion"
    depth = rng.randint(25, 700)
    model = rng.random()
    vaf = (rng.uniform(0.005, 0.04) if model < 0.55 else rng.uniform(0.04, 0.35) if model < 0.75
           else rng.gauss(0.5, 0.04) if model < 0.93 else rng.uniform(0.96, 1.0))
    alt_counts = [max(0, min(depth, round(depth * vaf)))]
    if len(alts) == 2:
        alt_counts = [alt_counts[0] // 2, alt_counts[0] - alt_counts[0] // 2]
    ref_count = max(depth - sum(alt_counts), 0)
    popaf = ",".join(f"{(rng.uniform(0.3, 3) if model > 0.75 and rng.random() < 0.8 else 6.0):.2f}"
                     for _ in alts)
    tlod = ",".join(f"{c * 2.9:.2f}" for c in alt_counts)
    if model < 0.55:
        filters = ["weak_evidence"]
    elif model > 0.75 and rng.random() < 0.7:
        filters = ["germline"]
    else:
        filters = []
    for name in ("strand_bias", "clustered_events", "haplotype", "base_qual", "map_qual",
                 "slippage" if kind != "SNV" else "panel_of_normals"):
        if rng.random() < 0.03:
            filters.append(name)
    if len(alts) == 2 and rng.random() < 0.5:
        filters.append("multiallelic")
    flt = ";".join(sorted(filters)) or "PASS"
    info = (f"AS_SB_TABLE={ref_count // 2},{ref_count - ref_count // 2}|"
            + "|".join(f"{c // 2},{c - c // 2}" for c in alt_counts)
            + f";DP={depth + rng.randint(0, 20)};ECNT={rng.randint(1, 3)};GERMQ={rng.randint(1, 93)}"
            f";MBQ={','.join('20' for _ in range(len(alts) + 1))}"
            f";MFRL={','.join(str(rng.randint(140, 200)) for _ in range(len(alts) + 1))}"
            f";MMQ={','.join('60' for _ in range(len(alts) + 1))}"
            f";MPOS={','.join(str(rng.randint(10, 40)) for _ in alts)};POPAF={popaf};TLOD={tlod}")
    if rng.random() < 0.85:
        vep = [a[1:] or "-" for a in alts] if kind != "SNV" else alts
        info += ";CSQ=" + _csq(rng, vep, kind, kind != "SNV")
    counts = [ref_count] + alt_counts
    ad = ",".join(map(str, counts))
    af = ",".join(f"{c / max(depth, 1):.3g}" for c in alt_counts)
    half = ",".join(str(c // 2) for c in counts)
    sb = f"{ref_count // 2},{ref_count - ref_count // 2},{sum(alt_counts) // 2},{sum(alt_counts) - sum(alt_counts) // 2}"
    gt = "0/1" if len(alts) == 1 else "0/1/2"
    return (f"{chrom}\t{pos}\t.\t{ref}\t{','.join(alts)}\t.\t{flt}\t{info}\t"
            f"GT:AD:AF:DP:F1R2:F2R1:FAD:SB\t{gt}:{ad}:{af}:{depth}:{half}:{half}:{ad}:{sb}\n")


def generate(path: Path, records: int, seed: int = 7) -> None:
    """A sorted, bgzipped tumour-only Mutect2 + VEP VCF with `records` records."""
    import pysam

    rng = random.Random(seed)
    plain = path.with_suffix("")
    total = sum(n for _, n in CONTIGS)
    with open(plain, "w", encoding="utf-8") as out:
        out.write(HEADER)
        written = 0
        for i, (chrom, length) in enumerate(CONTIGS):
            count = (records - written if i == len(CONTIGS) - 1
                     else round(records * length / total))
            step = max(2, (length - 20_000) // max(count, 1))
            pos = 10_000
            for _ in range(count):
                pos += rng.randint(1, step)
                out.write(_record(rng, chrom, pos))
            written += count
    pysam.tabix_compress(str(plain), str(path), force=True)
    plain.unlink()


CHILD = r"""
import json, resource, sys, time
mode, path, outdir = sys.argv[1:4]
start = time.perf_counter()
if mode == "bare":
    from cyvcf2 import VCF
    n = 0
    for variant in VCF(path):
        n += 1
else:
    from lenall_genomics.variants.pipeline import run_variants
    n = run_variants("BENCH-T", outdir, "GRCh38", vcf=path, purity=0.7)["records_read"]
elapsed = time.perf_counter() - start
print(json.dumps({"records": n, "seconds": elapsed,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_peak_rss_mb":
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(mode: str, path: Path, outdir: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, mode, str(path), str(outdir)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_in_run(path: Path, folder: Path) -> dict:
    """The variants task's time inside a whole `lenall run` of a one-sample samplesheet."""
    sheet = folder / "samplesheet.csv"
    folder.mkdir(parents=True, exist_ok=True)
    sheet.write_text("patient,sample,diagnosis,sex,vcf,purity\n"
                     f"BENCH,BENCH-T,B-ALL,female,{path},0.7\n", encoding="utf-8")
    out = folder / "results"
    subprocess.run([sys.executable, "-m", "lenall_genomics.cli", "run", "--samplesheet",
                    str(sheet), "--outdir", str(out), "--cores", "2", "--quiet"],
                   check=True, capture_output=True)
    with open(out / "pipeline_info" / "trace.tsv", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["step"] == "variants"]
    qc = json.loads((out / "samples" / "BENCH-T" / "BENCH-T.variants.qc.json").read_text())
    return {"records": qc["records_read"], "seconds": float(rows[0]["seconds"])}


def verdict(ratio: float) -> str:
    return f"(target >= {TARGET_RATIO}) {'ok' if ratio >= TARGET_RATIO else 'miss'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="also copy the largest generated VCF here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_variants.") as tmp:
        tmp_path = Path(tmp)
        peaks = {}
        for n in (args.small, args.records):
            vcf = tmp_path / f"tumor_only_{n}.vcf.gz"
            started = time.perf_counter()
            generate(vcf, n)
            print(f"generated {n:,} records in {time.perf_counter() - started:.1f} s", flush=True)
            bare = measure("bare", vcf, tmp_path / "bare")
            ours = measure("ours", vcf, tmp_path / f"out_{n}")
            in_run = measure_in_run(vcf, tmp_path / f"run_{n}")
            bare_rate = bare["records"] / bare["seconds"]
            our_rate = ours["records"] / ours["seconds"]
            run_rate = in_run["records"] / in_run["seconds"]
            peaks[n] = max(ours["peak_rss_mb"], ours["worker_peak_rss_mb"])
            workers = (f", largest worker {ours['worker_peak_rss_mb']:.0f} MB"
                       if ours["worker_peak_rss_mb"] else "")
            print(f"{n:>9,} records | bare cyvcf2 {bare_rate:>10,.0f} rec/s "
                  f"(peak RSS {bare['peak_rss_mb']:.0f} MB) | lenall variants "
                  f"{our_rate:>10,.0f} rec/s (peak RSS {ours['peak_rss_mb']:.0f} MB{workers}) | "
                  f"ratio {our_rate / bare_rate:.2f} {verdict(our_rate / bare_rate)}", flush=True)
            print(f"{n:>9,} records | variants step inside lenall run {run_rate:>10,.0f} rec/s | "
                  f"ratio {run_rate / bare_rate:.2f} {verdict(run_rate / bare_rate)}", flush=True)
            if args.keep and n == args.records:
                vcf.replace(args.keep)
            else:
                vcf.unlink()
        growth = peaks[args.records] / peaks[args.small]
        print(f"peak RSS {peaks[args.small]:.0f} MB at {args.small:,} records, "
              f"{peaks[args.records]:.0f} MB at {args.records:,}: growth x{growth:.2f} "
              f"(target <= x{RSS_GROWTH_TARGET}) {'ok' if growth <= RSS_GROWTH_TARGET else 'miss'}",
              flush=True)


if __name__ == "__main__":
    main()
