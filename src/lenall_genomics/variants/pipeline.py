"""`run_variants`: VCF or MAF -> <sample>.variants.tsv, <sample>.maf, <sample>.variants.qc.json.

Design (speed and memory; benchmarks/bench_variants.py compares records/s with a bare cyvcf2
loop that only reads the same VCF, target ratio >= 0.5):
- Streaming in chunks of about 0.5 MB of VCF text: memory does not grow with the record count
  (readers/vcf.py reads ahead through a bounded queue; spool.py keeps one position group and a
  few thousand lines in memory; parsing caches are cleared when full).
- cyvcf2 reads and checks the header only. Data lines are split as text (readers/vcf.py):
  cyvcf2 records and their numpy FORMAT arrays cost more than all the rest of the step. A thread
  decompresses ahead (ISA-L when installed, else zlib; both release the GIL).
- Every allele gets a variants.tsv row, so every allele is annotated (gene, HGVS, class and CSQ
  population AF appear on filtered rows too). Per allele the work is kept small: CSQ entries
  split only up to the fields used to choose, cached consequence ranks, one '\t'.join per
  row. Driver classes and MAF rows are built for somatic calls only. The rows of a chunk go to
  the spools as Blocks (spool.py): UTF-8 text joined once, not handled line by line again;
  variants.tsv sort keys are made from the lines only where needed.
- A large VCF (>= 4 MB on disk) on a machine with 2+ CPUs is decided in 2 forked worker
  processes, each given a piece of the file (runs of BGZF blocks sent still compressed, else
  text) that need not end at a line end; the main process joins and decides the line cut at each
  boundary, takes the results in order and spools their Blocks, so the outputs and the record
  numbers in errors are the same as with one process. Not used with --gtf, --population-vcf or
  --pon (open handles), or when the process has other threads.
"""

from __future__ import annotations

from collections import Counter, deque
from itertools import islice
from pathlib import Path

from ..errors import LenallInputError
from ..genome import check_genome
from ..model import VARIANT_COLUMNS, VARIANT_STATUSES
from ..readers.maf import MAF_COLUMNS, MAF_VERSION_LINE, maf_value
from ..readers.vcf import Call, VcfCalls, inflate, open_vcf
from ..writers import MISSING, write_json
from .consequence import UNANNOTATED, UNANNOTATED_EFFECT, Annotator, Effect
from .germline import (
    COMMON_VARIANT_FLAG,
    SiteLookup,
    Thresholds,
    check_priors,
    decide,
    default_thresholds,
    is_common_variant,
)
from .keygenes import driver_class, hotspot
from .spool import Block, SortedSpool, block, sort_key

MAF_EXTRA_COLUMNS = ("t_vaf", "population_af", "status", "reason", "hotspot", "driver_class",
                     "driver_rule", "flags")
SAMPLE_MAF_COLUMNS = MAF_COLUMNS + MAF_EXTRA_COLUMNS


def output_paths(outdir: Path, sample: str) -> dict[str, Path]:
    return {"tsv": outdir / f"{sample}.variants.tsv", "maf": outdir / f"{sample}.maf",
            "qc": outdir / f"{sample}.variants.qc.json"}


