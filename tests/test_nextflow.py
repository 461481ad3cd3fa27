"""main.nf and its modules are checked against the CLI they call and the runner's step graph.

Nextflow itself cannot run here, so the Nextflow files are parsed as text: every process must be
a thin call of an existing `lenall` subcommand with options that exist, pass the same options as
the embedded runner, declare the files the runner expects, and the params must agree.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import click
import pytest

from lenall_genomics.cli import cli
from lenall_genomics.model import Sample
from lenall_genomics.steps import STEPS, RunContext

REPO = Path(__file__).resolve().parents[1]
MODULES = REPO / "modules" / "local"
INPUT_PREPARATION = {"DEMO": ("demo",)}  # processes that make inputs, not steps of the graph
# options a process sets from a reference param (`lenall run` gives them through --step-args)
PARAM_OPTIONS = {"variants": {"--gtf", "--fasta", "--population-vcf", "--pon"},
                 "cohort": {"--rows", "--findings"}, "oncoprint": {"--rows"},
                 # the run before's published figures (`lenall run` keeps them in its outdir)
                 "clonality": {"--previous-figures"}}


def _process(path: Path) -> dict:
    text = path.read_text()
    name = re.search(r"^process\s+(\w+)\s*\{", text, re.M).group(1)
    script = text.split("script:", 1)[1].split("stub:", 1)[0]
    # Groovy writes a shell line continuation as two backslashes
    command = re.search(r"lenall\s+((?:[^\n]*\\\\\n)*[^\n]*)", script).group(1)
    command = command.replace("\\\\\n", " ")
    words = []
    for token in command.split():
        if token.startswith(("-", "$")):
            break
        words.append(token)
    options = sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", command)))
    # options set through Groovy variables in the script block ("--format ${...}")
    options = sorted(set(options) | set(re.findall(r"['\"](--[a-z][a-z0-9-]*)[ '\"]", script)))
    output = text.split("output:", 1)[1].split("script:", 1)[0]
    patterns = [p for line in output.splitlines() if "optional: true" not in line
                for p in re.findall(r'path\s*\(?\s*"([^"]+)"', line) if p != "versions.yml"]
    return {"name": name, "words": tuple(words), "options": options, "outputs": patterns}


PROCESSES = {p["name"]: p for p in map(_process, sorted(MODULES.glob("*.nf")))}


def _click_command(words: tuple[str, ...]) -> click.Command:
    ctx = click.Context(cli)
    command: click.Command | None = cli
    for word in words:
        assert isinstance(command, click.Group), f"`lenall {' '.join(words)}` is not a group"
        command = command.get_command(ctx, word)
        assert command is not None, f"`lenall {' '.join(words)}` does not exist"
    return command


def _full_context(tmp_path: Path) -> tuple[RunContext, Sample]:
    files = {}
    for name in ("vcf", "fusions", "segments", "clonotypes"):
        files[name] = tmp_path / f"x.{name}"
        files[name].write_text("x")
    sample = Sample(patient="01", sample="P01", diagnosis="B-ALL", sex="male", normal="P01_N",
                    purity=0.8, fusion_format="arriba", segments_format="cnvkit", **files)
    sheet = tmp_path / "samplesheet.csv"
    sheet.write_text("patient,sample,diagnosis\n")
    return RunContext(samplesheet=sheet, samples=(sample,), outdir=tmp_path / "out",
                      cores=2), sample


def test_one_module_per_step_and_nothing_else():
    steps = {s.name.upper() for s in STEPS}
    assert set(PROCESSES) - set(INPUT_PREPARATION) == steps


def test_main_nf_includes_and_calls_every_process():
    text = (REPO / "main.nf").read_text()
    included = set(re.findall(r"include\s*\{\s*(\w+)\s*\}\s*from\s*'./modules/local/(\w+)'", text))
    assert {name for name, _ in included} == set(PROCESSES)
    for name, module in included:
        assert PROCESSES[name]["name"] == name and (MODULES / f"{module}.nf").is_file()
        assert re.search(rf"\b{name}\s*\(", text.split("workflow", 1)[1]), f"{name} never called"


def test_gathered_inputs_are_sorted_so_resume_keeps_cohort_tasks_cached():
    """A list gathered from tasks comes in the order they finished; passed as is, the cohort
    tasks' hashes would change between identical runs and -resume would re-run them."""
    workflow = (REPO / "main.nf").read_text().split("workflow LENALL", 1)[1]
    gathered = re.findall(r"\.(collect|toList|toSortedList)\s*\(([^)]*)\)", workflow)
    assert gathered, "main.nf gathers no per-sample results"
    assert all(kind == "toSortedList" and argument.strip() for kind, argument in gathered), \
        gathered


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_process_calls_an_existing_subcommand_with_existing_options(name):
    process = PROCESSES[name]
    command = _click_command(process["words"])
    known = {opt for param in command.params for opt in param.opts}
    unknown = [opt for opt in process["options"] if opt not in known]
    assert not unknown, f"{name} passes options `lenall {' '.join(process['words'])}` lacks"


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_process_passes_the_options_the_runner_passes(step, tmp_path):
    ctx, sample = _full_context(tmp_path)
    maf_sample = dataclasses.replace(sample, vcf=None, maf=sample.vcf)
    runner_options = set()
    for one in (sample, maf_sample):  # a sample gives either a VCF or a MAF
        runner_options |= {a for a in step.arguments(ctx, one if step.scope == "sample" else None)
                           if a.startswith("--")}
    process = PROCESSES[step.name.upper()]
    assert process["words"] == step.command
    # plus the options set from the pipeline's reference params (staged files)
    assert runner_options | PARAM_OPTIONS.get(step.name, set()) == set(process["options"])


