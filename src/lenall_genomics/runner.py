"""The embedded runner: the step graph of `steps.py`, run in-process, in parallel, with a cache.

Each task is one `lenall <step>` invocation (the same command Nextflow runs). A task is skipped
when its cache key — a hash of the command, its arguments, the package version and the content
of every input file — equals the key recorded when it last succeeded and its outputs are intact.
Adding a sample therefore re-runs that sample's steps and the cohort fan-in, nothing else.
"""

from __future__ import annotations

import collections
import concurrent.futures as futures
import hashlib
import json
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .steps import STEPS, RunContext, Step
from .writers import atomic_open, write_json

CACHE_DIR = Path("pipeline_info") / "cache"
LOG_FILE = Path("pipeline_info") / "run.log"
TRACE_FILE = Path("pipeline_info") / "trace.tsv"


@dataclass
class Task:
    step: Step
    sample: str | None  # None for cohort steps
    arguments: list[str]
    outputs: list[Path]
    inputs: list[Path]
    needs: list[str] = field(default_factory=list)  # task ids
    state: str = "pending"  # pending | running | ran | cached | failed | skipped
    message: str = ""
    seconds: float = 0.0
    printed: str = ""  # what the command printed, kept for the run log

    @property
    def id(self) -> str:
        return f"{self.step.name}:{self.sample}" if self.sample else self.step.name

    @property
    def argv(self) -> list[str]:
        return [*self.step.command, *self.arguments]


@dataclass
class RunSummary:
    tasks: list[Task]

    def count(self, state: str) -> int:
        return sum(1 for t in self.tasks if t.state == state)

    @property
    def failed(self) -> list[Task]:
        return [t for t in self.tasks if t.state == "failed"]

    @property
    def ok(self) -> bool:
        return not any(t.state in ("failed", "skipped") for t in self.tasks)


# --- building the graph ------------------------------------------------------------------------

def build_tasks(ctx: RunContext, steps: Iterable[Step] = STEPS) -> list[Task]:
    steps = list(steps)
    tasks: list[Task] = []
    for step in (s for s in steps if s.scope == "sample"):
        for sample in ctx.samples:
            if step.applies(ctx, sample):
                tasks.append(_task(ctx, step, sample))
    for step in (s for s in steps if s.scope == "cohort"):
        if step.applies(ctx, None):
            tasks.append(_task(ctx, step, None))
    by_id = {t.id: t for t in tasks}
    produced = {path for t in tasks for path in t.outputs}
    by_step: dict[str, list[Task]] = {}
    by_sample_step: dict[tuple[str | None, str], list[Task]] = {}
    for task in tasks:
        by_step.setdefault(task.step.name, []).append(task)
        by_sample_step.setdefault((task.sample, task.step.name), []).append(task)
    for task in tasks:
        # files made by the graph are inputs through `needs`, whether or not they exist yet
        task.inputs = [p for p in task.inputs if p not in produced]
        task.needs = _dependencies(task, by_step, by_sample_step)
        for need in task.needs:
            task.inputs.extend(by_id[need].outputs)
    return tasks


def _task(ctx: RunContext, step: Step, sample) -> Task:
    arguments = step.arguments(ctx, sample) + list(ctx.step_options.get(step.name, ()))
    outputs = step.outputs(ctx, sample)
    user_files = [Path(a) for a in arguments if _is_input_file(a)]
    if step.scope == "cohort":
        user_files += _panel_files(ctx) + _findings_files(ctx)
    return Task(step, sample.sample if sample else None, arguments, outputs, user_files)


def _is_input_file(argument: str) -> bool:
    return os.sep in argument and Path(argument).is_file()


def _panel_files(ctx: RunContext) -> list[Path]:
    specs = {s.dna_panel for s in ctx.samples} | {s.rna_panel for s in ctx.samples}
    base = ctx.samplesheet.parent
    return sorted({(base / spec).resolve() for spec in specs
                   if spec and (base / spec).is_file()})


def _findings_files(ctx: RunContext) -> list[Path]:
    """Per-sample clinical findings tables: read by the cohort step, so they are its inputs."""
    return sorted({Path(s.findings) for s in ctx.samples
                   if s.findings is not None and Path(s.findings).is_file()})


def _dependencies(task: Task, by_step: dict[str, list[Task]],
                  by_sample_step: dict[tuple[str | None, str], list[Task]]) -> list[str]:
    """Ids of the tasks `task` needs, in graph order (looked up, not scanned: 10,000 samples
    make tens of thousands of tasks)."""
    if task.step.scope == "sample":
        found = [t for name in task.step.needs for t in by_sample_step.get((task.sample, name), ())]
    else:
        found = [t for name in task.step.needs for t in by_step.get(name, ())]
    order = {name: index for index, name in enumerate(by_step)}
    return [t.id for t in sorted(found, key=lambda t: order[t.step.name])]


