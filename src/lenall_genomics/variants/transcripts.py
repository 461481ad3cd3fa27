"""Canonical transcripts from a GTF (GENCODE or Ensembl), indexed by contig for position lookup.

Per gene one transcript is kept, chosen as vcf2maf chooses the reported isoform: the isoform
override in assets/isoform_overrides_<build>.tsv, then `tag "MANE_Select"`, then
`tag "Ensembl_canonical"`, then the longest CDS (then the longest transcript, then the id).
Contigs are loaded on first use; a tabix-indexed GTF is read one contig at a time through
pysam region queries, any other GTF (plain or gzipped) in one pass.
"""

from __future__ import annotations

import gzip
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..errors import LenallInputError
from ..genome import normalize_chrom
from .consequence import isoform_overrides

FEATURES = frozenset({"transcript", "exon", "CDS", "start_codon", "stop_codon"})
_ATTRIBUTE = re.compile(r'\s*([^\s;"]+)\s+(?:"([^"]*)"|([^;]*?))\s*(?:;|$)')
# rank of the reason a transcript is its gene's reported one (lower wins)
RANK_OVERRIDE, RANK_MANE, RANK_CANONICAL, RANK_OTHER = 0, 1, 2, 3


def parse_attributes(text: str) -> tuple[dict[str, str], frozenset[str]]:
    """GTF column 9 -> (attributes, tags); `tag` repeats, values may be quoted or bare."""
    values: dict[str, str] = {}
    tags = []
    for match in _ATTRIBUTE.finditer(text):
        key = match.group(1)
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if key == "tag":
            tags.append(value)
        else:
            values.setdefault(key, value)
    return values, frozenset(tags)


