"""Driver events from fusion calls and copy-number segments (model.EVENT_COLUMNS).

``fusions`` turns fusion calls into events, ``copynumber`` turns segments into events,
``tables`` reads the rule tables of assets/ and ``rows`` holds what both share.

Both ``<sample>.fusions.tsv`` and ``<sample>.cn_events.tsv`` have these columns:

- ``gene``: the gene the event is counted for (HGNC symbol; ``IGH`` for the whole locus). For a
  curated fusion the driver gene of ``assets/fusions_curated.tsv`` (CRLF2 for P2RY8::CRLF2 and
  IGH::CRLF2, ABL1 for BCR::ABL1, KMT2A for KMT2A::AFF1, ...); for other fusions the 5' gene.
  ``CDKN2A/B deletion`` is counted for CDKN2A (or CDKN2B when only CDKN2B is deleted).
- Gene-level copy-number events are focal: a loss or gain whose run of segments covers most of
  the chromosome arm (``broad_min_arm_fraction``) is karyotype, left to the ploidy step, and
  listed in the QC file (``genes_in_arm_level_changes``); deep deletions are always reported.
- ``event_type``: fusion (RNA fusion, or the P2RY8::CRLF2 fusion inferred from a PAR1 deletion)
  | rearrangement (a DNA structural variant, or a copy-number breakpoint inside KMT2A)
  | deep_deletion (no copy left) | loss (fewer copies than the baseline over the whole gene)
  | intragenic_deletion (part of the gene lost) | gain | amplification.
- ``partner``: the other fusion gene; empty for copy-number events and unknown partners.
  Intergenic breakpoints are written ``chrom:position``.
- ``label``: what the oncoprint shows: ``5'::3'`` for curated fusions (``P2RY8::CRLF2``,
  ``IGH::CRLF2``, ``BCR::ABL1``, ``KMT2A::AFF1``), ``other`` for every other fusion call,
  ``KMT2A rearrangement`` (DNA SV with a KMT2A breakpoint), ``KMT2A rearrangement (likely,
  from CN breakpoint)`` (3' part of KMT2A lost), ``KMT2A rearrangement (possible, from CN
  breakpoint)`` (any other copy-number step inside KMT2A), ``P2RY8::CRLF2 (inferred from DNA)``, ``IKZF1 Δ4-7`` (exons from
  ``assets/exons_<build>.tsv``), ``CDKN2A/B deletion``, ``<GENE> loss``, ``<GENE> deep deletion``,
  ``<GENE> intragenic deletion``, ``<GENE> gain``, ``<GENE> amplification``.
- ``source``: rna | dna_cn | dna_sv.
- ``evidence``: ``key=value`` pairs separated by ``; ``: fusion name as called, caller, reads
  (split + spanning), breakpoints, caller type, frame, filters, reciprocal call; for copy number
  the basis (total_cn or log2), the segments, copy numbers, purity and allelic state.
- ``confidence``: high | medium | low. Fusions: the caller's own confidence (Arriba high/medium/
  low, Archer strong/weak, VCF FILTER PASS = high, other = low), empty (``.``) when the caller
  gives none. Copy number: high from absolute copy number, medium from log2; the KMT2A
  rearrangement from a copy-number breakpoint is medium when likely, low when possible.

Rules are data: ``assets/fusions_curated.tsv``, ``assets/fusion_gene_aliases.tsv``,
``assets/cn_thresholds.tsv``, ``assets/pseudoautosomal_regions.tsv``.
"""

from .copynumber import (
    KMT2A_CN_LABEL,
    KMT2A_CN_LIKELY_LABEL,
    P2RY8_CRLF2_DNA_LABEL,
    _Seg,
    adjusted_log2,
    baseline,
    cn_events,
    run_copynumber,
    segment_state,
)
from .fusions import fusion_events, in_igh_locus, normalize_gene, run_fusions
from .rows import CONFIDENCE_RANK, DELETION_TYPES, EVENT_TYPES, event_rows
from .tables import (
    CuratedFusion,
    cn_parameters,
    curated_fusions,
    curated_match,
    gene_aliases,
    pseudoautosomal,
    reported_cn_genes,
)

__all__ = [
    "CONFIDENCE_RANK",
    "DELETION_TYPES",
    "EVENT_TYPES",
    "KMT2A_CN_LABEL",
    "KMT2A_CN_LIKELY_LABEL",
    "P2RY8_CRLF2_DNA_LABEL",
    "CuratedFusion",
    "_Seg",
    "adjusted_log2",
    "baseline",
    "cn_events",
    "cn_parameters",
    "curated_fusions",
    "curated_match",
    "event_rows",
    "fusion_events",
    "gene_aliases",
    "in_igh_locus",
    "normalize_gene",
    "pseudoautosomal",
    "reported_cn_genes",
    "run_copynumber",
    "run_fusions",
    "segment_state",
]