# --- the cache ---------------------------------------------------------------------------------

class Cache:
    """Task keys and file content hashes, kept under <outdir>/pipeline_info/cache."""

    def __init__(self, outdir: Path) -> None:
        self.folder = outdir / CACHE_DIR
        self.hash_file = self.folder / "file_hashes.json"
        self.hashes: dict[str, list] = {}
        if self.hash_file.is_file():
            try:
                self.hashes = json.loads(self.hash_file.read_text())
            except ValueError:
                self.hashes = {}

    def file_hash(self, path: Path) -> str:
        if not path.is_file():
            return "missing"
        stat = path.stat()
        known = self.hashes.get(str(path))
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            return known[2]
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        self.hashes[str(path)] = [stat.st_size, stat.st_mtime_ns, digest.hexdigest()]
        return digest.hexdigest()

    def key(self, task: Task) -> str:
        record = {
            "version": __version__,
            "argv": _without_cores(task.argv),
            "inputs": sorted((str(p), self.file_hash(p)) for p in task.inputs),
        }
        return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()

    def _manifest(self, task: Task) -> Path:
        return self.folder / f"{task.id.replace(':', '__')}.json"

    def is_current(self, task: Task) -> bool:
        manifest = self._manifest(task)
        if not manifest.is_file():
            return False
        try:
            recorded = json.loads(manifest.read_text())
        except ValueError:
            return False
        if recorded.get("key") != self.key(task):
            return False
        return all(self.file_hash(Path(p)) == h for p, h in recorded["outputs"].items())

    def record(self, task: Task) -> None:
        outputs = {str(p): self.file_hash(p) for p in task.outputs}
        write_json(self._manifest(task), {"key": self.key(task), "outputs": outputs})

    def forget(self, task: Task) -> None:
        self._manifest(task).unlink(missing_ok=True)

    def save(self) -> None:
        write_json(self.hash_file, self.hashes)


# --- running -----------------------------------------------------------------------------------

def _without_cores(argv: list[str]) -> list[str]:
    """The command without its `--cores N`: how many processes drew the outputs does not change
    them, so a run with other --cores keeps its cache."""
    if "--cores" not in argv:
        return argv
    at = argv.index("--cores")
    return argv[:at] + argv[at + 2:]


def execute(argv: list[str]) -> tuple[bool, str, float, str]:
    """Run one `lenall` command in this process; never raises.

    Returns (succeeded, error message, seconds, what the command printed); the printed text goes
    to the run log instead of interleaving with the progress lines of other tasks.
    """
    import contextlib
    import io

    from .errors import LenallInputError

    started = time.perf_counter()
    printed = io.StringIO()
    ok, message = True, ""
    try:
        from .cli import cli

        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            code = cli.main(args=argv, prog_name="lenall", standalone_mode=False)
        if isinstance(code, int) and code != 0:
            ok, message = False, f"exited with code {code}"
    except LenallInputError as error:
        ok, message = False, f"input error: {error}"
    except SystemExit as done:
        if done.code not in (0, None):
            ok, message = False, f"exited with code {done.code}"
    except Exception as error:  # one failing task must not stop the others
        ok, message = False, f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=6)}"
    return ok, message, time.perf_counter() - started, printed.getvalue()


Reporter = Callable[[Task, int, int], None]


def run_tasks(ctx: RunContext, tasks: list[Task], cores: int = 1,
              report: Reporter | None = None,
              executor: Callable[[list[str]], tuple] = execute) -> RunSummary:
    """Run each task once all it needs has finished; `executor` must be picklable when
    cores > 1. Each finished task releases its dependents (no rescan of the whole graph)."""
    cache = Cache(ctx.outdir)
    by_id = {t.id: t for t in tasks}
    dependents: dict[str, list[Task]] = {t.id: [] for t in tasks}
    unfinished = {t.id: len(t.needs) for t in tasks}
    for task in tasks:
        for need in task.needs:
            dependents[need].append(task)
    ready = collections.deque(t for t in tasks if not t.needs)
    done = 0

    def finish(task: Task) -> None:
        nonlocal done
        done += 1
        if task.state == "ran":
            cache.record(task)
        elif task.state == "failed":
            cache.forget(task)
        if report:
            report(task, done, len(tasks))
        for dependent in dependents[task.id]:
            unfinished[dependent.id] -= 1
            if unfinished[dependent.id] == 0:
                ready.append(dependent)

    def start(task: Task) -> None:
        bad = [n for n in task.needs if by_id[n].state in ("failed", "skipped")]
        if bad:
            task.state, task.message = "skipped", f"skipped: needs {', '.join(sorted(bad))}"
            finish(task)
        elif cache.is_current(task):
            task.state = "cached"
            finish(task)
        elif cores <= 1:
            _apply(task, executor(task.argv))
            finish(task)
        else:
            nonlocal pool
            if pool is None:  # started at the first task to run: a cached run starts none
                if any(t.step.draws for t in tasks if t.state == "pending"):
                    preload_plotting()
                pool = _pool(cores)
            task.state = "running"
            running[pool.submit(executor, task.argv)] = task

    pool: futures.ProcessPoolExecutor | None = None
    running: dict[futures.Future, Task] = {}
    try:
        while ready or running:
            while ready:
                start(ready.popleft())
            if running:
                finished, _ = futures.wait(running, return_when=futures.FIRST_COMPLETED)
                for future in finished:
                    task = running.pop(future)
                    _apply(task, future.result())
                    finish(task)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        cache.save()
    return RunSummary(tasks)


