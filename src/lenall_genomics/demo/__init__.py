"""The demo cohort: a deterministic reconstruction of Geyer et al. 2023's 32 patients."""