def run_variants(sample: str, outdir: str | Path, genome: str = "GRCh38", *,
                 vcf: str | Path | None = None, maf: str | Path | None = None,
                 normal_sample: str | None = None, purity: float | None = None,
                 tumor_sample: str | None = None, gtf: str | Path | None = None,
                 fasta: str | Path | None = None, population_vcf: str | Path | None = None,
                 pon: str | Path | None = None, thresholds: Thresholds | None = None,
                 workers: int | None = None) -> dict:
    """Run the variants step for one sample; returns the QC record also written as JSON.

    `workers`: processes that decide batches of a VCF (default: 2 for a large VCF on a machine
    with 2 or more CPUs, else 1 = in this process). Outputs do not depend on it.
    """
    check_genome(genome)
    if (vcf is None) == (maf is None):
        raise LenallInputError("give exactly one of --vcf and --maf", field="--vcf",
                               hint="the samplesheet row needs a vcf or a maf column")
    if purity is not None and not 0 < purity <= 1:
        raise LenallInputError(f"purity {purity} is not in (0, 1]", field="--purity")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    thresholds = thresholds or default_thresholds()
    check_priors(thresholds)
    population = SiteLookup(population_vcf, role="population") if population_vcf else None
    panel = SiteLookup(pon, role="panel-of-normals") if pon else None

    if vcf is not None:
        handle, layout = open_vcf(vcf, genome, sample=sample, tumor_sample=tumor_sample,
                                  normal_sample=normal_sample)
        handle.close()  # cyvcf2 reads the header only; VcfCalls reads the data lines as text
        source = VcfCalls(handle, layout, genome)
        annotate = _vcf_annotation(layout, genome, gtf, fasta)
        tumor_name, normal_name = layout.tumor_name, layout.normal_name
        qc_source = {"input": str(vcf), "format": "vcf", "caller": layout.caller,
                     "tumor_column": tumor_name, "normal_column": normal_name,
                     "annotation": ("vep_csq" if layout.csq_fields else "snpeff_ann"
                                    if layout.ann_fields else "gtf" if gtf else "none"),
                     "count_method": layout.count_method, "notes": layout.notes}
    else:
        from ..readers.maf import MafCalls

        source = MafCalls(maf, sample)
        annotate = None
        tumor_name, normal_name = source.tumor_name or sample, source.normal_name
        qc_source = {"input": str(maf), "format": "maf", "caller": "maf",
                     "tumor_column": tumor_name, "normal_column": normal_name,
                     "annotation": "maf", "count_method": "maf", "notes": []}
    paired = normal_name is not None
    paths = output_paths(outdir, sample)
    decider = Decider(annotate, thresholds, paired=paired, purity=purity, population=population,
                      panel=panel, sample=sample, normal=normal_name, genome=genome)
    statuses: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    unannotated = 0
    tsv_spool, maf_spool = SortedSpool(outdir, key_of_line=tsv_key), SortedSpool(outdir)
    parallel = _worker_count(workers, source, gtf=gtf, population=population, panel=panel)
    try:
        for rows in _row_batches(source, decider, parallel):
            for lines in rows.tsv:
                tsv_spool.add_block(lines)
            for lines in rows.maf:
                maf_spool.add_block(lines)
            statuses.update(rows.statuses)
            reasons.update(rows.reasons)
            flagged.update(rows.flags)
            unannotated += rows.unannotated
        n_rows = tsv_spool.write(paths["tsv"], ["\t".join(VARIANT_COLUMNS)])
        n_maf = maf_spool.write(paths["maf"], [MAF_VERSION_LINE, "\t".join(SAMPLE_MAF_COLUMNS)])
    finally:
        tsv_spool.close()
        maf_spool.close()
    qc = {
        "sample": sample, "genome": genome, **qc_source,
        "purity": purity, "paired": paired,
        "records_read": source.records,
        "multiallelic_records_split": source.multiallelic_records,
        "alleles_considered": n_rows,
        "skipped": dict(sorted(source.skipped.items())),
        "skipped_total": sum(source.skipped.values()),
        "status_counts": {s: statuses.get(s, 0) for s in VARIANT_STATUSES},
        "reason_counts": dict(sorted(reasons.items())),
        "flag_counts": dict(sorted(flagged.items())),
        "unannotated": unannotated,
        **_prediction_counts(annotate, qc_source["annotation"]),
        "somatic_maf_rows": n_maf,
        "thresholds": thresholds.__dict__,
    }
    write_json(paths["qc"], qc)
    return qc


def _prediction_counts(annotate, annotation: str) -> dict[str, int]:
    """With consequences predicted from --gtf: alleles whose REF differs from the --fasta, and
    alleles with a coding change predicted without the FASTA (no codon change, no HGVSp)."""
    if annotation != "gtf":
        return {}
    notes = annotate.notes
    return {"reference_mismatches": notes["reference_mismatch"],
            "coding_without_fasta": notes["coding_without_fasta"]}


Run = tuple[str, list[int], list[str], list[str]]  # chrom, positions, sort keys, lines


