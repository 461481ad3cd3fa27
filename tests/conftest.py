"""Shared test helpers: the ../shared/real-examples folder (tests using it skip when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL_EXAMPLES = REPO.parent / "shared" / "real-examples"


@pytest.fixture
def real_examples() -> Path:
    if not REAL_EXAMPLES.is_dir():
        pytest.skip("../shared/real-examples is not present")
    return REAL_EXAMPLES
