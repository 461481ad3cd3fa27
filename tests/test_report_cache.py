"""The report's per-sample fragment cache: keyed by each sample's own inputs, stored in shards."""

from __future__ import annotations

import os

from lenall_genomics.report.cache import FOLDER, SHARDS, FragmentCache


def _files(tmp_path, sample: str) -> tuple:
    table = tmp_path / f"{sample}.variants.tsv"
    plot = tmp_path / f"{sample}.genome.png"
    if not table.exists():
        table.write_text("gene\tstatus\nTP53\tsomatic\n", encoding="utf-8")
    return table, plot


def _get(cache: FragmentCache, tmp_path, sample: str, calls: list[str]) -> dict:
    table, plot = _files(tmp_path, sample)

    def compute() -> dict:
        calls.append(sample)
        return {"sample": sample, "text": table.read_text(encoding="utf-8"),
                "plot": plot.is_file()}

    return cache.get(sample, ["facts"], [table], compute, present=[plot])


def test_fragments_are_stored_in_shards_and_reused(tmp_path) -> None:
    samples = [f"S{i:03d}" for i in range(3 * SHARDS)]
    calls: list[str] = []
    cache = FragmentCache(tmp_path)
    first = {s: _get(cache, tmp_path, s, calls) for s in samples}
    cache.save()
    assert calls == samples
    stored = list((tmp_path / FOLDER).iterdir())
    assert 1 < len(stored) <= SHARDS  # not a file per sample

    calls.clear()
    again = FragmentCache(tmp_path)
    assert {s: _get(again, tmp_path, s, calls) for s in samples} == first
    assert calls == []
    stamps = {p.name: p.stat().st_mtime_ns for p in stored}
    again.save()  # nothing changed: no shard is written
    assert {p.name: p.stat().st_mtime_ns for p in stored} == stamps


def test_a_changed_input_recomputes_only_its_sample(tmp_path) -> None:
    calls: list[str] = []
    cache = FragmentCache(tmp_path)
    for s in ("A", "B"):
        _get(cache, tmp_path, s, calls)
    cache.save()

    table, _plot = _files(tmp_path, "A")
    table.write_text("gene\tstatus\nKRAS\tsomatic\n", encoding="utf-8")  # same size
    os.utime(table, ns=(table.stat().st_atime_ns, table.stat().st_mtime_ns + 10**9))
    calls.clear()
    cache = FragmentCache(tmp_path)
    assert "KRAS" in _get(cache, tmp_path, "A", calls)["text"]
    _get(cache, tmp_path, "B", calls)
    assert calls == ["A"]


def test_a_plot_counts_by_presence_only(tmp_path) -> None:
    calls: list[str] = []
    cache = FragmentCache(tmp_path)
    assert _get(cache, tmp_path, "A", calls)["plot"] is False
    cache.save()
    _table, plot = _files(tmp_path, "A")
    plot.write_bytes(b"one")
    cache = FragmentCache(tmp_path)
    assert _get(cache, tmp_path, "A", calls)["plot"] is True  # appeared: recomputed
    cache.save()
    plot.write_bytes(b"another picture")
    calls.clear()
    cache = FragmentCache(tmp_path)
    assert _get(cache, tmp_path, "A", calls)["plot"] is True
    assert calls == []  # redrawn: the fragment does not show the picture itself


def test_a_damaged_shard_is_recomputed(tmp_path) -> None:
    calls: list[str] = []
    cache = FragmentCache(tmp_path)
    _get(cache, tmp_path, "A", calls)
    cache.save()
    for path in (tmp_path / FOLDER).iterdir():
        path.write_text('{"A": {"key"', encoding="utf-8")
    calls.clear()
    cache = FragmentCache(tmp_path)
    assert _get(cache, tmp_path, "A", calls)["sample"] == "A"
    assert calls == ["A"]


def test_the_store_depends_on_the_current_samples_only(tmp_path) -> None:
    calls: list[str] = []
    cache = FragmentCache(tmp_path)
    for s in ("A", "B", "C"):
        _get(cache, tmp_path, s, calls)
    cache.save()
    (tmp_path / FOLDER / "old-format-file.json").write_text("{}", encoding="utf-8")
    cache = FragmentCache(tmp_path)  # C left the samplesheet
    for s in ("A", "B"):
        _get(cache, tmp_path, s, calls)
    cache.save()
    kept = {p.name: p.read_bytes() for p in (tmp_path / FOLDER).iterdir()}
    assert b'"C"' not in b"".join(kept.values()) and "old-format-file.json" not in kept

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for s in ("A", "B"):  # the same inputs from scratch: the same files, byte for byte
        for name in (f"{s}.variants.tsv",):
            (fresh / name).write_bytes((tmp_path / name).read_bytes())
    cache = FragmentCache(fresh)
    for s in ("A", "B"):
        _get(cache, fresh, s, calls)
    cache.save()
    again = {p.name: p.read_bytes() for p in (fresh / FOLDER).iterdir()}
    assert {n: b.replace(str(fresh).encode(), b"") for n, b in again.items()} == {
        n: b.replace(str(tmp_path).encode(), b"") for n, b in kept.items()}
