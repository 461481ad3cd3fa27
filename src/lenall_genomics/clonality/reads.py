"""Reads at a site in one sample: from its variants table, or counted in its BAM/CRAM."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import LenallInputError
from ..genome import normalize_chrom
from .inputs import SampleData
from .sites import Key


class ReadCounter:
    """Depth and alt-read counts at a site from a BAM/CRAM, through pysam."""

    def __init__(self, path: Path, reference: Path | None = None,
                 min_base_quality: int = 20, min_mapping_quality: int = 20) -> None:
        import pysam

        if not path.is_file():
            raise LenallInputError("alignment file not found", file=path, field="--bam",
                                   hint="give --bam SAMPLE=PATH to an indexed BAM or CRAM")
        try:
            self.handle = pysam.AlignmentFile(str(path), reference_filename=(
                str(reference) if reference else None))
            self.handle.check_index()
        except (ValueError, OSError) as error:
            raise LenallInputError(f"cannot open alignments: {error}", file=path, field="--bam",
                                   hint="index it (samtools index); a CRAM needs --reference"
                                   ) from None
        self.contigs = {normalize_chrom(c): c for c in self.handle.references}
        self.min_bq, self.min_mq = min_base_quality, min_mapping_quality

    def counts(self, chrom: str, pos: int, ref: str, alt: str) -> tuple[int, int] | None:
        contig = self.contigs.get(normalize_chrom(chrom))
        if contig is None:
            return None
        depth = alt_reads = 0
        for column in self.handle.pileup(contig, pos - 1, pos, truncate=True,
                                         min_base_quality=self.min_bq,
                                         min_mapping_quality=self.min_mq,
                                         ignore_orphans=False):
            for read in column.pileups:
                if read.is_refskip:
                    continue
                depth += 1
                if _supports(read, ref, alt):
                    alt_reads += 1
        return depth, alt_reads


def _supports(read, ref: str, alt: str) -> bool:
    if len(ref) == len(alt):
        if read.is_del or read.query_position is None:
            return False
        start = read.query_position
        return read.alignment.query_sequence[start:start + len(alt)].upper() == alt
    return read.indel == len(alt) - len(ref)


@dataclass(frozen=True)
class Reads:
    depth: float | None
    alt: float | None
    vaf: float | None
    source: str  # variants | bam | panel | none
    call: str  # the variants.tsv status, "bam", or "absent"


def reads_at(data: SampleData, key: Key, counters: dict[str, ReadCounter]) -> Reads:
    row = (data.variants or {}).get(key)
    if row is not None:
        return Reads(row["depth"], row["alt"], row["vaf"], "variants", row["status"])
    counter = counters.get(data.name)
    if counter is not None:
        found = counter.counts(*key)
        if found is not None:
            depth, alt = found
            return Reads(depth, alt, alt / depth if depth else None, "bam", "bam")
    return Reads(None, None, None, "none", "absent")


def on_panel(data: SampleData, gene: str | None, chrom: str, pos: int) -> bool | None:
    """Does the sample's DNA panel cover this site? None when its panel is unknown."""
    if data.covered is None or data.panel_genes is None:
        return None
    if gene and gene in data.panel_genes:
        return True
    return any(c == chrom and s <= pos <= e for c, s, e in data.covered)
