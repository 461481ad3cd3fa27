"""Reading one table cell as a number: the missing-value spellings tools write, and the error."""

from __future__ import annotations

import math
from pathlib import Path

from ..errors import LenallInputError

# How the tools we read write "no value": VCF '.', R's NA/NaN, pandas' nan, CNVkit/FACETS blanks.
MISSING_VALUES = frozenset(("", ".", "NA", "NaN", "nan", "na", "None", "-"))


def parse_number(text: str | None, *, file: str | Path | None, line: int | None, field: str,
                 hint: str | None = None) -> float | None:
    """The cell as a float; None for a missing, NaN or infinite value; an input error otherwise."""
    text = (text or "").strip()
    if text in MISSING_VALUES:
        return None
    try:
        value = float(text)
    except ValueError:
        raise LenallInputError(f"'{text}' is not a number", file=file, line=line, field=field,
                               hint=hint) from None
    return None if math.isnan(value) or math.isinf(value) else value
