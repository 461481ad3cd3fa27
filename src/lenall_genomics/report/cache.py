"""Per-sample report fragments kept beside the report, keyed by their own inputs.

A fragment is what the report shows of one sample, as plain data (strings, numbers, lists). Its
key is a hash of the package version, the sample's samplesheet fields, the cohort facts the
fragment depends on (the alterations the oncoprint looks up in the sample's variants) and the
content of each per-sample file it reads. Adding or changing one case therefore recomputes only
that case's fragment; the page is still assembled whole, so its bytes do not depend on which
fragments came from the cache (JSON keeps every value as it was).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .. import __version__
from ..writers import atomic_open

FOLDER = ".report-fragments"
FORMAT = 2  # what a fragment holds; a stored fragment of another format is recomputed
CHUNK = 1 << 20


def file_digest(path: Path | None) -> str:
    if path is None or not path.is_file():
        return "-"
    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FragmentCache:
    """`<report folder>/.report-fragments/<hash of sample id>.json`: {"key", "fragment"}."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / FOLDER
        self.computed: list[str] = []  # samples whose fragment was (re)computed this run

    def get(self, sample: str, facts: Any, files: Iterable[Path | None],
            compute: Callable[[], dict]) -> dict:
        key = hashlib.sha256(json.dumps(
            [__version__, FORMAT, sample, facts, [(p.name if p else "-", file_digest(p)) for p in files]],
            sort_keys=True, default=str).encode("utf-8")).hexdigest()
        path = self.folder / (hashlib.sha256(sample.encode("utf-8")).hexdigest()[:24] + ".json")
        stored = self._read(path)
        if stored is not None and stored.get("key") == key:
            return stored["fragment"]
        fragment = json.loads(json.dumps(compute()))  # the same values a cached read gives
        self.computed.append(sample)
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_open(path) as handle:
            handle.write(json.dumps({"key": key, "sample": sample, "fragment": fragment},
                                    sort_keys=True))
        return fragment

    @staticmethod
    def _read(path: Path) -> dict | None:
        try:
            with open(path, encoding="utf-8") as handle:
                stored = json.load(handle)
        except (OSError, ValueError):
            return None  # absent or damaged: recomputed
        return stored if isinstance(stored, dict) and "fragment" in stored else None
