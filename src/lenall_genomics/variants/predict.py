"""Consequence of a raw VCF allele on its gene's canonical transcript, from a GTF (+ FASTA).

The result is the same `Effect` the VEP/snpEff reader produces: SO terms, MAF class (vcf2maf
mapping in assets/variant_classification.tsv), HGVSc (3'-shifted with a FASTA) and HGVSp.
Without a FASTA the codon is unknown, so substitutions inside a CDS are reported as
`coding_sequence_variant` (no HGVSp); frameshift, in-frame, splice, UTR and intron terms
do not need the sequence. Contigs the GTF does not describe are `unannotated`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..assets import asset_rows
from ..errors import LenallInputError
from ..genome import normalize_chrom
from .consequence import UNANNOTATED_EFFECT, Effect, severity, short_hgvsp, variant_classification
from .transcripts import Transcript, TranscriptIndex

# Ensembl VEP defaults: up/downstream distance (--distance 5000); splice site = intron bases 1-2,
# splice region = intron bases 3-8 and exon bases 1-3 (VEP consequence definitions).
FLANK = 5000
SPLICE_SITE = 2
SPLICE_REGION_INTRON = 8
SPLICE_REGION_EXON = 3
# protein context translated either side of an in-frame change, to place it 3' in repeats
CONTEXT_CODONS = 30
# IMPACT of each SO term as Ensembl VEP assigns it (VEP "Calculated variant consequences" table)
IMPACT = {
    "splice_acceptor_variant": "HIGH", "splice_donor_variant": "HIGH", "stop_gained": "HIGH",
    "frameshift_variant": "HIGH", "stop_lost": "HIGH", "start_lost": "HIGH",
    "transcript_ablation": "HIGH",
    "inframe_insertion": "MODERATE", "inframe_deletion": "MODERATE",
    "missense_variant": "MODERATE", "protein_altering_variant": "MODERATE",
    "splice_region_variant": "LOW", "synonymous_variant": "LOW", "stop_retained_variant": "LOW",
    "start_retained_variant": "LOW",
}
_IMPACT_ORDER = ("MODIFIER", "LOW", "MODERATE", "HIGH")
THREE = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
         "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
         "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
         "X": "Xaa", "U": "Sec"}
_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")
NO_FASTA_NOTE = ("consequences computed from --gtf without --fasta: substitutions inside a CDS "
                 "are reported as coding_sequence_variant (the codon needs the sequence)")


@cache
def genetic_code() -> dict[str, str]:
    return {r["codon"]: r["amino_acid"] for r in asset_rows("genetic_code.tsv")}


def revcomp(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


def translate(seq: str) -> str:
    code = genetic_code()
    return "".join(code.get(seq[i:i + 3], "X") for i in range(0, len(seq) - 2, 3))


def three(aas: str) -> str:
    return "".join(THREE.get(a, "Xaa") for a in aas)


@dataclass(frozen=True)
class Allele:
    """A trimmed allele: bases lo..hi replaced by `alt` (an insertion has hi == lo - 1)."""

    lo: int
    hi: int
    ref: str
    alt: str

    @classmethod
    def from_vcf(cls, pos: int, ref: str, alt: str) -> Allele:
        ref, alt = ref.upper(), alt.upper()
        while ref and alt and ref[0] == alt[0]:
            ref, alt, pos = ref[1:], alt[1:], pos + 1
        while ref and alt and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        return cls(pos, pos + len(ref) - 1, ref, alt)

    @property
    def insertion(self) -> bool:
        return not self.ref

    @property
    def deletion(self) -> bool:
        return not self.alt

    def hits(self, start: int, end: int) -> bool:
        """Deleted/substituted bases overlap [start, end]; an insertion needs both flanks in it."""
        if self.insertion:
            return start <= self.hi and self.lo <= end
        return self.lo <= end and start <= self.hi

    def touches(self, start: int, end: int) -> bool:
        """Like hits, but an insertion counts when either flank is in [start, end]."""
        if self.insertion:
            return start <= self.lo <= end or start <= self.hi <= end
        return self.hits(start, end)


class Reference:
    """Indexed FASTA through pysam; contig names normalised like the VCF's."""

    def __init__(self, path: str | Path) -> None:
        import pysam

        path = Path(path)
        if not path.is_file():
            raise LenallInputError("FASTA file not found", file=str(path), field="--fasta")
        try:
            self.fasta = pysam.FastaFile(str(path))
        except (OSError, ValueError) as error:
            raise LenallInputError(f"cannot open the FASTA: {error}", file=str(path),
                                   field="--fasta",
                                   hint="index it with `samtools faidx` (bgzip, not gzip)") from None
        self.names = {normalize_chrom(n): n for n in self.fasta.references}
        self.lengths = dict(zip(self.fasta.references, self.fasta.lengths, strict=True))

    def has(self, chrom: str) -> bool:
        return chrom in self.names

    def fetch(self, chrom: str, start: int, end: int) -> str:
        """Bases start..end (1-based inclusive), clipped to the contig."""
        name = self.names[chrom]
        start = max(1, start)
        end = min(self.lengths[name], end)
        if end < start:
            return ""
        return self.fasta.fetch(name, start - 1, end).upper()