class Rows:
    """Output of one batch: Blocks of lines for each spool, and the counts."""

    def __init__(self) -> None:
        self.tsv: list[Block] = []
        self.maf: list[Block] = []
        self.statuses: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.flags: Counter[str] = Counter()
        self.unannotated = 0
        self.reader: tuple | None = None  # reader counts, when decided in a worker process
        # a piece of VCF text decided in a worker: the text before its first line end and after
        # its last (the main process joins them to the neighbouring pieces' ends)
        self.head = self.tail = b""
        self.no_line_end = False


def _append(runs: list[Run], chrom: str, pos: int, key: str | None, line: str) -> None:
    if not runs or runs[-1][0] != chrom:
        runs.append((chrom, [], [], []))
    _, positions, keys, lines = runs[-1]
    positions.append(pos)
    if key is not None:
        keys.append(key)
    lines.append(line)


class Decider:
    """Annotates, decides and formats the alleles of one batch (in this or a worker process)."""

    def __init__(self, annotate, thresholds: Thresholds, *, paired: bool, purity: float | None,
                 population: SiteLookup | None, panel: SiteLookup | None, sample: str,
                 normal: str | None, genome: str) -> None:
        self.annotate = annotate
        self.thresholds = thresholds
        self.paired = paired
        self.purity = purity
        self.population = population
        self.panel = panel
        self.sample = sample
        self.normal = normal
        self.genome = genome

    def rows(self, calls) -> Rows:
        out = Rows()
        annotate, population, panel = self.annotate, self.population, self.panel
        thresholds, paired, purity = self.thresholds, self.paired, self.purity
        statuses, reasons, flagged = [], [], []  # counted at the end, in one go
        tsv: list[Run] = []
        maf: list[Run] = []
        tsv_chrom = tsv_positions = tsv_lines = None  # the run of variants.tsv lines being filled
        for call in calls:
            effect = annotate(call) if annotate else call.effect or UNANNOTATED_EFFECT
            if effect.variant_classification == UNANNOTATED:
                out.unannotated += 1
            if population is not None and call.vcf_filter is None:
                known = population.allele_frequency(call.chrom, call.pos, call.ref, call.alt)
                if known is not None and (call.population_af is None or
                                          known > call.population_af):
                    call.population_af = known
            if panel is not None and not call.pon and call.vcf_filter is None:
                call.pon = panel.contains(call.chrom, call.pos, call.ref, call.alt)
            spot = hotspot(effect) if effect.hgvsp_short else None
            decision = decide(call, thresholds=thresholds, paired=paired, purity=purity,
                              hotspot=spot is not None, gene=effect.gene,
                              classification=effect.variant_classification)
            if call.subpop_af is not None and is_common_variant(call.subpop_af, thresholds):
                decision.flags.append(COMMON_VARIANT_FLAG)
            statuses.append(decision.status)
            reason = decision.reason
            cut = reason.find("(")  # counted by name: the values in parentheses are per allele
            reasons.append(reason if cut < 0 else reason[:cut])
            if decision.flags:
                flagged += decision.flags
            if call.chrom != tsv_chrom:  # `_append` written out: it runs for every allele
                tsv_chrom, tsv_positions, tsv_lines = call.chrom, [], []
                tsv.append((tsv_chrom, tsv_positions, [], tsv_lines))
            tsv_positions.append(call.pos)
            tsv_lines.append(_tsv_line(call, effect, decision, spot))
            if decision.status == "somatic":
                key = sort_key(call.pos, f"{call.ref}\t{call.alt}")
                klass, rule = driver_class(effect, spot)
                row = maf_row(call, effect, decision, spot, klass, rule, sample=self.sample,
                              normal=self.normal, genome=self.genome)
                _append(maf, call.chrom, call.pos, key, _maf_line(row))
        out.tsv = [block(*run, key_of_line=tsv_key) for run in tsv]
        out.maf = [block(*run) for run in maf]
        out.statuses.update(statuses)
        out.reasons.update(reasons)
        out.flags.update(flagged)
        return out


_BATCH_CALLS = 2000  # MAF rows per batch
_PARALLEL_MIN_BYTES = 4 << 20  # smaller VCFs are decided in this process (no start-up cost)


