"""Per-sample report fragments kept beside the report, keyed by their own inputs.

A fragment is what the report shows of one sample, as plain data (strings, numbers, lists). Its
key is a hash of the package version, the sample's samplesheet fields, the cohort facts the
fragment depends on (the alterations the oncoprint looks up in the sample's variants) and the
content of each per-sample file it reads. Adding or changing one case therefore recomputes only
that case's fragment; the page is still assembled whole, so its bytes do not depend on which
fragments came from the cache (JSON keeps every value as it was).

The fragments are stored SHARDS to a folder (`<shard>.json`, the shard chosen by a hash of the
sample id), not one file per sample: making a file costs milliseconds on a busy disk, which at
10,000 samples was most of the report's time. A shard is written again (whole, atomically) only
when one of its fragments changed, after the page is written. Each stored fragment keeps the size,
modification time and content hash of the files it was made from, so a file whose size and time
are unchanged is not read again to be hashed (as the runner's cache does).
"""

from __future__ import annotations

import hashlib
import json
import os
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
    """`<report folder>/.report-fragments/<shard>.json`: {sample: {"key", "files",
    "fragment"}}. Call `save()` once the page is written."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / FOLDER
        self.computed: list[str] = []  # samples whose fragment was (re)computed this run
        self._shards: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()

    def get(self, sample: str, facts: Any, files: Iterable[Path | None],
            compute: Callable[[], dict], *, present: Iterable[Path | None] = ()) -> dict:
        """The fragment of `sample`: stored when its key is unchanged, else `compute()`. `files`
        are read by `compute` (their content is in the key); of `present`, only whether each
        exists counts."""
        shard = self._shard(shard_of(sample))
        stored = shard.get(sample)
        known = {}
        if isinstance(stored, dict) and isinstance(stored.get("files"), list):
            known = {tuple(f[:3]): f[3] for f in stored["files"]
                     if isinstance(f, list) and len(f) == 4}
        signatures = [_signature(p) for p in files]
        digests = [known.get(tuple(s)) or (file_digest(p) if s[1] >= 0 else "-")
                   for s, p in zip(signatures, files, strict=True)]
        key = hashlib.sha256(json.dumps(
            [__version__, FORMAT, sample, facts, [(s[0], d) for s, d in zip(signatures, digests,
                                                                             strict=True)],
             [p.name if p is not None and p.is_file() else "-" for p in present]],
            sort_keys=True, default=str).encode("utf-8")).hexdigest()
        files_record = [[*s, d] for s, d in zip(signatures, digests, strict=True)]
        if isinstance(stored, dict) and stored.get("key") == key and "fragment" in stored:
            if stored.get("files") != files_record:  # same content, new times: keep them
                stored["files"] = files_record
                self._dirty.add(shard_of(sample))
            return stored["fragment"]
        fragment = json.loads(json.dumps(compute()))  # the same values a cached read gives
        self.computed.append(sample)
        shard[sample] = {"key": key, "files": files_record, "fragment": fragment}
        self._dirty.add(shard_of(sample))
        return fragment

    def save(self) -> None:
        """Write the shards whose fragments changed."""
        if not self._dirty:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for name in sorted(self._dirty):
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


def _signature(path: Path | None) -> list:
    """[file name, size, modification time in ns]; size -1 when the file is absent."""
    if path is None:
        return ["-", -1, 0]
    try:
        found = os.stat(path)
    except OSError:
        return [path.name, -1, 0]
    return [path.name, found.st_size, found.st_mtime_ns]
