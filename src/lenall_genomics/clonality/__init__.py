"""Clonal relatedness of two tumours of one patient (e.g. a myeloma and a later B-ALL).

Per pair of tumour samples, ordered by timepoint, the evidence is:
- sample identity first: germline homozygous-site concordance and IBS0 (somalier,
  docs/methods.md e);
- somatic mutations shared and private (chrom/pos/ref/alt), with the other sample's reads at each
  site so that presence below the calling threshold is seen;
- the Ostrovnaya-Begg likelihood-ratio test, which weighs a shared mutation by how common it is
  in independent tumours of each sample's disease (assets/mutation_frequencies.tsv), p-value by
  simulation (fixed seed); recurrent hotspots alone never make a pair related;
- copy-number breakpoints shared within a tolerance (breakclone) and shared arm-level events;
- IGH clonotypes: same IGHV and IGHJ genes, same junction length, >= 85% nucleotide identity;
  distinct productive clones with adequate data mean distinct B-cell clones.
The verdict comes from the ordered rules in assets/clonality_rules.tsv, with its evidence.

The package, one module per concept: inputs (per-sample results), sites, reads (variants table
or BAM/CRAM), identity, mutations, frequencies, statistic (likelihood-ratio test), copynumber,
igh, rules, pair (one comparison and its verdict), cohort (the per-patient loop) and outputs.
"""

from __future__ import annotations

from .cohort import CohortClonality, parse_bams, run_clonality, timepoint_order
from .copynumber import arm_events, breakpoints, cn_tolerance, segment_state, shared_breakpoints
from .frequencies import (
    Frequency,
    FrequencyTable,
    load_frequencies,
    pair_frequency,
    short_protein_change,
    table_disease,
)
from .identity import GERMLINE_STATUSES, Identity, genotype, sample_identity
from .igh import (
    IghComparison,
    clonotype_label,
    compare_igh,
    dominant_clonotypes,
    igh_reads,
    is_productive,
    junction_identity,
    merge_isotypes,
    same_clonotype,
)
from .inputs import (
    RESULT_SUFFIXES,
    SampleData,
    has_results,
    index_results,
    load_sample,
    read_cn_labels,
    read_segments_tsv,
    read_variants_tsv,
)
from .mutations import SHARED_STATUSES, TESTABLE_ABSENCE, MutationComparison, compare_mutations
from .outputs import CLONALITY_COLUMNS, EVIDENCE_COLUMNS, write_clonality
from .pair import PairResult, analyse_pair, pair_metrics
from .parameters import ch_genes, default_parameters
from .reads import ReadCounter, Reads, on_panel, reads_at
from .rules import METRICS, Rule, apply_rules, load_rules
from .sites import Key, site_order
from .statistic import XI_GRID, locus_log_likelihoods, lr_statistic, lr_test

__all__ = [
    "CLONALITY_COLUMNS",
    "CohortClonality",
    "EVIDENCE_COLUMNS",
    "Frequency",
    "FrequencyTable",
    "GERMLINE_STATUSES",
    "Identity",
    "IghComparison",
    "Key",
    "METRICS",
    "MutationComparison",
    "PairResult",
    "RESULT_SUFFIXES",
    "ReadCounter",
    "Reads",
    "Rule",
    "SHARED_STATUSES",
    "SampleData",
    "TESTABLE_ABSENCE",
    "XI_GRID",
    "analyse_pair",
    "apply_rules",
    "arm_events",
    "breakpoints",
    "ch_genes",
    "clonotype_label",
    "cn_tolerance",
    "compare_igh",
    "compare_mutations",
    "default_parameters",
    "dominant_clonotypes",
    "genotype",
    "igh_reads",
    "is_productive",
    "has_results",
    "index_results",
    "junction_identity",
    "load_frequencies",
    "load_rules",
    "load_sample",
    "locus_log_likelihoods",
    "lr_statistic",
    "lr_test",
    "merge_isotypes",
    "on_panel",
    "pair_frequency",
    "pair_metrics",
    "parse_bams",
    "read_cn_labels",
    "read_segments_tsv",
    "read_variants_tsv",
    "reads_at",
    "run_clonality",
    "same_clonotype",
    "sample_identity",
    "segment_state",
    "shared_breakpoints",
    "short_protein_change",
    "site_order",
    "table_disease",
    "timepoint_order",
    "write_clonality",
]
