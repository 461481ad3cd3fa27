"""Per-sample report fragments kept beside the report, keyed by their own inputs.

A fragment is what the report shows of one sample, as plain data (strings, numbers, lists). Its
key is a hash of the package version, the sample's samplesheet fields, the cohort facts the
fragment depends on (the alterations the oncoprint looks up in the sample's variants) and the
content of each per-sample file it reads. Adding or changing one case therefore recomputes only
that case's fragment; the page is still assembled whole, so its bytes do not depend on which
fragments came from the cache (JSON keeps every value as it was).

The fragments are stored in SHARDS files (`<shard>.json`, the shard chosen by a hash of the
sample id), not one file per sample: making a file costs milliseconds on a busy disk, which at
10,000 samples was most of the report's time. After the page is written, a shard is written
again (whole, atomically) only when one of its fragments changed or it holds a sample the
samplesheet no longer has (and a file that holds no current sample is removed), so the folder
depends on the current inputs only: a re-run from scratch makes the same bytes.
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
FORMAT = 3  # what a fragment holds; a stored fragment of another format is recomputed
SHARDS = 64
CHUNK = 1 << 20


def file_digest(path: Path | None) -> str:
    if path is None or not path.is_file():
        return "-"
    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def shard_of(sample: str) -> str:
    return f"{int(hashlib.sha256(sample.encode('utf-8')).hexdigest()[:8], 16) % SHARDS:02d}"


class FragmentCache:
    """`<report folder>/.report-fragments/<shard>.json`: {sample: {"key", "fragment"}}. Call
    `save()` once the page is written."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / FOLDER
        self.computed: list[str] = []  # samples whose fragment was (re)computed this run
        self._shards: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
        self._used: set[str] = set()

    def get(self, sample: str, facts: Any, files: Iterable[Path | None],
            compute: Callable[[], dict], *, present: Iterable[Path | None] = ()) -> dict:
        """The fragment of `sample`: stored when its key is unchanged, else `compute()`. `files`
        are read by `compute` (their content is in the key); of `present`, only whether each
        exists counts."""
        name = shard_of(sample)
        shard = self._shard(name)
        self._used.add(sample)
        key = hashlib.sha256(json.dumps(
            [__version__, FORMAT, sample, facts,
             [(p.name if p else "-", file_digest(p)) for p in files],
             [p.name if p is not None and p.is_file() else "-" for p in present]],
            sort_keys=True, default=str).encode("utf-8")).hexdigest()
        stored = shard.get(sample)
        if isinstance(stored, dict) and stored.get("key") == key and "fragment" in stored:
            return stored["fragment"]
        fragment = json.loads(json.dumps(compute()))  # the same values a cached read gives
        self.computed.append(sample)
        shard[sample] = {"key": key, "fragment": fragment}
        self._dirty.add(name)
        return fragment

    def save(self) -> None:
        """Write the shards whose fragments changed; drop samples not asked for this run."""
        for name, shard in self._shards.items():
            stale = [sample for sample in shard if sample not in self._used]
            for sample in stale:
                del shard[sample]
            if stale:
                self._dirty.add(name)
        if self.folder.is_dir():
            wanted = {f"{name}.json" for name, shard in self._shards.items() if shard}
            for path in self.folder.iterdir():
                if path.name not in wanted and path.is_file():
                    path.unlink()  # only samples no longer asked for, or another format
        for name in sorted(self._dirty):
            if self._shards[name]:
                self.folder.mkdir(parents=True, exist_ok=True)
                with atomic_open(self.folder / f"{name}.json") as handle:
                    handle.write(json.dumps(self._shards[name], sort_keys=True))
        self._dirty.clear()

    def _shard(self, name: str) -> dict[str, Any]:
        if name not in self._shards:
            self._shards[name] = self._read(self.folder / f"{name}.json")
        return self._shards[name]

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        try:
            with open(path, encoding="utf-8") as handle:
                stored = json.load(handle)
        except (OSError, ValueError):
            return {}  # absent or damaged: its fragments are recomputed
        return stored if isinstance(stored, dict) else {}