@pytest.mark.parametrize("step", STEPS, ids=lambda s: s.name)
def test_process_outputs_are_the_runners_outputs(step, tmp_path):
    ctx, sample = _full_context(tmp_path)
    expected = [p.relative_to(ctx.cohort_dir if step.scope == "cohort" else
                              ctx.samples_dir / sample.sample).as_posix()
                for p in step.outputs(ctx, sample if step.scope == "sample" else None)]
    patterns = []
    for pattern in PROCESSES[step.name.upper()]["outputs"]:
        pattern = pattern.replace("${meta.sample}", sample.sample)
        brace = re.search(r"\{([^}]+)\}", pattern)
        if brace:
            patterns += [pattern.replace(brace.group(0), alt) for alt in brace.group(1).split(",")]
        else:
            patterns.append(pattern)
    for path in expected:
        assert any(fnmatch.fnmatch(path, p) or path.startswith(p + "/") for p in patterns), (
            f"{step.name}: runner output {path} is not declared by the process")
    for pattern in patterns:
        assert any(fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/")
                   for path in expected), f"{step.name}: process declares {pattern} the runner lacks"


def _config_params() -> dict[str, str]:
    text = (REPO / "nextflow.config").read_text()
    block = re.search(r"^params\s*\{(.*?)^\}", text, re.S | re.M).group(1)
    return dict(re.findall(r"^\s*(\w+)\s*=\s*(.+?)\s*$", block, re.M))


def _schema_params() -> dict[str, dict]:
    schema = json.loads((REPO / "nextflow_schema.json").read_text())
    return {k: v for group in schema["$defs"].values() for k, v in group["properties"].items()}


def _groovy_value(text: str):
    text = text.split("//")[0].strip()
    if text == "null":
        return None
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text.strip("'\"")


def test_params_agree_between_config_and_schema():
    config, schema = _config_params(), _schema_params()
    assert set(config) == set(schema)
    for name, value in config.items():
        assert _groovy_value(value) == schema[name].get("default"), name


def test_param_defaults_equal_cli_defaults():
    config = {k: _groovy_value(v) for k, v in _config_params().items()}
    run = _click_command(("run",))
    genome = next(p for p in run.params if p.name == "genome")
    assert config["genome"] == genome.default
    for step in STEPS:  # per-step options: empty, as `lenall run` without --step-args
        assert config[f"{step.name}_args"] == ""
    steps_in_schema = {k[:-5] for k in _schema_params() if k.endswith("_args")}
    assert steps_in_schema == {s.name for s in STEPS}


def test_samplesheet_schema_is_the_one_python_enforces():
    from lenall_genomics.model import SAMPLESHEET_COLUMNS

    schema = json.loads((REPO / "assets" / "schema_input.json").read_text())
    assert set(schema["items"]["properties"]) == set(SAMPLESHEET_COLUMNS)


def test_profiles_exist():
    text = (REPO / "nextflow.config").read_text()
    for profile in ("test", "local", "slurm", "awsbatch", "google", "k8s", "docker",
                    "singularity", "apptainer", "conda"):
        assert re.search(rf"^\s*{profile}\s*\{{", text, re.M), profile


def _groovy_env() -> dict[str, str]:
    """Groovy needs JAVA_HOME; derive it from the `java` on PATH when it is not set."""
    env = dict(os.environ)
    java = shutil.which("java")
    if "JAVA_HOME" not in env and java:
        env["JAVA_HOME"] = str(Path(java).resolve().parents[1])
    return env


def _groovy_parses(path: Path) -> subprocess.CompletedProcess:
    script = f"new GroovyShell().parse(new File('{path}')); println 'parsed'"
    return subprocess.run(["groovy", "-e", script], capture_output=True, text=True,
                          env=_groovy_env(), timeout=120)


@pytest.mark.skipif(shutil.which("groovy") is None, reason="no groovy binary on this machine")
def test_nextflow_files_parse_as_groovy(tmp_path):
    broken = tmp_path / "broken.nf"
    broken.write_text("process BROKEN {\n    script:\n    \"\"\"\n    echo\n}\n")
    probe = _groovy_parses(broken)
    if "parsed" not in probe.stdout and "Exception" not in probe.stderr:
        pytest.skip(f"groovy does not run here: {probe.stderr.strip()[:200]}")
    assert probe.returncode != 0  # the check can fail
    for path in [REPO / "main.nf", REPO / "nextflow.config", *MODULES.glob("*.nf"),
                 *(REPO / "conf").glob("*.config")]:
        result = _groovy_parses(path)
        assert result.returncode == 0 and "parsed" in result.stdout, (path, result.stderr[-500:])


def test_nextflow_files_parse_with_reftrace(tmp_path):
    """reftrace parses DSL2 with a real Nextflow grammar (the Groovy check above needs groovy)."""
    reftrace = pytest.importorskip("reftrace")
    broken = tmp_path / "broken.nf"
    broken.write_text("process BROKEN {\n    script:\n    \"\"\"\n    echo\n    \"\"\"\n")
    assert isinstance(reftrace.Module.from_file(str(broken)), reftrace.ParseError)
    for path in [REPO / "main.nf", *sorted(MODULES.glob("*.nf"))]:
        module = reftrace.Module.from_file(str(path))
        assert not isinstance(module, reftrace.ParseError), module
        if path.parent == MODULES:
            assert [p.name for p in module.processes] == [_process(path)["name"]]
    main = reftrace.Module.from_file(str(REPO / "main.nf"))
    included = {item.name for include in main.includes
                if include.from_module.startswith("./modules/local/") for item in include.items}
    assert included == set(PROCESSES)
    for path in [REPO / "nextflow.config", *(REPO / "conf").glob("*.config")]:
        result = reftrace.ConfigFile.from_file(str(path))
        assert result.error is None, (path, result.error)
