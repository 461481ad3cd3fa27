"""The embedded runner: dependency order, the content-hash cache, failure isolation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lenall_genomics.model import Sample
from lenall_genomics.runner import build_tasks, run_tasks, write_log
from lenall_genomics.steps import RunContext, Step


def _sample_out(ctx, s):
    return [ctx.samples_dir / s.sample / f"{s.sample}.out.txt"]


FAKE_STEPS = (
    Step("first", "sample", applies=lambda ctx, s: s.vcf is not None,
         arguments=lambda ctx, s: ["--in", str(s.vcf), "--out", str(_sample_out(ctx, s)[0])],
         outputs=_sample_out),
    Step("second", "sample", applies=lambda ctx, s: s.vcf is not None,
         arguments=lambda ctx, s: ["--in", str(_sample_out(ctx, s)[0]), "--out",
                                   str(ctx.samples_dir / s.sample / f"{s.sample}.second.txt")],
         outputs=lambda ctx, s: [ctx.samples_dir / s.sample / f"{s.sample}.second.txt"],
         needs=("first",)),
    Step("merge", "cohort", applies=lambda ctx, s: True,
         arguments=lambda ctx, s: ["--out", str(ctx.cohort_dir / "merged.txt")],
         outputs=lambda ctx, s: [ctx.cohort_dir / "merged.txt"], needs=("first", "second")),
)


class Recorder:
    """Stands in for `lenall <step>`: copies/merges text files and remembers what it ran."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[str] = []
        self.fail_on = fail_on

    def __call__(self, argv: list[str]) -> tuple[bool, str, float]:
        self.calls.append(" ".join(argv))
        if self.fail_on and self.fail_on in argv:
            return False, "input error: broken file", 0.0
        out = Path(argv[argv.index("--out") + 1])
        out.parent.mkdir(parents=True, exist_ok=True)
        if "--in" in argv:
            out.write_text(Path(argv[argv.index("--in") + 1]).read_text() + argv[0])
        else:
            out.write_text("merged")
        return True, "", 0.0


def _context(tmp_path: Path, names: list[str]) -> RunContext:
    samples = []
    for name in names:
        vcf = tmp_path / "in" / f"{name}.vcf"
        vcf.parent.mkdir(exist_ok=True)
        if not vcf.exists():
            vcf.write_text(f"data of {name}\n")
        samples.append(Sample(patient=name, sample=name, diagnosis="B-ALL", vcf=vcf))
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(",".join(names))
    return RunContext(samplesheet=sheet, samples=tuple(samples), outdir=tmp_path / "out")


def _run(ctx: RunContext, recorder: Recorder):
    return run_tasks(ctx, build_tasks(ctx, FAKE_STEPS), executor=recorder)


def test_steps_run_after_what_they_need(tmp_path):
    recorder = Recorder()
    summary = _run(_context(tmp_path, ["A", "B"]), recorder)
    assert summary.ok and summary.count("ran") == 5
    order = [call.split()[0] for call in recorder.calls]
    assert order.index("merge") == len(order) - 1
    for sample in ("A", "B"):
        firsts = [i for i, c in enumerate(recorder.calls) if c.startswith("first") and sample in c]
        seconds = [i for i, c in enumerate(recorder.calls)
                   if c.startswith("second") and f"/{sample}/" in c]
        assert firsts[0] < seconds[0]


def test_second_identical_run_executes_nothing(tmp_path):
    _run(_context(tmp_path, ["A", "B"]), Recorder())
    again = Recorder()
    summary = _run(_context(tmp_path, ["A", "B"]), again)
    assert again.calls == []
    assert summary.count("cached") == 5


def test_added_sample_reruns_only_its_steps_and_the_fan_in(tmp_path):
    _run(_context(tmp_path, ["A", "B"]), Recorder())
    recorder = Recorder()
    summary = _run(_context(tmp_path, ["A", "B", "C"]), recorder)
    ran = sorted(t.id for t in summary.tasks if t.state == "ran")
    assert ran == ["first:C", "merge", "second:C"]