def _merge(segments: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[list[int]] = []
    for start, end in sorted(segments):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


@dataclass(frozen=True)
class Transcript:
    """One transcript; coordinates 1-based inclusive, segments in genomic order.

    `cds` includes the stop codon (GENCODE and Ensembl list it apart from CDS).
    """

    transcript_id: str
    gene: str
    chrom: str
    strand: str
    biotype: str
    exons: tuple[tuple[int, int], ...]
    cds: tuple[tuple[int, int], ...] = ()
    has_start_codon: bool = False
    has_stop_codon: bool = False
    tags: frozenset[str] = frozenset()
    rank: int = RANK_OTHER

    @property
    def start(self) -> int:
        return self.exons[0][0]

    @property
    def end(self) -> int:
        return self.exons[-1][1]

    @property
    def coding(self) -> bool:
        return bool(self.cds)

    @property
    def cds_length(self) -> int:
        return sum(e - s + 1 for s, e in self.cds)

    @property
    def length(self) -> int:
        return sum(e - s + 1 for s, e in self.exons)

    def ordered_exons(self) -> tuple[tuple[int, int], ...]:
        """Exons 5' -> 3' along the transcript."""
        return self._ordered_exons

    @cached_property
    def _ordered_exons(self) -> tuple[tuple[int, int], ...]:
        return self.exons if self.strand == "+" else self.exons[::-1]

    def introns(self) -> tuple[tuple[int, int], ...]:
        return self._introns

    @cached_property
    def _introns(self) -> tuple[tuple[int, int], ...]:
        pairs = zip(self.exons, self.exons[1:], strict=False)
        return tuple((a[1] + 1, b[0] - 1) for a, b in pairs if b[0] - a[1] > 1)

    def exon_number(self, pos: int) -> int | None:
        for number, (s, e) in enumerate(self.ordered_exons(), 1):
            if s <= pos <= e:
                return number
        return None

    def tx_pos(self, pos: int) -> int | None:
        """1-based position in the spliced transcript of an exonic genomic position."""
        offset = 0
        for s, e in self.ordered_exons():
            if s <= pos <= e:
                return offset + (pos - s + 1 if self.strand == "+" else e - pos + 1)
            offset += e - s + 1
        return None

    def cds_bounds(self) -> tuple[int, int] | None:
        """Transcript positions of the first and last coding base (start and stop codons)."""
        return self._cds_bounds

    @cached_property
    def _cds_bounds(self) -> tuple[int, int] | None:
        if not self.cds:
            return None
        ends = (self.cds[0][0], self.cds[-1][1])
        first, last = (self.tx_pos(ends[0]), self.tx_pos(ends[1]))
        if first is None or last is None:
            return None
        return (first, last) if self.strand == "+" else (last, first)


def rank_of(attributes: dict[str, str], tags: frozenset[str], override: str | None) -> int:
    if override and attributes.get("transcript_id", "").split(".", 1)[0] == override:
        return RANK_OVERRIDE
    if "MANE_Select" in tags:
        return RANK_MANE
    if "Ensembl_canonical" in tags:
        return RANK_CANONICAL
    return RANK_OTHER


class _Builder:
    __slots__ = ("tid", "gene", "chrom", "strand", "biotype", "tags", "rank", "exons", "cds",
                 "start_codon", "stop_codon")

    def __init__(self, tid, gene, chrom, strand, biotype, tags, rank):
        self.tid, self.gene, self.chrom, self.strand = tid, gene, chrom, strand
        self.biotype, self.tags, self.rank = biotype, tags, rank
        self.exons: list[tuple[int, int]] = []
        self.cds: list[tuple[int, int]] = []
        self.start_codon = False
        self.stop_codon: list[tuple[int, int]] = []

    def build(self) -> Transcript | None:
        if not self.exons and not self.cds:
            return None
        exons = _merge(self.exons or self.cds + self.stop_codon)
        return Transcript(self.tid, self.gene, self.chrom, self.strand, self.biotype, exons,
                          _merge(self.cds + self.stop_codon), self.start_codon,
                          bool(self.stop_codon), self.tags, self.rank)


class _Collector:
    """Reads GTF lines, keeping features only of transcripts that can still be their gene's pick."""

    def __init__(self, overrides: dict[str, str], source: str) -> None:
        self.overrides = overrides
        self.source = source
        self.builders: dict[str, _Builder] = {}
        self.dropped: set[str] = set()
        self.best_rank: dict[tuple[str, str], int] = {}
        self.by_gene: dict[tuple[str, str], list[str]] = {}
        self.contigs: set[str] = set()

    def add(self, line: str, number: int) -> None:
        if not line or line[0] == "#":
            return
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) < 9:
            if not line.strip():
                return
            raise LenallInputError(f"GTF line has {len(cols)} columns, expected 9",
                                   file=self.source, line=number,
                                   hint="a GTF is tab-separated: seqname source feature start "
                                        "end score strand frame attributes")
        chrom = normalize_chrom(cols[0])
        self.contigs.add(chrom)
        feature = cols[2]
        if feature not in FEATURES:
            return
        try:
            start, end = int(cols[3]), int(cols[4])
        except ValueError:
            raise LenallInputError(f"GTF start/end '{cols[3]}'/'{cols[4]}' are not integers",
                                   file=self.source, line=number, field="start") from None
        tid = _quick_transcript_id(cols[8])
        if tid is None or tid in self.dropped:
            return
        builder = self.builders.get(tid)
        if builder is None:
            builder = self._register(cols, chrom, number)
            if builder is None:
                return
        if feature == "exon":
            builder.exons.append((start, end))
        elif feature == "CDS":
            builder.cds.append((start, end))
        elif feature == "start_codon":
            builder.start_codon = True
        elif feature == "stop_codon":
            builder.stop_codon.append((start, end))

    def _register(self, cols: list[str], chrom: str, number: int) -> _Builder | None:
        attributes, tags = parse_attributes(cols[8])
        tid = attributes["transcript_id"]
        gene = attributes.get("gene_name") or attributes.get("gene_id")
        if not gene:
            raise LenallInputError(f"GTF transcript {tid} has neither gene_name nor gene_id",
                                   file=self.source, line=number, field="attributes")
        if cols[6] not in ("+", "-"):
            raise LenallInputError(f"GTF strand '{cols[6]}' of {tid} is not + or -",
                                   file=self.source, line=number, field="strand")
        biotype = (attributes.get("transcript_type") or attributes.get("transcript_biotype")
                   or attributes.get("gene_type") or attributes.get("gene_biotype") or "")
        key = (chrom, gene)
        rank = rank_of(attributes, tags, self.overrides.get(gene))
        best = self.best_rank.get(key, RANK_OTHER + 1)
        if rank > best:
            self.dropped.add(tid)
            return None
        if rank < best:  # a better reason turned up: forget the gene's earlier candidates
            for other in self.by_gene.get(key, []):
                self.builders.pop(other, None)
                self.dropped.add(other)
            self.by_gene[key] = []
            self.best_rank[key] = rank
        builder = _Builder(tid, gene, chrom, cols[6], biotype, tags, rank)
        self.builders[tid] = builder
        self.by_gene.setdefault(key, []).append(tid)
        return builder

    def transcripts(self) -> dict[str, list[Transcript]]:
        """contig -> the chosen transcript of each gene, sorted by start."""
        chosen: dict[str, list[Transcript]] = {c: [] for c in self.contigs}
        for key, tids in sorted(self.by_gene.items()):
            built = [t for t in (self.builders[i].build() for i in tids if i in self.builders)
                     if t is not None]
            if not built:
                continue
            best = min(built, key=lambda t: (-t.cds_length, -t.length, t.transcript_id))
            chosen[key[0]].append(best)
        for items in chosen.values():
            items.sort(key=lambda t: (t.start, t.end, t.gene))
        return chosen