def _worker_count(requested: int | None, source, *, gtf, population, panel) -> int:
    """Worker processes for a VCF. Only forked (no re-import of the caller's main module; on
    Linux, where fork is the usual start method), from a process without other threads, and
    only when nothing holds open handles the workers would share (indexed population / panel
    VCFs, a GTF/FASTA). By default 2 for a large VCF on a machine with 2 or more CPUs."""
    import os
    import sys
    import threading

    if (not isinstance(source, VcfCalls) or gtf is not None or population is not None
            or panel is not None or not sys.platform.startswith("linux")
            or threading.active_count() > 1):  # forking a threaded process is not safe
        return 1
    if requested is not None:
        return max(1, requested)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    large = source.layout.path.stat().st_size >= _PARALLEL_MIN_BYTES
    return 2 if (cpus or 1) >= 2 and large else 1


def _row_batches(source, decider: Decider, workers: int):
    """Rows of each batch of the input, in input order."""
    if isinstance(source, VcfCalls):
        if workers > 1:
            yield from _parallel_row_batches(source, decider, workers)
            return
        for chunk in source.chunks():
            yield decider.rows(source.calls(chunk))
        return
    calls = iter(source)
    while batch := list(islice(calls, _BATCH_CALLS)):
        yield decider.rows(batch)


_WORKER: tuple | None = None  # (VcfCalls, Decider) of a worker process, inherited through fork


def _start_worker(source: VcfCalls, decider: Decider) -> None:
    import gc

    global _WORKER
    _WORKER = (source, decider)
    # the objects made per record hold no reference cycles (reference counting frees them):
    # the cycle collector need not walk them every 700 allocations
    gc.set_threshold(100_000, 50, 50)


def _decide_piece(data: bytes, compressed: bool) -> Rows:
    """In a worker: rows of the whole lines of a piece of the VCF, with the reader's counts."""
    source, decider = _WORKER
    source.records = source.alleles = source.multiallelic_records = 0
    source.skipped = Counter()
    head, body, tail = _cut_piece(data, compressed)
    rows = Rows() if body is None else decider.rows(source.calls(body))
    rows.head, rows.tail, rows.no_line_end = head, tail, body is None
    rows.reader = (source.records, source.alleles, source.multiallelic_records, source.skipped)
    return rows


def _cut_piece(data: bytes, compressed: bool) -> tuple[bytes, bytes | None, bytes]:
    """(the text before the first line end, the whole lines after it (None when the piece has no
    line end), the text after the last line end)."""
    text = inflate(data) if compressed else data
    first = text.find(b"\n")
    if first < 0:
        return text, None, b""
    last = text.rfind(b"\n")
    return text[:first], text[first + 1:last + 1], text[last + 1:]


def _parallel_row_batches(source: VcfCalls, decider: Decider, workers: int):
    """Pieces of the VCF decided by forked worker processes: BGZF blocks are sent compressed and
    inflated by the workers. The main process joins the line cut at each piece boundary and
    decides it, takes the results in submission order (at most workers + 1 pieces in flight),
    so the output order, the record numbers and the memory bound hold."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(source, decider)) as pool:
        pool.submit(int).result()  # fork now
        pending: deque = deque()
        carry = [b""]  # the start of a line cut by a piece boundary
        try:
            for data, compressed in source.pieces():
                pending.append((pool.submit(_decide_piece, data, compressed), data, compressed))
                if len(pending) > workers:
                    yield from _joined_rows(source, decider, pending.popleft(), carry)
            while pending:
                yield from _joined_rows(source, decider, pending.popleft(), carry)
            if carry[0]:  # the last line, without a line end
                yield decider.rows(source.calls(carry[0] + b"\n"))
        finally:
            for future, _, _ in pending:
                future.cancel()


def _joined_rows(source: VcfCalls, decider: Decider, item: tuple, carry: list[bytes]):
    """Rows of the line ending in this piece, then of the piece's own lines."""
    future, data, compressed = item
    try:
        rows = future.result()
    except Exception:  # decided again here, so that an error names its record
        rows = None
    if rows is None:
        try:
            head, body, tail = _cut_piece(data, compressed)
        except Exception as error:  # corrupt compressed data
            raise source._read_error(error) from None
    else:
        head, body, tail = rows.head, None if rows.no_line_end else b"", rows.tail
    if body is None:  # the piece is inside one line
        carry[0] += head
        return
    yield decider.rows(source.calls(carry[0] + head + b"\n"))
    carry[0] = tail
    if rows is None:
        yield decider.rows(source.calls(body))
        return
    records, alleles, multiallelic, skipped = rows.reader
    source.records += records
    source.alleles += alleles
    source.multiallelic_records += multiallelic
    source.skipped.update(skipped)
    yield rows