def test_changed_input_reruns_its_chain(tmp_path):
    ctx = _context(tmp_path, ["A", "B"])
    _run(ctx, Recorder())
    (tmp_path / "in" / "A.vcf").write_text("new data\n")
    summary = _run(ctx, Recorder())
    assert sorted(t.id for t in summary.tasks if t.state == "ran") == [
        "first:A", "merge", "second:A"]


def test_deleted_output_is_rebuilt(tmp_path):
    ctx = _context(tmp_path, ["A"])
    _run(ctx, Recorder())
    (ctx.samples_dir / "A" / "A.second.txt").unlink()
    summary = _run(ctx, Recorder())
    assert sorted(t.id for t in summary.tasks if t.state == "ran") == ["second:A"]


def test_failing_sample_keeps_the_others(tmp_path):
    ctx = _context(tmp_path, ["A", "B"])
    summary = _run(ctx, Recorder(fail_on=str(tmp_path / "in" / "B.vcf")))
    states = {t.id: t.state for t in summary.tasks}
    assert states["first:A"] == "ran" and states["second:A"] == "ran"
    assert states["first:B"] == "failed"
    assert states["second:B"] == "skipped" and states["merge"] == "skipped"
    assert not summary.ok
    assert (ctx.samples_dir / "A" / "A.second.txt").is_file()
    log = write_log(ctx.outdir, summary).read_text()
    assert "failed\tfirst:B" in log and "broken file" in log
    # the fixed input then runs only what failed or was skipped
    (tmp_path / "in" / "B.vcf").write_text("fixed\n")
    summary = _run(ctx, Recorder())
    assert sorted(t.id for t in summary.tasks if t.state == "ran") == [
        "first:B", "merge", "second:B"]


def test_a_step_that_writes_nothing_fails(tmp_path):
    def silent(argv):
        return True, "", 0.0

    summary = run_tasks(_context(tmp_path, ["A"]), build_tasks(_context(tmp_path, ["A"]),
                                                               FAKE_STEPS), executor=silent)
    first = next(t for t in summary.tasks if t.id == "first:A")
    assert first.state == "failed" and "did not write" in first.message


def test_outputs_get_ordinary_permissions(tmp_path):
    from lenall_genomics.writers import write_tsv

    path = tmp_path / "x.tsv"
    write_tsv(path, ["a"], [{"a": 1}])
    assert path.stat().st_mode & 0o044  # group/other may read, as with a plain open()


def test_the_copy_number_ploidy_and_fusions_steps_do_not_import_pandas(tmp_path):
    """copynumber -> ploidy -> cohort and fusions -> cohort are paths a sample added to a cohort
    waits on; pandas (a third of a second to import) is not paid on them."""
    segments = Path(__file__).parent / "data" / "events" / "male.call.cns"
    fusions = Path(__file__).parent / "data" / "events" / "arriba.fusions.tsv"
    common = ["--sample", "S", "--outdir", str(tmp_path), "--genome", "GRCh38", "--sex", "male"]
    code = ("import sys, json\n"
            "from lenall_genomics.cli import cli\n"
            "for argv in json.loads(sys.argv[1]):\n"
            "    cli.main(args=argv, prog_name='lenall', standalone_mode=False)\n"
            "assert 'pandas' not in sys.modules, 'pandas was imported'\n")
    steps = [["copynumber", "--segments", str(segments), *common],
             ["ploidy", "--segments", str(tmp_path / "S.segments.tsv"), *common],
             ["fusions", "--sample", "S", "--fusions", str(fusions), "--outdir", str(tmp_path),
              "--genome", "GRCh38"]]
    done = subprocess.run([sys.executable, "-c", code, json.dumps(steps)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "S.ploidy.json").is_file() and (tmp_path / "S.fusions.tsv").is_file()