@dataclass
class _TxEffect:
    tx: Transcript
    terms: set[str]
    hgvsc: str | None = None
    hgvsp: str | None = None
    exon: str | None = None

    @property
    def consequence(self) -> str:
        return ",".join(sorted(self.terms, key=lambda t: (severity(t), t)))


class Predictor:
    """predict(chrom, pos, ref, alt) -> Effect on the most affected gene's canonical transcript."""

    def __init__(self, gtf: str | Path, fasta: str | Path | None = None,
                 genome: str = "GRCh38") -> None:
        self.index = TranscriptIndex(gtf, genome)
        self.reference = Reference(fasta) if fasta else None
        self.notes: Counter[str] = Counter()
        self._sequences: dict[str, tuple[str, str]] = {}
        self._coding_without_fasta = False

    def __call__(self, call) -> Effect:
        return self.predict(call.chrom, call.pos, call.ref, call.alt)

    def predict(self, chrom: str, pos: int, ref: str, alt: str) -> Effect:
        """The effect; counts in `notes` (once per allele): reference_mismatch (REF differs from
        the FASTA), coding_without_fasta (a CDS change predicted without the FASTA),
        contig_not_in_gtf."""
        chrom = normalize_chrom(chrom)
        reference = self.reference
        if (reference is not None and reference.has(chrom)
                and reference.fetch(chrom, pos, pos + len(ref) - 1) != ref.upper()):
            self.notes["reference_mismatch"] += 1
        contig = self.index.contig(chrom)
        if contig is None:
            self.notes["contig_not_in_gtf"] += 1
            return UNANNOTATED_EFFECT
        allele = Allele.from_vcf(pos, ref, alt)
        if not allele.ref and not allele.alt:
            return UNANNOTATED_EFFECT
        nearby = contig.near(min(allele.lo, allele.hi), max(allele.lo, allele.hi), FLANK)
        self._coding_without_fasta = False
        effects = [e for e in (self._on_transcript(chrom, tx, allele) for tx in nearby) if e]
        if self._coding_without_fasta:
            self.notes["coding_without_fasta"] += 1
        if not effects:
            return Effect(None, None, "intergenic_variant", "IGR", impact="MODIFIER")
        best = min(effects, key=lambda e: (not e.tx.coding, severity(e.consequence), e.tx.gene,
                                           e.tx.transcript_id))
        consequence = best.consequence
        return Effect(
            gene=best.tx.gene, transcript=best.tx.transcript_id, consequence=consequence,
            variant_classification=variant_classification(consequence, ref, alt),
            hgvsc=best.hgvsc, hgvsp=best.hgvsp, hgvsp_short=short_hgvsp(best.hgvsp),
            exon=best.exon,
            impact=max((IMPACT.get(t, "MODIFIER") for t in best.terms), key=_IMPACT_ORDER.index),
        )

    # -- one transcript -------------------------------------------------------------------------
    def _on_transcript(self, chrom: str, tx: Transcript, a: Allele) -> _TxEffect | None:
        if a.hi < tx.start or a.lo > tx.end or (a.insertion and (a.lo == tx.start
                                                                 or a.hi == tx.end)):
            before = a.lo <= tx.start
            if max(tx.start - a.hi, a.lo - tx.end) > FLANK:
                return None
            upstream = before == (tx.strand == "+")
            return _TxEffect(tx, {"upstream_gene_variant" if upstream
                                  else "downstream_gene_variant"})
        if not a.insertion and a.lo <= tx.start and tx.end <= a.hi:
            return _TxEffect(tx, {"transcript_ablation"})
        terms = self._splice_terms(tx, a)
        exonic = [i for i, (s, e) in enumerate(tx.exons) if a.hits(s, e)]
        intronic = any(a.hits(s, e) for s, e in tx.introns())
        if intronic and not terms & {"splice_donor_variant", "splice_acceptor_variant"}:
            terms.add("intron_variant")
        effect = _TxEffect(tx, terms)
        if exonic:
            total = len(tx.exons)
            numbers = sorted(i + 1 if tx.strand == "+" else total - i for i in exonic)
            effect.exon = (f"{numbers[0]}/{total}" if len(numbers) == 1
                           else f"{numbers[0]}-{numbers[-1]}/{total}")
            if not tx.coding:
                terms.add("non_coding_transcript_exon_variant")
            else:
                self._exonic_terms(chrom, tx, a, effect)
        effect.hgvsc = self._hgvsc(chrom, tx, a)
        return effect

    def _splice_terms(self, tx: Transcript, a: Allele) -> set[str]:
        terms: set[str] = set()
        for s, e in tx.introns():
            five, three_ = ((s, s + SPLICE_SITE - 1), (e - SPLICE_SITE + 1, e))
            donor, acceptor = (five, three_) if tx.strand == "+" else (three_, five)
            if a.hits(*donor):
                terms.add("splice_donor_variant")
            if a.hits(*acceptor):
                terms.add("splice_acceptor_variant")
            regions = ((s + SPLICE_SITE, s + SPLICE_REGION_INTRON - 1),
                       (e - SPLICE_REGION_INTRON + 1, e - SPLICE_SITE),
                       (s - SPLICE_REGION_EXON, s - 1), (e + 1, e + SPLICE_REGION_EXON))
            if any(a.touches(*r) for r in regions) or (
                    a.insertion and (a.hi == s - 1 or a.lo == e + 1)):
                terms.add("splice_region_variant")
        if terms & {"splice_donor_variant", "splice_acceptor_variant"}:
            terms.discard("splice_region_variant")
        return terms

    def _exonic_terms(self, chrom: str, tx: Transcript, a: Allele, effect: _TxEffect) -> None:
        terms = effect.terms
        cds_lo, cds_hi = tx.cds[0][0], tx.cds[-1][1]
        in_cds = [seg for seg in tx.cds if a.hits(*seg)]
        before_cds = a.hits(tx.start, cds_lo - 1) if tx.start < cds_lo else False
        after_cds = a.hits(cds_hi + 1, tx.end) if cds_hi < tx.end else False
        if a.insertion and not in_cds:
            before_cds, after_cds = a.hi < cds_lo, a.lo > cds_hi
        exonic_utr = any(a.hits(s, e) for s, e in tx.exons if s < cds_lo or e > cds_hi)
        if exonic_utr or not in_cds:
            if before_cds:
                terms.add("5_prime_UTR_variant" if tx.strand == "+" else "3_prime_UTR_variant")
            if after_cds:
                terms.add("3_prime_UTR_variant" if tx.strand == "+" else "5_prime_UTR_variant")
        if not in_cds:
            return
        start_codon = _codon_span(tx, first=True)
        stop_codon = _codon_span(tx, first=False)
        hits_start = tx.has_start_codon and any(a.hits(*s) for s in start_codon)
        hits_stop = tx.has_stop_codon and any(a.hits(*s) for s in stop_codon)
        contained = len(in_cds) == 1 and in_cds[0][0] <= a.lo and a.hi <= in_cds[0][1]
        if a.insertion:
            contained = len(in_cds) == 1
        diff = len(a.alt) - len(a.ref)
        if not contained:  # crosses an exon or CDS edge: the protein cannot be predicted
            terms.add("coding_sequence_variant")
            if hits_start:
                terms.add("start_lost")
                effect.hgvsp = "p.Met1?"
            if hits_stop:
                terms.add("stop_lost")
            return
        if self.reference is not None and self.reference.has(chrom):
            self._protein(chrom, tx, a, effect, hits_start, hits_stop)
            return
        self._coding_without_fasta = True
        if diff % 3:
            terms.add("frameshift_variant")
        elif diff > 0:
            terms.add("inframe_insertion")
        elif diff < 0:
            terms.add("inframe_deletion")
        elif hits_start:
            terms.add("start_lost")  # every base of ATG is Met-specific
        else:
            terms.add("coding_sequence_variant")
        if hits_start and diff:
            terms.add("start_lost")
        if hits_stop and diff < 0:
            terms.add("stop_lost")
        if "start_lost" in terms:
            effect.hgvsp = "p.Met1?"

    # -- protein --------------------------------------------------------------------------------
    def _sequence(self, chrom: str, tx: Transcript) -> tuple[str, str]:
        """(CDS incl. stop, 3' UTR) in transcript orientation."""
        found = self._sequences.get(tx.transcript_id)
        if found is None:
            fetch = self.reference.fetch
            cds = "".join(fetch(chrom, s, e) for s, e in tx.cds)
            lo, hi = tx.cds[0][0], tx.cds[-1][1]
            if tx.strand == "+":
                tail = "".join(fetch(chrom, max(s, hi + 1), e) for s, e in tx.exons if e > hi)
            else:
                tail = "".join(fetch(chrom, s, min(e, lo - 1)) for s, e in tx.exons if s < lo)
                cds, tail = revcomp(cds), revcomp(tail)
            if len(self._sequences) > 256:
                self._sequences.clear()
            found = self._sequences[tx.transcript_id] = (cds, tail)
        return found

    def _protein(self, chrom: str, tx: Transcript, a: Allele, effect: _TxEffect,
                 hits_start: bool, hits_stop: bool) -> None:
        cds, tail = self._sequence(chrom, tx)
        ref_tx, alt_tx = (a.ref, a.alt) if tx.strand == "+" else (revcomp(a.ref), revcomp(a.alt))
        if a.insertion:
            left = cds_position(tx, a.hi if tx.strand == "+" else a.lo)
            c_start, c_end = left + 1, left
        else:
            ends = sorted((cds_position(tx, a.lo), cds_position(tx, a.hi)))
            c_start, c_end = ends
        mutated = cds[:c_start - 1] + alt_tx + cds[c_end:]
        diff = len(alt_tx) - len(ref_tx)
        ref_protein = translate(cds)
        ref_stop = ref_protein.find("*")
        if ref_stop < 0:
            ref_stop = len(ref_protein)
        k0 = (c_start - 1) // 3
        terms = effect.terms
        if hits_start and k0 == 0 and translate(mutated[:3]) != "M":
            terms.add("start_lost")
            if diff % 3:
                terms.add("frameshift_variant")
            elif diff:
                terms.add("inframe_insertion" if diff > 0 else "inframe_deletion")
            effect.hgvsp = "p.Met1?"
            return
        if diff % 3:
            terms.add("frameshift_variant")
            effect.hgvsp = _frameshift(ref_protein, translate((mutated + tail)[k0 * 3:]), k0)
            if hits_stop:
                terms.add("stop_lost")
            return
        w0 = max(0, k0 - CONTEXT_CODONS)
        w1 = min(len(cds) // 3, (max(c_end, c_start) - 1) // 3 + 1 + CONTEXT_CODONS)
        ref_w = translate(cds[w0 * 3:w1 * 3])
        alt_w = translate(mutated[w0 * 3:w1 * 3 + diff])
        p = 0
        while p < min(len(ref_w), len(alt_w)) and ref_w[p] == alt_w[p]:
            p += 1
        s = 0
        while (s < min(len(ref_w), len(alt_w)) - p and ref_w[-1 - s] == alt_w[-1 - s]):
            s += 1
        removed, added = ref_w[p:len(ref_w) - s], alt_w[p:len(alt_w) - s]
        first = w0 + p + 1  # 1-based position of the first changed residue
        if not removed and not added:
            aa = ref_protein[k0] if k0 < len(ref_protein) else "X"
            terms.add("stop_retained_variant" if aa == "*" else "synonymous_variant")
            if diff:
                terms.add("inframe_insertion" if diff > 0 else "inframe_deletion")
            effect.hgvsp = f"p.{three(aa)}{k0 + 1}="
            return
        if "*" in removed and removed.index("*") + first - 1 == ref_stop and "*" not in added:
            terms.add("stop_lost")
            extension = translate((mutated + tail)[(ref_stop if not diff else first - 1) * 3:])
            new_stop = extension.find("*")
            effect.hgvsp = (f"p.Ter{ref_stop + 1}{three(extension[:1])}ext"
                            f"Ter{new_stop if new_stop > 0 else '?'}")
            if diff:
                terms.add("inframe_insertion" if diff > 0 else "inframe_deletion")
            return
        if "*" in added:
            terms.add("stop_gained")
            if diff:
                terms.add("inframe_insertion" if diff > 0 else "inframe_deletion")
            effect.hgvsp = _stop_gained(ref_w, removed, added, first)
            return
        if diff > 0:
            terms.add("inframe_insertion")
        elif diff < 0:
            terms.add("inframe_deletion")
        else:
            terms.add("missense_variant")
        effect.hgvsp = _inframe(ref_w, p, w0, removed, added)

    # -- HGVSc ----------------------------------------------------------------------------------
    def _hgvsc(self, chrom: str, tx: Transcript, a: Allele) -> str | None:
        if min(a.lo, a.hi) < tx.start or max(a.lo, a.hi) > tx.end:
            return None  # reaches beyond the transcript: no single c. interval
        a = self._shift(chrom, tx, a)
        prefix = "c." if tx.coding else "n."
        plus = tx.strand == "+"
        ref_tx = a.ref if plus else revcomp(a.ref)
        alt_tx = a.alt if plus else revcomp(a.alt)
        if a.insertion:
            dup = self._duplicated(chrom, tx, a)
            if dup is not None:
                first, last = (c_notation(tx, dup[0]), c_notation(tx, dup[1]))
                if not plus:
                    first, last = last, first
                span = first if first == last else f"{first}_{last}"
                return f"{prefix}{span}dup"
            left, right = (a.hi, a.lo) if plus else (a.lo, a.hi)
            return f"{prefix}{c_notation(tx, left)}_{c_notation(tx, right)}ins{alt_tx}"
        first, last = (a.lo, a.hi) if plus else (a.hi, a.lo)
        span = c_notation(tx, first)
        if last != first:
            span = f"{span}_{c_notation(tx, last)}"
        if a.deletion:
            return f"{prefix}{span}del"
        if len(a.ref) == 1 and len(a.alt) == 1:
            return f"{prefix}{span}{ref_tx}>{alt_tx}"
        return f"{prefix}{span}delins{alt_tx}"

    def _shift(self, chrom: str, tx: Transcript, a: Allele) -> Allele:
        """Move a pure insertion/deletion 3' along the transcript (HGVS rule) inside its exon
        or intron, when the sequence is known."""
        if self.reference is None or not self.reference.has(chrom) or (a.ref and a.alt):
            return a
        bounds = _segment(tx, a.hi if a.insertion else a.lo)
        if bounds is None:
            return a
        lo_bound, hi_bound = bounds
        moving = a.alt if a.insertion else a.ref
        lo, hi = a.lo, a.hi
        if tx.strand == "+":
            window = self.reference.fetch(chrom, hi + 1, min(hi_bound, hi + 500))
            for base in window:
                if base != moving[0] or hi + 1 > hi_bound:
                    break
                moving = moving[1:] + moving[0]
                lo, hi = lo + 1, hi + 1
        else:
            start = max(lo_bound, lo - 500)
            window = self.reference.fetch(chrom, start, lo - 1)
            for base in reversed(window):
                if base != moving[-1] or lo - 1 < lo_bound:
                    break
                moving = moving[-1] + moving[:-1]
                lo, hi = lo - 1, hi - 1
        if a.insertion:
            return Allele(lo, hi, "", moving)
        return Allele(lo, hi, moving, "")

    def _duplicated(self, chrom: str, tx: Transcript, a: Allele) -> tuple[int, int] | None:
        if self.reference is None or not self.reference.has(chrom):
            return None
        n = len(a.alt)
        span = (a.hi - n + 1, a.hi) if tx.strand == "+" else (a.lo, a.lo + n - 1)
        if span[0] < tx.start or span[1] > tx.end:
            return None
        if self.reference.fetch(chrom, *span) == a.alt:
            return span
        return None


# -- helpers ------------------------------------------------------------------------------------
def _codon_span(tx: Transcript, first: bool) -> list[tuple[int, int]]:
    """Genomic segments of the start (first=True) or stop codon of a coding transcript."""
    segments = list(tx.cds) if (tx.strand == "+") == first else [
        (s, e) for s, e in reversed(tx.cds)]
    out, need = [], 3
    for s, e in segments:
        size = min(need, e - s + 1)
        if (tx.strand == "+") == first:
            out.append((s, s + size - 1))
        else:
            out.append((e - size + 1, e))
        need -= size
        if not need:
            break
    return out


def cds_position(tx: Transcript, pos: int) -> int:
    """1-based CDS position of a coding genomic position."""
    offset = 0
    segments = tx.cds if tx.strand == "+" else tx.cds[::-1]
    for s, e in segments:
        if s <= pos <= e:
            return offset + (pos - s + 1 if tx.strand == "+" else e - pos + 1)
        offset += e - s + 1
    raise ValueError(f"{pos} is not in the CDS of {tx.transcript_id}")


def _segment(tx: Transcript, pos: int) -> tuple[int, int] | None:
    for s, e in tx.exons + tx.introns():
        if s <= pos <= e:
            return s, e
    return None


def c_notation(tx: Transcript, pos: int) -> str:
    """HGVS c./n. position of a genomic position inside the transcript (introns as N+k / N-k)."""
    exonic = tx.tx_pos(pos)
    if exonic is not None:
        return _from_tx(tx, exonic)
    for (_, le), (rs, _) in zip(tx.exons, tx.exons[1:], strict=False):
        if le < pos < rs:
            to_left, to_right = pos - le, rs - pos
            if tx.strand == "+":
                if to_left <= to_right:
                    return f"{_from_tx(tx, tx.tx_pos(le))}+{to_left}"
                return f"{_from_tx(tx, tx.tx_pos(rs))}-{to_right}"
            if to_right <= to_left:
                return f"{_from_tx(tx, tx.tx_pos(rs))}+{to_right}"
            return f"{_from_tx(tx, tx.tx_pos(le))}-{to_left}"
    raise ValueError(f"{pos} is outside {tx.transcript_id}")


def _from_tx(tx: Transcript, t: int) -> str:
    bounds = tx.cds_bounds()
    if bounds is None:
        return str(t)
    first, last = bounds
    if t < first:
        return f"-{first - t}"
    if t > last:
        return f"*{t - last}"
    return str(t - first + 1)


def _frameshift(ref_protein: str, alt_from_k0: str, k0: int) -> str:
    stop = alt_from_k0.find("*")
    alt = alt_from_k0[:stop + 1] if stop >= 0 else alt_from_k0
    i = 0
    while i < len(alt) and k0 + i < len(ref_protein) and alt[i] == ref_protein[k0 + i]:
        i += 1
    pos = k0 + i + 1
    ref_aa = ref_protein[k0 + i] if k0 + i < len(ref_protein) else "X"
    if i >= len(alt):
        return f"p.{three(ref_aa)}{pos}fs"
    if ref_aa == "*":  # the stop codon itself shifted: the protein runs on (HGVS extension)
        return f"p.Ter{pos}{three(alt[i])}extTer{stop - i if stop >= 0 else '?'}"
    if alt[i] == "*":
        return f"p.{three(ref_aa)}{pos}Ter"
    if stop < 0:
        return f"p.{three(ref_aa)}{pos}fs"
    return f"p.{three(ref_aa)}{pos}{three(alt[i])}fsTer{stop - i + 1}"


def _stop_gained(ref_w: str, removed: str, added: str, first: int) -> str:
    cut = added.index("*")
    if cut == 0 and removed:
        return f"p.{three(removed[0])}{first}Ter"
    if not removed:  # in-frame insertion that brings a stop
        return (f"p.{three(ref_w[first - 2:first - 1])}{first - 1}_"
                f"{three(ref_w[first - 1:first])}{first}ins{three(added[:cut + 1])}")
    end = first + len(removed) - 1
    span = f"{three(removed[0])}{first}" + (f"_{three(removed[-1])}{end}" if end > first else "")
    return f"p.{span}delins{three(added[:cut + 1])}"


def _inframe(ref_w: str, p: int, w0: int, removed: str, added: str) -> str:
    first = w0 + p + 1
    if not removed:  # insertion between residues first-1 and first, or a duplication
        n = len(added)
        if p >= n and ref_w[p - n:p] == added:
            start = first - n
            if n == 1:
                return f"p.{three(added)}{start}dup"
            return f"p.{three(added[0])}{start}_{three(added[-1])}{first - 1}dup"
        return (f"p.{three(ref_w[p - 1])}{first - 1}_{three(ref_w[p])}{first}"
                f"ins{three(added)}")
    end = first + len(removed) - 1
    span = f"{three(removed[0])}{first}" + (f"_{three(removed[-1])}{end}" if end > first else "")
    if not added:
        return f"p.{span}del"
    if len(removed) == 1 and len(added) == 1:
        return f"p.{three(removed)}{first}{three(added)}"
    return f"p.{span}delins{three(added)}"


def gtf_annotation(gtf: str | Path, fasta: str | Path | None, genome: str,
                   notes: list[str] | None = None):
    """The `call -> Effect` function the variants step uses for a raw VCF given --gtf."""
    predictor = Predictor(gtf, fasta, genome)
    if notes is not None and fasta is None:
        notes.append(NO_FASTA_NOTE)
    return predictor