def _apply(task: Task, result: tuple) -> None:
    ok, message, seconds, *printed = result
    missing = [str(p) for p in task.outputs if not p.exists()] if ok else []
    if missing:
        ok, message = False, f"did not write {', '.join(missing)}"
    task.state, task.message, task.seconds = ("ran" if ok else "failed"), message, seconds
    task.printed = printed[0] if printed else ""


def preload_plotting() -> None:
    """Import matplotlib (Agg) and pyplot here, before the workers are forked: each worker then
    starts with them instead of paying the import (about 0.3 s) in its first drawing task."""
    if sys.platform.startswith("linux"):  # spawned workers would import it again anyway
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401


def _pool(cores: int) -> futures.ProcessPoolExecutor:
    # Forked workers start at once with the runner's modules already imported; spawning them
    # (the only safe way where fork is not the platform's default) imports everything again.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return futures.ProcessPoolExecutor(max_workers=cores,
                                       mp_context=multiprocessing.get_context(method))


# --- progress and the log ----------------------------------------------------------------------

def progress_line(task: Task, done: int, total: int) -> str:
    width = len(str(total))
    what = f"{task.step.name:<11} {task.sample or '(cohort)'}"
    if task.state == "ran":
        status = f"ran ({task.seconds:.1f}s)"
    elif task.state == "failed":
        status = "FAILED: " + task.message.splitlines()[0]
    else:
        status = task.message or task.state
    return f"[{done:>{width}}/{total}] {what:<40} {status}"


def not_applicable(ctx: RunContext, steps: Iterable[Step] = STEPS) -> list[str]:
    """Per-sample steps a sample has no input for, as `step:sample` ids, for the log."""
    return [f"{step.name}:{sample.sample}" for step in steps if step.scope == "sample"
            for sample in ctx.samples if not step.applies(ctx, sample)]


def write_log(outdir: Path, summary: RunSummary, not_run: Iterable[str] = ()) -> Path:
    path = outdir / LOG_FILE
    with atomic_open(path) as handle:
        handle.write(f"lenall {__version__} run: {summary.count('ran')} ran, "
                     f"{summary.count('cached')} cached, {summary.count('skipped')} skipped, "
                     f"{summary.count('failed')} failed\n")
        for task in summary.tasks:
            handle.write(f"{task.state}\t{task.id}\tlenall {' '.join(task.argv)}\n")
            for line in (task.printed + task.message).rstrip().splitlines():
                handle.write(f"\t{line}\n")
        for task_id in not_run:
            handle.write(f"not applicable\t{task_id}\tno input for this step in the samplesheet\n")
    write_trace(outdir, summary)
    return path


def write_trace(outdir: Path, summary: RunSummary) -> Path:
    """Each task's state and time in its command, as Nextflow's trace file has them; the one
    file of a run that differs between identical runs."""
    path = outdir / TRACE_FILE
    with atomic_open(path) as handle:
        handle.write("task\tstep\tsample\tstate\tseconds\n")
        for task in summary.tasks:
            handle.write(f"{task.id}\t{task.step.name}\t{task.sample or ''}\t{task.state}\t"
                         f"{task.seconds:.3f}\n")
    return path


def run_pipeline(ctx: RunContext, cores: int = 1, quiet: bool = False) -> RunSummary:
    tasks = build_tasks(ctx)

    def report(task: Task, done: int, total: int) -> None:
        if not quiet:
            print(progress_line(task, done, total), file=sys.stderr, flush=True)

    summary = run_tasks(ctx, tasks, cores=cores, report=report)
    write_log(ctx.outdir, summary, not_applicable(ctx))
    return summary
