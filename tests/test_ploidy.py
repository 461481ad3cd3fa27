"""Ploidy calls on hand-built genomes: class boundaries, sex chromosomes, arm-level events,
noise, masked (doubled) hypodiploidy, bad input, and real allele-specific segments."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from lenall_genomics import ploidy
from lenall_genomics.errors import LenallInputError
from lenall_genomics.genome import AUTOSOMES, chromosomes

GENOME = "GRCh38"
HEADER = "chrom\tstart\tend\tlog2\ttotal_cn\tminor_cn\tn_markers\n"
# Chromosomes low-hypodiploid ALL typically loses first (docs/methods.md c), then others.
LOSS_ORDER = ("3", "7", "13", "16", "17", "15", "9", "4", "5", "11", "12", "19", "20", "22", "1",
              "2", "8")


def _fmt(value) -> str:
    return "." if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def write_genome(path: Path, states: dict, *, sex: str = "female", minor: bool = True,
                 prefix: str = "chr", default=(2, 1)) -> Path:
    """One segment per chromosome (or per arm when the state is {'p': .., 'q': ..}).

    A state is (total, minor); minor=False blanks the minor column as a tool without
    allele-specific output would.
    """
    sizes = chromosomes(GENOME)
    lines = [HEADER]
    names = list(AUTOSOMES) + ["X"] + (["Y"] if "Y" in states else [])
    for name in names:
        chrom = sizes[name]
        state = states.get(name, ((1, 0) if sex == "male" else (2, 1)) if name == "X" else default)
        if state is None:
            continue
        pieces = ([(10001, chrom.length - 10000, state)] if isinstance(state, tuple) else
                  [(10001, chrom.centromere_start - 1, state["p"]),
                   (chrom.centromere_end + 1, chrom.length - 10000, state["q"])])
        for start, end, (total, minor_cn) in pieces:
            lines.append(f"{prefix}{name}\t{start}\t{end}\t.\t{_fmt(total)}\t"
                         f"{_fmt(minor_cn) if minor else '.'}\t50\n")
    path.write_text("".join(lines))
    return path


def call_file(path: Path, sex: str = "female", **kwargs) -> ploidy.PloidyCall:
    data = ploidy.read_segments(path, GENOME, kwargs.pop("purity", None))
    return ploidy.call_ploidy("S", data, GENOME, sex, **kwargs)


def monosomies(n: int) -> dict:
    return {c: (1, 0) for c in LOSS_ORDER[:n]}


# --- class boundaries -------------------------------------------------------------------------

@pytest.mark.parametrize(("losses", "count", "expected"), [
    (15, 31, "near-haploid"), (14, 32, "low hypodiploid"),
    (7, 39, "low hypodiploid"), (6, 40, "high hypodiploid"),
    (3, 43, "high hypodiploid"), (2, 44, "near-diploid"),
    (0, 46, "diploid"),
])
def test_class_boundaries(tmp_path, losses, count, expected):
    call = call_file(write_genome(tmp_path / "s.tsv", monosomies(losses)))
    assert call.modal_number == count
    assert call.ploidy_class == expected
    assert call.low_hypodiploid is (count <= 43)
    assert sorted(call.evidence["lost"]) == sorted(LOSS_ORDER[:losses])
    assert call.masked is False and call.pre_doubling_count is None
    assert call.to_json()["class_ranges"][0] == {"name": "near-haploid", "low": 24, "high": 31}


def test_class_ranges_are_data(tmp_path):
    classes_file = tmp_path / "classes.tsv"
    classes_file.write_text("# Safavi & Paulsson 2017 edges\nclass\tmin\tmax\tsource\n"
                            "near-haploid\t24\t30\tx\nlow hypodiploid\t31\t39\tx\n")
    classes = ploidy.load_classes(classes_file)
    assert ploidy.classify(31, classes) == "low hypodiploid"
    assert ploidy.classify(31, ploidy.load_classes()) == "near-haploid"
    assert ploidy.classify(82, ploidy.load_classes()) == "unclassified"


# --- sex chromosomes --------------------------------------------------------------------------

def test_one_x_in_a_male_is_not_a_loss(tmp_path):
    call = call_file(write_genome(tmp_path / "m.tsv", {}, sex="male"), sex="male")
    assert call.modal_number == 46
    assert call.ploidy_class == "diploid"
    assert call.evidence["lost"] == []
    x = next(s for s in call.states if s.chrom == "X")
    assert x.loh is None  # no second allele to lose


def test_one_x_in_a_female_is_a_loss(tmp_path):
    call = call_file(write_genome(tmp_path / "f.tsv", {"X": (1, 0)}), sex="female")
    assert call.modal_number == 45
    assert call.evidence["lost"] == ["X"]


def test_male_with_measured_y_loss(tmp_path):
    path = write_genome(tmp_path / "m.tsv", {"Y": (0, 0)}, sex="male")
    call = call_file(path, sex="male")
    assert call.modal_number == 45
    assert call.evidence["lost"] == ["Y"]


def test_heterozygous_x_in_a_declared_male_is_noted(tmp_path):
    call = call_file(write_genome(tmp_path / "m.tsv", {"X": (2, 1)}), sex="male")
    assert call.evidence["gained"] == ["X"]
    assert any("check the declared sex" in note for note in call.evidence["notes"])


def test_y_absent_in_female_is_fine(tmp_path):
    call = call_file(write_genome(tmp_path / "f.tsv", {}), sex="F")
    assert call.sex == "female"
    assert call.modal_number == 46 and call.evidence["lost"] == []


# --- arm-level and partial events -------------------------------------------------------------

def test_arm_level_losses_do_not_count_as_monosomies(tmp_path):
    states = {"9": {"p": (1, 0), "q": (2, 1)},  # del(9p)
              "17": {"p": (1, 0), "q": (3, 1)},  # i(17q)
              "1": {"p": (2, 1), "q": (3, 1)},  # +1q
              "7": (1, 0)}  # a true monosomy
    call = call_file(write_genome(tmp_path / "a.tsv", states))
    assert call.modal_number == 45
    assert call.evidence["lost"] == ["7"]
    assert call.evidence["arm_level"] == ["1", "9", "17"]
    events = call.evidence["arm_events"]
    assert "9p loss (1 copies)" in events and "1q gain (3 copies)" in events
    assert "9p LOH" in events and "17p LOH" in events


def test_acrocentric_judged_on_q_only(tmp_path):
    path = write_genome(tmp_path / "acro.tsv", {})
    sizes = chromosomes(GENOME)
    with open(path, "a") as handle:  # a p-arm segment at one copy must not make 13 arm-level
        handle.write(f"chr13\t1\t{sizes['13'].centromere_start - 1}\t.\t1\t0\t5\n")
    call = call_file(path)
    state = next(s for s in call.states if s.chrom == "13")
    assert [a.arm for a in state.arms] == ["q"]
    assert state.level == "whole" and call.modal_number == 46


def test_monosomy_with_a_small_focal_gain_still_counts_as_loss(tmp_path):
    sizes = chromosomes(GENOME)["7"]
    path = write_genome(tmp_path / "p.tsv", {"7": None})
    q_start = sizes.centromere_end + 1
    q_mid = q_start + (sizes.length - q_start) * 85 // 100
    with open(path, "a") as handle:
        handle.write(f"chr7\t10001\t{sizes.centromere_start - 1}\t.\t1\t0\t5\n"
                     f"chr7\t{q_start}\t{q_mid}\t.\t1\t0\t5\n"
                     f"chr7\t{q_mid + 1}\t{sizes.length}\t.\t2\t1\t5\n")
    call = call_file(path)
    state = next(s for s in call.states if s.chrom == "7")
    assert state.level == "partial"
    assert state.counted == 1 and call.evidence["lost"] == ["7"]


# --- noisy and log2-only profiles ------------------------------------------------------------

def _log2_genome(path: Path, states: dict, sd: float, seed: int, purity: float = 1.0,
                 pieces: int = 8, uniform: bool = False) -> Path:
    rng = random.Random(seed)
    sizes = chromosomes(GENOME)
    lines = [HEADER]
    for name in list(AUTOSOMES) + ["X"]:
        k = states.get(name, 2)
        chrom = sizes[name]
        step = chrom.length // pieces
        for i in range(pieces):
            cn = k + (rng.uniform(-0.5, 0.5) if uniform else rng.gauss(0, sd))
            ratio = (purity * max(cn, 0.05) + 2 * (1 - purity)) / 2
            lines.append(f"{name}\t{i * step + 1}\t{(i + 1) * step}\t{math.log2(ratio):.5f}"
                         f"\t\t\t20\n")
    path.write_text("".join(lines))
    return path


def test_noisy_log2_profile_still_counts(tmp_path):
    losses = {c: 1 for c in LOSS_ORDER[:12]}
    call = call_file(_log2_genome(tmp_path / "n.tsv", losses, sd=0.12, seed=3))
    assert call.modal_number == 34
    assert call.ploidy_class == "low hypodiploid"
    assert 0.05 < call.qc["noise_sd"] < 0.2
    assert call.qc["segments_from_log2"] == call.qc["segments"]
    assert any("2 * 2**log2" in note for note in call.evidence["notes"])
    assert call.masked is None and call.doubled is None  # no minor CN: doubling not assessed


def test_profile_without_integer_structure_is_insufficient(tmp_path):
    call = call_file(_log2_genome(tmp_path / "u.tsv", {}, sd=0, seed=5, uniform=True,
                                  pieces=30))
    assert call.ploidy_class == ploidy.INSUFFICIENT
    assert call.qc["status"] == "fail"
    assert any("noise" in p for p in call.qc["problems"])
    assert call.low_hypodiploid is None


def test_purity_adjusts_log2_derived_copy_number(tmp_path):
    losses = {c: 1 for c in LOSS_ORDER[:8]}
    path = _log2_genome(tmp_path / "p.tsv", losses, sd=0.0, seed=1, purity=0.5)
    naive = call_file(path)  # one copy at purity 0.5 reads as 1.5: no integer structure
    assert naive.ploidy_class == ploidy.INSUFFICIENT
    assert any("noise" in p for p in naive.qc["problems"])
    adjusted = call_file(path, purity=0.5)
    assert adjusted.modal_number == 38 and adjusted.qc["noise_sd"] < 0.01


# --- masked (doubled) hypodiploidy ------------------------------------------------------------

LOW_HYPO_LOSSES = ("3", "4", "5", "7", "9", "11", "12", "13", "15", "16", "17", "19", "20")


def _doubled_low_hypodiploid() -> dict:
    """33 chromosomes doubled to 66: lost ones at 2 copies with LOH, the others 4 (2:2)."""
    states = {c: (2, 0) for c in LOW_HYPO_LOSSES}
    states.update({c: (4, 2) for c in AUTOSOMES if c not in LOW_HYPO_LOSSES})
    states["X"] = (4, 2)
    states["21"] = (3, 1)  # a loss after doubling: 2 copies before it, not an LOH chromosome
    return states


def test_masked_low_hypodiploid_with_pre_doubling_count(tmp_path):
    call = call_file(write_genome(tmp_path / "d.tsv", _doubled_low_hypodiploid()))
    assert call.modal_number == 65
    assert call.observed_class == "high hyperdiploid"
    assert call.masked is True and call.doubled is True
    assert call.pre_doubling_count == 33
    assert call.ploidy_class == "low hypodiploid"
    assert call.low_hypodiploid is True
    assert sorted(call.evidence["lost_before_doubling"], key=int) == list(LOW_HYPO_LOSSES)
    assert sorted(call.evidence["loh_at_2plus_copies"], key=int) == list(LOW_HYPO_LOSSES)


def test_doubled_near_haploid_with_minor_cn_is_masked(tmp_path):
    kept = ("6", "8", "10", "14", "18", "21")
    states = {c: (4, 2) if c in kept else (2, 0) for c in AUTOSOMES}
    states["X"] = (4, 2)
    call = call_file(write_genome(tmp_path / "nh.tsv", states))
    assert (call.modal_number, call.pre_doubling_count) == (60, 30)
    assert call.masked is True and call.ploidy_class == "near-haploid"
    assert call.low_hypodiploid is True


def test_doubled_genome_with_loh_on_many_arms_is_indeterminate(tmp_path):
    states = _doubled_low_hypodiploid()
    for c in ("1", "2", "6"):  # copy-neutral LOH of one arm on three retained chromosomes
        states[c] = {"p": (4, 0), "q": (4, 2)}
    call = call_file(write_genome(tmp_path / "d.tsv", states))
    assert call.ploidy_class == ploidy.INDETERMINATE
    assert call.evidence["arm_level_loh"] == ["1", "2", "6"]


def test_doubled_genome_without_minor_cn_is_indeterminate(tmp_path):
    path = write_genome(tmp_path / "d.tsv", _doubled_low_hypodiploid(), minor=False)
    call = call_file(path)
    assert call.ploidy_class == ploidy.INDETERMINATE
    assert call.low_hypodiploid is None and call.masked is None
    assert "allele-specific" in call.evidence["decision"]


def test_doubled_near_haploid_without_minor_cn_is_not_hyperdiploid(tmp_path):
    kept = ("6", "8", "10", "14", "18", "21")  # near-haploid 28: disomic chromosomes -> 4 copies
    states = {c: (4 if c in kept else 2, None) for c in AUTOSOMES}
    states["X"] = (4, None)  # 30 chromosomes (two X) before doubling
    call = call_file(write_genome(tmp_path / "nh.tsv", states, minor=False))
    assert call.modal_number == 60
    assert call.ploidy_class == ploidy.INDETERMINATE


def test_high_hyperdiploid_with_heterozygous_trisomies_is_not_masked(tmp_path):
    states = {c: (3, 1) for c in ("4", "6", "10", "14", "17", "18")}
    states.update({"21": (4, 2), "X": (3, 1)})
    for minor in (True, False):
        call = call_file(write_genome(tmp_path / f"h{minor}.tsv", states, minor=minor))
        assert call.modal_number == 55
        assert call.ploidy_class == "high hyperdiploid"
        assert call.low_hypodiploid is False
        assert call.masked is (False if minor else None)
    with_minor = call_file(tmp_path / "hTrue.tsv")
    assert "heterozygous (2:1)" in with_minor.evidence["decision"]
    assert with_minor.pre_doubling_count is None  # gains, not a doubling


def test_pre_doubling_copies_rule():
    assert ploidy.pre_doubling_copies(2, 0, True) == 1
    assert ploidy.pre_doubling_copies(4, 2, False) == 2
    assert ploidy.pre_doubling_copies(3, 1, False) == 2
    assert ploidy.pre_doubling_copies(6, 2, False) == 3
    assert ploidy.pre_doubling_copies(4, None, None) is None
    assert ploidy.pre_doubling_copies(1, 1, None) == 1  # "minor" given as the only allele


# --- bad input --------------------------------------------------------------------------------

def test_segment_beyond_chromosome_end_is_an_error(tmp_path):
    path = write_genome(tmp_path / "b.tsv", {})
    length = chromosomes(GENOME)["2"].length
    text = path.read_text().replace(f"chr2\t10001\t{length - 10000}",
                                    f"chr2\t10001\t{length + 5000}")
    path.write_text(text)
    with pytest.raises(LenallInputError) as error:
        ploidy.read_segments(path, GENOME)
    assert error.value.field == "end" and error.value.line == 3
    assert "--genome" in error.value.hint


def test_minor_above_total_is_an_error(tmp_path):
    path = write_genome(tmp_path / "m.tsv", {"5": (1, 2)})
    with pytest.raises(LenallInputError) as error:
        ploidy.read_segments(path, GENOME)
    assert error.value.field == "minor_cn" and error.value.line == 6


def test_non_numeric_value_is_an_error(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text(HEADER + "chr1\t1\t1000\t.\ttwo\t.\t3\n")
    with pytest.raises(LenallInputError) as error:
        ploidy.read_segments(path, GENOME)
    assert (error.value.line, error.value.field) == (2, "total_cn")


def test_no_segments_on_most_chromosomes_is_insufficient(tmp_path):
    states = {c: None for c in AUTOSOMES[4:]}
    call = call_file(write_genome(tmp_path / "few.tsv", states))
    assert call.ploidy_class == ploidy.INSUFFICIENT
    assert call.modal_number is None and call.low_hypodiploid is None
    assert "insufficient" in call.evidence["decision"]


def test_header_only_file_is_insufficient_not_an_error(tmp_path):
    path = tmp_path / "empty.tsv"
    path.write_text(HEADER)
    call = call_file(path)
    assert call.ploidy_class == ploidy.INSUFFICIENT


def test_other_contigs_are_counted_not_silently_dropped(tmp_path):
    path = write_genome(tmp_path / "o.tsv", {})
    with open(path, "a") as handle:
        handle.write("chrM\t1\t16000\t.\t2\t.\t1\nGL000192.1\t1\t500\t.\t2\t.\t1\n")
    call = call_file(path)
    assert call.qc["skipped_records"] == {"other_contig": 2}


def test_unknown_parameter_override_is_an_error():
    with pytest.raises(LenallInputError) as error:
        ploidy.load_rules(overrides={"no_such_rule": "1"})
    assert "state_min_fraction" in error.value.hint


def test_bare_chromosome_names_give_the_same_call(tmp_path):
    a = call_file(write_genome(tmp_path / "a.tsv", monosomies(9)))
    b = call_file(write_genome(tmp_path / "b.tsv", monosomies(9), prefix=""))
    assert a.to_json() == b.to_json()


# --- command line and cohort table ------------------------------------------------------------

def run_cli(argv: list[str]) -> int:
    from lenall_genomics.cli import main

    try:
        main(argv)
    except SystemExit as done:
        return done.code or 0
    return 0


def test_command_writes_outputs_and_cohort_table(tmp_path):
    seg = write_genome(tmp_path / "s.tsv", _doubled_low_hypodiploid())
    out = tmp_path / "out"
    assert run_cli(["ploidy", "--sample", "P01", "--segments", str(seg), "--outdir", str(out),
                    "--genome", GENOME, "--sex", "female"]) == 0
    record = json.loads((out / "P01.ploidy.json").read_text())
    assert record["class"] == "low hypodiploid" and record["pre_doubling_count"] == 33
    assert (out / "P01.genome.png").stat().st_size > 0
    assert (out / "P01.genome.svg").stat().st_size > 0
    rows = ploidy.cohort_ploidy_table([out / "P01.ploidy.json"])
    assert list(rows[0]) == list(ploidy.PLOIDY_TABLE_COLUMNS)
    assert rows[0]["masked"] is True and rows[0]["low_hypodiploid"] is True
    assert rows[0]["lost"] == record["evidence"]["lost_before_doubling"]


def test_command_accepts_the_step_graph_arguments(tmp_path):
    from lenall_genomics.model import Sample, sample_output
    from lenall_genomics.steps import RunContext, step

    sample = Sample(patient="01", sample="P01_BALL", diagnosis="B-ALL", sex="male",
                    segments=tmp_path / "raw.cns", purity=0.8)
    ctx = RunContext(samplesheet=tmp_path / "s.csv", samples=(sample,), outdir=tmp_path / "r")
    segments = sample_output(ctx.outdir, sample.sample, "segments.tsv")
    segments.parent.mkdir(parents=True)
    write_genome(segments, monosomies(8), sex="male")
    ploidy_step = step("ploidy")
    assert run_cli([*ploidy_step.command, *ploidy_step.arguments(ctx, sample)]) == 0
    for path in ploidy_step.outputs(ctx, sample):
        assert path.stat().st_size > 0
    record = json.loads(ploidy_step.outputs(ctx, sample)[0].read_text())
    assert (record["sex"], record["modal_number"]) == ("male", 38)


def test_command_bad_input_is_one_line_exit_2(tmp_path, capsys):
    seg = write_genome(tmp_path / "s.tsv", {"5": (1, 2)})
    code = run_cli(["ploidy", "--sample", "S", "--segments", str(seg), "--outdir", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "minor_cn" in err and "s.tsv:6" in err


# --- real allele-specific segments -----------------------------------------------------------

def _ascat_segments(path: Path) -> dict[str, ploidy.SegmentInput]:
    """Per sample of an ASCAT asmultipcf table, through readers.segments when it exists."""
    samples = sorted({line.split("\t")[0] for line in path.read_text().splitlines()[1:]})
    try:
        from lenall_genomics.readers.segments import read_segments as read_table
    except ImportError:
        read_table = None
    found = {}
    for sample in samples:
        if read_table is not None:
            table = read_table(path, "ascat", sample=sample, genome="GRCh37")
            records = table.to_dict("records")
        else:  # sample, chr, startpos, endpos, nMajor, nMinor
            records = [{"chrom": c, "start": s, "end": e, "total_cn": int(a) + int(b),
                        "minor_cn": b}
                       for name, c, s, e, a, b in (line.split("\t") for line in
                                                   path.read_text().splitlines()[1:])
                       if name == sample]
        found[sample] = ploidy.segments_from_rows(records, "GRCh37", source=str(path))
    return found


@pytest.mark.real_examples
@pytest.mark.parametrize("patient", ["A17", "A32"])
def test_real_ascat_whole_genome_doubled_controls(real_examples, patient):
    path = real_examples / "cnv" / "ascat_asmultipcf_prostate" / f"{patient}.fast.segments.txt"
    if not path.is_file():
        pytest.skip(f"{path} absent")
    for sample, data in _ascat_segments(path).items():
        call = ploidy.call_ploidy(sample, data, "GRCh37", "male")
        assert call.qc["status"] != "fail", (sample, call.qc)
        assert call.doubled is True, (sample, call.evidence)
        assert call.pre_doubling_count is not None
        assert call.masked is False  # prostate WGD with modest LOH is not doubled hypodiploidy
        assert call.modal_number >= 70
