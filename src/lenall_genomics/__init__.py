"""lenall-genomics: B-ALL after lenalidomide-treated myeloma, from caller outputs to a cohort figure."""

__version__ = "0.1.0"