def _vcf_annotation(layout, genome: str, gtf, fasta):
    if layout.csq_fields or layout.ann_fields:
        annotator = Annotator(genome, layout.csq_fields, layout.ann_fields)
        has_csq = layout.csq_fields is not None

        def annotate(call: Call) -> Effect:
            if not call.annotation:
                return UNANNOTATED_EFFECT
            entries = annotator.entries(call.annotation, call.vep_allele, call.allele_num)
            if has_csq:
                af, subpop_af = annotator.population_afs(entries)
                if af is not None and (call.population_af is None or af > call.population_af):
                    call.population_af = af
                if subpop_af is not None:
                    call.subpop_af = subpop_af  # read by Decider for the common_variant flag
            return annotator.choose(entries, call.ref, call.alt)
        return annotate
    if gtf is not None:  # raw VCF: consequences predicted from the GTF (+ FASTA)
        from .predict import gtf_annotation

        return gtf_annotation(gtf, fasta, genome, notes=layout.notes)
    return lambda call: UNANNOTATED_EFFECT


_NO_COUNTS = "\t".join((MISSING,) * 3)


def _counts_text(depth: int | None, alt: int | None) -> str:
    """'depth<TAB>alt reads<TAB>VAF': VAF with at most 4 decimals, trailing zeros dropped; '.' for
    unknown values (the VAF is unknown without alt reads or depth)."""
    if depth is None and alt is None:
        return _NO_COUNTS
    if alt is None or not depth:
        vaf = MISSING
    else:
        vaf = _vaf_text(alt, depth)
    return f"{MISSING if depth is None else depth}\t{MISSING if alt is None else alt}\t{vaf}"


# "0", "0.0001" ... "0.9999", "1": a VAF rounded to 4 decimals, trailing zeros dropped
_FOUR_DECIMALS = tuple(f"{q / 10_000:.4f}".rstrip("0").rstrip(".") for q in range(10_001))


def _vaf_text(alt: int, depth: int) -> str:
    """alt / depth as f"{alt / depth:.4f}" without trailing zeros, in integer arithmetic: the
    same text, since the float is on the same side of a rounding midpoint as the fraction unless
    the fraction is on it (then the float is formatted)."""
    if 0 <= alt <= depth < 1_000_000_000:
        quotient, remainder = divmod(alt * 10_000, depth)
        if 2 * remainder != depth:
            return _FOUR_DECIMALS[quotient + (2 * remainder > depth)]
    return f"{alt / depth:.4f}".rstrip("0").rstrip(".") or "0"


_NO_TEXT = ("",) * len(SAMPLE_MAF_COLUMNS)


def _maf_line(row: dict[str, str]) -> str:
    return "\t".join(map(row.get, SAMPLE_MAF_COLUMNS, _NO_TEXT))


_AF_TEXT: dict[float, str] = {}  # population AFs repeat (Mutect2 POPAF, gnomAD values)


def _af(value: float | None) -> str:
    if value is None:
        return MISSING
    text = _AF_TEXT.get(value)
    if text is None:
        if len(_AF_TEXT) >= 4096:
            _AF_TEXT.clear()
        text = _AF_TEXT[value] = f"{value:.3g}"
    return text


def tsv_key(line: bytes) -> bytes:
    """The `sort_key` of a variants.tsv line, from its POS, REF and ALT (so not sent or stored)."""
    _, pos, ref, alt, _ = line.split(b"\t", 4)
    return sort_key(int(pos), f"{ref.decode()}\t{alt.decode()}").encode()