def _quick_transcript_id(attributes: str) -> str | None:
    at = attributes.find("transcript_id")
    if at < 0:
        return None
    rest = attributes[at + 13:].lstrip()
    if rest.startswith('"'):
        close = rest.find('"', 1)
        return rest[1:close] if close > 0 else None
    return rest.split(";", 1)[0].strip() or None


class ContigTranscripts:
    """The chosen transcripts of one contig, sorted by start, for interval lookup with bisect."""

    def __init__(self, transcripts: list[Transcript]) -> None:
        self.transcripts = transcripts
        self.starts = [t.start for t in transcripts]
        self.max_span = max((t.end - t.start + 1 for t in transcripts), default=0)

    def near(self, start: int, end: int, flank: int = 0) -> list[Transcript]:
        """Transcripts within `flank` bases of [start, end]."""
        lo = bisect_left(self.starts, start - flank - self.max_span)
        hi = bisect_right(self.starts, end + flank)
        return [t for t in self.transcripts[lo:hi] if t.end + flank >= start]


def _open_text(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _tabix_index(path: Path) -> Path | None:
    for suffix in (".tbi", ".csi"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            return candidate
    return None


class TranscriptIndex:
    """Lazy per-contig access to a GTF's canonical transcripts (contig names normalised)."""

    def __init__(self, path: str | Path, genome: str = "GRCh38") -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise LenallInputError("GTF file not found", file=str(self.path), field="--gtf")
        self.overrides = {g: t.split(".", 1)[0] for g, t in isoform_overrides(genome).items()}
        self._contigs: dict[str, ContigTranscripts] = {}
        self._tabix = None
        self._tabix_names: dict[str, list[str]] = {}
        self._scanned = False
        index = _tabix_index(self.path)
        if index is not None:
            import pysam

            try:
                self._tabix = pysam.TabixFile(str(self.path), index=str(index))
            except (OSError, ValueError) as error:
                raise LenallInputError(f"cannot open the tabix-indexed GTF: {error}",
                                       file=str(self.path), field="--gtf",
                                       hint="re-index it with `tabix -p gff`") from None
            for raw in self._tabix.contigs:
                self._tabix_names.setdefault(normalize_chrom(raw), []).append(raw)

    def contig(self, chrom: str) -> ContigTranscripts | None:
        """The contig's transcripts, or None when the GTF does not describe the contig."""
        chrom = normalize_chrom(chrom)
        found = self._contigs.get(chrom)
        if found is not None or self._scanned:
            return found
        if self._tabix is not None:
            names = self._tabix_names.get(chrom)
            if names is None:
                return None
            collector = _Collector(self.overrides, str(self.path))
            for raw in names:
                for number, line in enumerate(self._tabix.fetch(raw), 1):
                    collector.add(line, number)
            self._contigs[chrom] = ContigTranscripts(collector.transcripts().get(chrom, []))
            return self._contigs[chrom]
        self._scan()
        return self._contigs.get(chrom)

    def _scan(self) -> None:
        collector = _Collector(self.overrides, str(self.path))
        number = 0
        try:
            with _open_text(self.path) as handle:
                for number, line in enumerate(handle, 1):
                    collector.add(line, number)
        except (EOFError, OSError, UnicodeDecodeError) as error:
            raise LenallInputError(f"cannot read the GTF: {error}", file=str(self.path),
                                   line=number + 1, hint="the file may be truncated") from None
        self._contigs = {c: ContigTranscripts(t) for c, t in collector.transcripts().items()}
        self._scanned = True
