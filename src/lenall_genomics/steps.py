"""The step graph: which `lenall <step>` runs for which sample, with which arguments.

This table is the single description of the pipeline. The embedded runner (`lenall run`) runs it
in-process; `main.nf` runs the same subcommands with the same options, one process per step.
A step is a subcommand plus three small functions of the run context (and the sample, for
per-sample steps): does it apply, what are its arguments, which files does it write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .model import DEFAULT_GENOME, Sample, sample_output


@dataclass(frozen=True)
class RunContext:
    samplesheet: Path
    samples: tuple[Sample, ...]
    outdir: Path
    genome: str = DEFAULT_GENOME
    # extra options per step, e.g. {"variants": ("--gtf", "/ref/genes.gtf")}
    step_options: dict[str, tuple[str, ...]] = field(default_factory=dict)
    findings: Path | None = None  # cohort-wide clinical findings table (`--findings`)
    cores: int = 1  # processes a step may use inside its task (`lenall run --cores`)

    @property
    def samples_dir(self) -> Path:
        return self.outdir / "samples"

    @property
    def cohort_dir(self) -> Path:
        return self.outdir / "cohort"

    def sample(self, sample_id: str) -> Sample | None:
        return next((s for s in self.samples if s.sample == sample_id), None)


@dataclass(frozen=True)
class Step:
    name: str  # the `lenall` subcommand (for `export`, the first word of the arguments)
    scope: str  # "sample" or "cohort"
    applies: Callable[[RunContext, Sample | None], bool]
    arguments: Callable[[RunContext, Sample | None], list[str]]
    outputs: Callable[[RunContext, Sample | None], list[Path]]
    needs: tuple[str, ...] = ()  # steps that must have finished first (same sample, or all)
    subcommand: tuple[str, ...] = ()  # words after `lenall`; defaults to (name,)
    draws: bool = False  # writes figures (matplotlib): the runner imports it once, before forking

    @property
    def command(self) -> tuple[str, ...]:
        return self.subcommand or (self.name,)


def _out(ctx: RunContext, sample: Sample | None, suffix: str) -> Path:
    assert sample is not None
    return sample_output(ctx.outdir, sample.sample, suffix)


def _sample_dir(ctx: RunContext, sample: Sample | None) -> str:
    assert sample is not None
    return str(ctx.samples_dir / sample.sample)


def _opt(flag: str, value: object | None) -> list[str]:
    return [] if value in (None, "") else [flag, str(value)]


# --- per-sample steps --------------------------------------------------------------------------

def _variants_args(ctx: RunContext, s: Sample | None) -> list[str]:
    assert s is not None
    args = ["--sample", s.sample, "--outdir", _sample_dir(ctx, s), "--genome", ctx.genome]
    args += _opt("--vcf", s.vcf) + _opt("--maf", s.maf)
    args += _opt("--normal-sample", s.normal) + _opt("--purity", s.purity)
    return args


def _fusions_args(ctx: RunContext, s: Sample | None) -> list[str]:
    assert s is not None
    return (["--sample", s.sample, "--fusions", str(s.fusions), "--outdir", _sample_dir(ctx, s),
             "--genome", ctx.genome] + _opt("--format", s.fusion_format))


def _copynumber_args(ctx: RunContext, s: Sample | None) -> list[str]:
    assert s is not None
    return (["--sample", s.sample, "--segments", str(s.segments), "--outdir",
             _sample_dir(ctx, s), "--genome", ctx.genome]
            + _opt("--format", s.segments_format) + _opt("--purity", s.purity)
            + _opt("--sex", s.sex))


def _ploidy_args(ctx: RunContext, s: Sample | None) -> list[str]:
    assert s is not None
    return (["--sample", s.sample, "--segments", str(_out(ctx, s, "segments.tsv")),
             "--outdir", _sample_dir(ctx, s), "--genome", ctx.genome]
            + _opt("--sex", s.sex) + _opt("--purity", s.purity))


def _clonotypes_args(ctx: RunContext, s: Sample | None) -> list[str]:
    assert s is not None
    return ["--sample", s.sample, "--clonotypes", str(s.clonotypes), "--outdir",
            _sample_dir(ctx, s)]


# --- cohort steps ------------------------------------------------------------------------------

def _cohort_common(ctx: RunContext) -> list[str]:
    return ["--samplesheet", str(ctx.samplesheet), "--results", str(ctx.samples_dir),
            "--outdir", str(ctx.cohort_dir), "--genome", ctx.genome]


def _cores(ctx: RunContext) -> list[str]:
    return ["--cores", str(ctx.cores)] if ctx.cores > 1 else []


def _cohort_files(*names: str) -> Callable[[RunContext, Sample | None], list[Path]]:
    return lambda ctx, _s: [ctx.cohort_dir / name for name in names]


def _always(_ctx: RunContext, _s: Sample | None) -> bool:
    return True


STEPS: tuple[Step, ...] = (
    Step("variants", "sample",
         applies=lambda ctx, s: s is not None and s.is_tumour and bool(s.vcf or s.maf),
         arguments=_variants_args,
         outputs=lambda ctx, s: [_out(ctx, s, "variants.tsv"), _out(ctx, s, "maf"),
                                 _out(ctx, s, "variants.qc.json")]),
    Step("fusions", "sample",
         applies=lambda ctx, s: s is not None and s.is_tumour and s.fusions is not None,
         arguments=_fusions_args,
         outputs=lambda ctx, s: [_out(ctx, s, "fusions.tsv"), _out(ctx, s, "fusions.qc.json")]),
    Step("copynumber", "sample",
         applies=lambda ctx, s: s is not None and s.is_tumour and s.segments is not None,
         arguments=_copynumber_args,
         outputs=lambda ctx, s: [_out(ctx, s, "segments.tsv"), _out(ctx, s, "cn_events.tsv"),
                                 _out(ctx, s, "copynumber.qc.json")]),
    Step("ploidy", "sample",
         applies=lambda ctx, s: s is not None and s.is_tumour and s.segments is not None,
         arguments=_ploidy_args,
         outputs=lambda ctx, s: [_out(ctx, s, "ploidy.json"), _out(ctx, s, "genome.png"),
                                 _out(ctx, s, "genome.svg")],
         needs=("copynumber",), draws=True),
    Step("clonotypes", "sample",
         applies=lambda ctx, s: s is not None and s.is_tumour and s.clonotypes is not None,
         arguments=_clonotypes_args,
         outputs=lambda ctx, s: [_out(ctx, s, "clonotypes.tsv"),
                                 _out(ctx, s, "clonotypes.qc.json")]),
    Step("cohort", "cohort", applies=_always,
         arguments=lambda ctx, _s: _cohort_common(ctx) + _opt("--findings", ctx.findings),
         outputs=_cohort_files("alterations.tsv", "evaluability.tsv", "frequencies.tsv",
                               "ploidy.tsv", "evidence_discordance.tsv",
                               "cytogenetic_events.tsv", "subtypes.tsv", "cohort.qc.json"),
         needs=("variants", "fusions", "copynumber", "ploidy")),
    Step("oncoprint", "cohort", applies=_always,
         arguments=lambda ctx, _s: ["--cohort-dir", str(ctx.cohort_dir), "--samplesheet",
                                    str(ctx.samplesheet), "--outdir", str(ctx.cohort_dir),
                                    *_cores(ctx)],
         outputs=_cohort_files("oncoprint.png", "oncoprint.svg", "oncoprint.pdf"),
         needs=("cohort",), draws=True),
    Step("clonality", "cohort", applies=_always,
         arguments=lambda ctx, _s: [*_cohort_common(ctx), *_cores(ctx)],
         outputs=_cohort_files("clonality.tsv", "clonality_evidence.tsv", "clonality.qc.json"),
         needs=("variants", "copynumber", "clonotypes")),  # SVG written directly; --png draws
    Step("export", "cohort", applies=_always,
         arguments=lambda ctx, _s: _cohort_common(ctx),
         outputs=lambda ctx, _s: [ctx.cohort_dir / "cohort.maf",
                                  ctx.cohort_dir / "cohort.maf.qc.json",
                                  ctx.cohort_dir / "cbioportal" / "meta_study.txt",
                                  ctx.cohort_dir / "cbioportal.qc.json"],
         needs=("cohort",), subcommand=("export", "all")),
    Step("report", "cohort", applies=_always,
         arguments=lambda ctx, _s: _cohort_common(ctx),
         outputs=_cohort_files("report.html"),
         needs=("cohort", "oncoprint", "clonality")),  # it reads nothing export writes
)


def step(name: str) -> Step:
    return next(s for s in STEPS if s.name == name)