def _tsv_line(call: Call, effect: Effect, decision, spot: str | None) -> str:
    gene, transcript, consequence, classification, hgvsc, hgvsp = effect[:6]
    return "\t".join((
        call.chrom, str(call.pos), call.ref, call.alt, gene or MISSING, transcript or MISSING,
        hgvsc or MISSING, hgvsp or MISSING, consequence or MISSING, classification,
        _counts_text(call.t_depth, call.t_alt),
        _NO_COUNTS if call.n_depth is None and call.n_alt is None
        else _counts_text(call.n_depth, call.n_alt),
        MISSING if call.population_af is None else _af(call.population_af),
        decision.status, decision.reason, spot or MISSING, ";".join(decision.flags) or MISSING,
    ))


def maf_alleles(pos: int, ref: str, alt: str) -> tuple[int, int, str, str, str]:
    """VCF-style allele -> MAF (Start, End, Reference_Allele, Tumor_Seq_Allele2, Variant_Type)."""
    if ref == "-" or alt == "-":  # already MAF style
        start = pos
        if ref == "-":
            return start, start + 1, "-", alt, "INS"
        return start, start + len(ref) - 1, ref, "-", "DEL"
    if len(ref) != len(alt) and ref[:1] == alt[:1]:
        ref, alt, pos = ref[1:] or "-", alt[1:] or "-", pos + 1
        if ref == "-":
            return pos - 1, pos, "-", alt, "INS"
        if alt == "-":
            return pos, pos + len(ref) - 1, ref, "-", "DEL"
    if len(ref) == len(alt):
        kind = {1: "SNP", 2: "DNP", 3: "TNP"}.get(len(ref), "ONP")
        return pos, pos + len(ref) - 1, ref, alt, kind
    kind = "INS" if len(alt) > len(ref) else "DEL"
    return pos, pos + len(ref) - 1, ref, alt, kind


def maf_row(call: Call, effect: Effect, decision, spot: str | None, klass: str, rule: str, *,
            sample: str, normal: str | None, genome: str) -> dict[str, str]:
    """The MAF row of a somatic call, each value as its MAF text ('' when unknown)."""
    start, end, ref, alt, kind = maf_alleles(call.pos, call.ref, call.alt)
    t_vaf = call.t_vaf
    return {
        "Hugo_Symbol": effect.gene or "Unknown", "Entrez_Gene_Id": "0", "Center": ".",
        "NCBI_Build": genome, "Chromosome": call.chrom, "Start_Position": str(start),
        "End_Position": str(end), "Strand": "+",
        "Variant_Classification": (effect.variant_classification
                                   if effect.variant_classification != UNANNOTATED
                                   else "Targeted_Region"),
        "Variant_Type": kind, "Reference_Allele": ref, "Tumor_Seq_Allele1": ref,
        "Tumor_Seq_Allele2": alt, "Tumor_Sample_Barcode": sample,
        "Matched_Norm_Sample_Barcode": normal or "",
        "Match_Norm_Seq_Allele1": ref if normal else "",
        "Match_Norm_Seq_Allele2": ref if normal else "", "Mutation_Status": "Somatic",
        "HGVSc": effect.hgvsc or "", "HGVSp": effect.hgvsp or "",
        "HGVSp_Short": effect.hgvsp_short or "", "Transcript_ID": effect.transcript or "",
        "Exon_Number": effect.exon or "",
        "t_depth": _int_text(call.t_depth), "t_ref_count": _int_text(call.t_ref),
        "t_alt_count": _int_text(call.t_alt), "n_depth": _int_text(call.n_depth),
        "n_ref_count": _int_text(call.n_ref), "n_alt_count": _int_text(call.n_alt),
        "Consequence": effect.consequence or "", "IMPACT": effect.impact or "",
        "FILTER": "PASS", "t_vaf": "" if t_vaf is None else maf_value(t_vaf),
        "population_af": "" if call.population_af is None else _af(call.population_af),
        "status": decision.status, "reason": decision.reason, "hotspot": spot or "",
        "driver_class": klass, "driver_rule": rule, "flags": ";".join(decision.flags),
    }


def _int_text(value: int | None) -> str:
    return "" if value is None else str(value)
