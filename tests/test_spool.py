"""The streaming sort behind variants.tsv and the MAF: any order in, (chromosome, position, key,
line) order out, whether lines come one by one or in Blocks cut anywhere."""

from __future__ import annotations

import random

import pytest

from lenall_genomics.variants.pipeline import tsv_key
from lenall_genomics.variants.spool import SortedSpool, block, chrom_order, sort_key


def _records(seed: int, *, shuffled_chrom: str | None = None) -> list[tuple[str, int, str, str]]:
    """(chrom, pos, key, line) in a caller's order: sorted by position, with repeated positions
    (split multi-allelic records, alleles in any order), chromosomes in file order."""
    rng = random.Random(seed)
    out = []
    for chrom in ("1", "2", "10", "X"):
        pos = 90  # positions of 2 to 5 digits: text order is not number order
        rows = []
        for _ in range(rng.randint(30, 80)):
            pos += rng.choice((0, 0, 1, 5, 40, 900))
            ref, alt = rng.choice("ACGT"), rng.choice(("A", "C", "GT", "T", "TTA"))
            tie = f"{ref}\t{alt}"
            line = f"{chrom}\t{pos}\t{tie}\t{rng.random():.6f}"
            rows.append((chrom, pos, sort_key(pos, tie), line))
        if chrom == shuffled_chrom:
            rng.shuffle(rows)
        out += rows
    # a caller that writes chromosomes as text sorts (1, 10, 2, X)
    return sorted(out, key=lambda r: ["1", "10", "2", "X"].index(r[0]))


def _expected(records) -> list[str]:
    by_chrom: dict[str, list[tuple[str, str]]] = {}
    for chrom, _, key, line in records:
        by_chrom.setdefault(chrom, []).append((key, line))
    return [line for chrom in sorted(by_chrom, key=chrom_order)
            for _, line in sorted(by_chrom[chrom], key=lambda kl: f"{kl[0]}\x1f{kl[1]}")]


def _blocks(records, rng: random.Random, key_of_line=None):
    """Cut the records into Blocks at random places (one chromosome per Block)."""
    runs: list[list] = []
    for record in records:
        if not runs or runs[-1][0][0] != record[0] or rng.random() < 0.15:
            runs.append([])
        runs[-1].append(record)
    for run in runs:
        keys = [] if key_of_line else [r[2] for r in run]
        yield block(run[0][0], [r[1] for r in run], keys, [r[3] for r in run], key_of_line)


def _written(spool: SortedSpool, tmp_path) -> list[str]:
    out = tmp_path / "out.tsv"
    spool.write(out, ["#header"])
    lines = out.read_text().splitlines()
    assert lines[0] == "#header"
    return lines[1:]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("shuffled", [None, "2"])
@pytest.mark.parametrize("key_of_line", [None, tsv_key], ids=["keys", "keys_from_lines"])
def test_blocks_and_single_lines_give_the_sorted_file(tmp_path, seed, shuffled, key_of_line):
    """Keys sent with the lines, or made from the lines (POS, REF, ALT as in variants.tsv)."""
    records = _records(seed, shuffled_chrom=shuffled)
    expected = _expected(records)

    one_by_one = SortedSpool(tmp_path, key_of_line)
    for chrom, pos, key, line in records:
        one_by_one.extend(chrom, [pos], [key.encode()], [line.encode()])
    assert _written(one_by_one, tmp_path) == expected

    in_blocks = SortedSpool(tmp_path, key_of_line)
    for lines in _blocks(records, random.Random(seed), key_of_line):
        assert (lines.keys == b"") == (key_of_line is not None)
        in_blocks.add_block(lines)
    assert in_blocks.count == len(records)
    assert _written(in_blocks, tmp_path) == expected
    assert not list(tmp_path.glob(".spool.*")), "temporary files are removed"


def test_a_position_split_across_blocks_is_sorted_as_one_group(tmp_path):
    tie_late, tie_early = "T\tA", "C\tG"
    first = block("1", [5, 9], [sort_key(5, "A\tC"), sort_key(9, tie_late)], ["a", "z-late"])
    second = block("1", [9, 12], [sort_key(9, tie_early), sort_key(12, "G\tT")], ["b-early", "c"])
    assert first.grouped and second.grouped
    spool = SortedSpool(tmp_path)
    spool.add_block(first)
    spool.add_block(second)
    assert _written(spool, tmp_path) == ["a", "b-early", "z-late", "c"]


def test_a_block_whose_positions_go_back_is_not_grouped(tmp_path):
    lines = block("3", [50, 10], [sort_key(50, "A\tC"), sort_key(10, "A\tC")], ["late", "early"])
    assert not lines.grouped
    spool = SortedSpool(tmp_path)
    spool.add_block(lines)
    assert _written(spool, tmp_path) == ["early", "late"]
