"""Run a Nextflow process's script the way a task does, without Nextflow.

A module is read for its inputs, outputs, `script:` and `stub:` blocks. The block is rendered
as Nextflow does: its `def NAME = EXPR` lines are evaluated, then the triple-quoted GString is
interpolated (`${...}`, `\\$`, `\\\\`) and its indentation stripped. Only a small part of Groovy
is understood (names, properties, string literals, `==`, `!=`, `?:`, `? :`); anything else is
an error, so a module never renders differently from what it says. A path input renders as its
staged name(s): a file `x` is staged as `x`'s name, or under `stageAs: 'dir/*'` as `dir/<name>`;
an empty list (an optional input left out) renders as nothing and is false.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Input:
    kind: str  # "val" or "path"
    name: str
    stage_as: str | None = None


@dataclass
class Output:
    pattern: str  # a GString, e.g. "${meta.sample}.maf"
    emit: str
    optional: bool


@dataclass
class Module:
    name: str
    inputs: list[list[Input]]  # one list per input channel (a tuple has several)
    outputs: list[Output]
    script: str
    stub: str


def _strip_comment(line: str) -> str:
    return re.sub(r"\s+//.*$", "", line).strip()


def _section(text: str, start: str, ends: tuple[str, ...]) -> str:
    body = text.split(f"\n    {start}:\n", 1)[1]
    cut = min((body.index(f"\n    {end}:\n") for end in ends if f"\n    {end}:\n" in body),
              default=len(body))
    return body[:cut]


def _inputs(block: str) -> list[list[Input]]:
    channels = []
    for raw in block.splitlines():
        line = _strip_comment(raw)
        if not line:
            continue
        if line.startswith("tuple "):
            parts = re.findall(r"(val|path)\((\w+)(?:,\s*stageAs:\s*'([^']+)')?\)", line)
            channels.append([Input(k, n, s or None) for k, n, s in parts])
            continue
        match = re.fullmatch(r"(val|path)\s+(\w+)(?:,\s*stageAs:\s*'([^']+)')?", line)
        assert match, f"input line not understood: {raw!r}"
        channels.append([Input(match.group(1), match.group(2), match.group(3))])
    return channels


def _outputs(block: str) -> list[Output]:
    outputs = []
    for raw in block.splitlines():
        line = _strip_comment(raw)
        if not line:
            continue
        pattern = re.search(r'path\s*\(?\s*"([^"]+)"', line)
        assert pattern, f"output line not understood: {raw!r}"
        emit = re.search(r"emit:\s*(\w+)", line)
        outputs.append(Output(pattern.group(1), emit.group(1) if emit else "",
                              "optional: true" in line))
    return outputs


def read_module(path: Path) -> Module:
    text = path.read_text()
    name = re.search(r"^process\s+(\w+)\s*\{", text, re.M).group(1)
    inputs = _inputs(_section(text, "input", ("output",))) if "\n    input:\n" in text else []
    outputs = _outputs(_section(text, "output", ("script", "stub")))
    script = _section(text, "script", ("stub",))
    stub = _section(text, "stub", ("zzz",)).rstrip().rstrip("}")
    return Module(name, inputs, outputs, script, stub)


# --- a small Groovy expression evaluator -------------------------------------------------------

class Staged(list):
    """A path input's staged names: renders space-separated, false when empty."""

    def __str__(self) -> str:
        return " ".join(self)


class GMap(dict):
    """A Groovy map: a missing key reads as null."""

    def __getattr__(self, key):
        return self.get(key)


_TOKEN = re.compile(r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<op>\?:|==|!=|[?:().])|(?P<name>[A-Za-z_]\w*))""")


def _tokens(expr: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    expr = expr.strip()
    while at < len(expr):
        match = _TOKEN.match(expr, at)
        assert match and match.end() > at, f"Groovy not understood: {expr[at:]!r} in {expr!r}"
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        at = match.end()
        while at < len(expr) and expr[at].isspace():
            at += 1
    return tokens


def truthy(value) -> bool:
    return bool(value) and value is not None


class _Parser:
    def __init__(self, expr: str, scope: dict) -> None:
        self.tokens = _tokens(expr)
        self.at = 0
        self.scope = scope
        self.expr = expr

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, want: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.at]
        assert want is None or token[1] == want, f"expected {want} in {self.expr!r}"
        self.at += 1
        return token

    def parse(self):
        value = self.ternary()
        assert self.at == len(self.tokens), f"Groovy not understood: {self.expr!r}"
        return value

    def ternary(self):
        condition = self.comparison()
        if self.peek() == "?:":
            self.take()
            other = self.ternary()
            return condition if truthy(condition) else other
        if self.peek() == "?":
            self.take()
            yes = self.ternary()
            self.take(":")
            no = self.ternary()
            return yes if truthy(condition) else no
        return condition

    def comparison(self):
        left = self.primary()
        if self.peek() in ("==", "!="):
            op = self.take()[1]
            right = self.primary()
            return (left == right) if op == "==" else (left != right)
        return left

    def primary(self):
        kind, text = self.take()
        if kind == "str":
            value = gstring(text[1:-1], self.scope) if text[0] == '"' else \
                text[1:-1].replace("\\'", "'").replace("\\\\", "\\")
        elif text == "(":
            value = self.ternary()
            self.take(")")
        elif kind == "name":
            assert text in self.scope, f"unknown name {text!r} in {self.expr!r}"
            value = self.scope[text]
        else:
            raise AssertionError(f"Groovy not understood: {self.expr!r}")
        while self.peek() == ".":
            self.take()
            attribute = self.take()[1]
            assert isinstance(value, dict), f"{attribute} of a non-map in {self.expr!r}"
            value = value.get(attribute)
        return value


def evaluate(expr: str, scope: dict):
    return _Parser(expr, scope).parse()


def _render_value(value) -> str:
    return "null" if value is None else str(value)


def gstring(body: str, scope: dict) -> str:
    """Interpolate a Groovy double-quoted (or triple-quoted) string."""
    out, at = [], 0
    while at < len(body):
        char = body[at]
        if char == "\\" and at + 1 < len(body):
            following = body[at + 1]
            out.append({"n": "\n", "t": "\t"}.get(following, following))
            at += 2
        elif body.startswith("${", at):
            depth, end = 1, at + 2
            while depth:
                depth += {"{": 1, "}": -1}.get(body[end], 0)
                end += 1
            out.append(_render_value(evaluate(body[at + 2:end - 1], scope)))
            at = end
        elif char == "$" and re.match(r"\$[A-Za-z_]", body[at:]):
            raise AssertionError(f"bare ${body[at + 1:at + 20]!r}: write ${{...}}")
        else:
            out.append(char)
            at += 1
    return "".join(out)


def _strip_indent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(x) - len(x.lstrip()) for x in lines if x.strip()]
    cut = min(indents, default=0)
    return "\n".join(x[cut:] for x in lines)


def render(block: str, scope: dict) -> str:
    """The shell script of a `script:`/`stub:` block for the given names."""
    scope = dict(scope)
    head, quoted, _tail = block.split('"""', 2)
    for raw in head.splitlines():
        line = _strip_comment(raw)
        if not line:
            continue
        match = re.fullmatch(r"def\s+(\w+)\s*=\s*(.+)", line)
        assert match, f"script line not understood: {raw!r}"
        scope[match.group(1)] = evaluate(match.group(2), scope)
    return _strip_indent(gstring(quoted, scope)).strip("\n") + "\n"


# --- staging and running -----------------------------------------------------------------------

def staged_name(file: Path, stage_as: str | None) -> str:
    if stage_as is None:
        return file.name
    assert stage_as.endswith("/*") and "?" not in stage_as, f"stageAs {stage_as!r} not handled"
    return f"{stage_as[:-2]}/{file.name}"


@dataclass
class Task:
    module: Module
    folder: Path
    script: str
    outputs: dict[str, list[Path]] = field(default_factory=dict)  # emit -> files
    scope: dict = field(default_factory=dict)
    result: subprocess.CompletedProcess | None = None


def expand_braces(pattern: str) -> list[str]:
    brace = re.search(r"\{([^{}]+)\}", pattern)
    if not brace:
        return [pattern]
    return [x for alt in brace.group(1).split(",")
            for x in expand_braces(pattern.replace(brace.group(0), alt, 1))]


def _matches(folder: Path, pattern: str) -> list[Path]:
    found = []
    for one in expand_braces(pattern):
        found += sorted(p for p in folder.glob(one) if fnmatch.fnmatch(p.relative_to(folder).as_posix(), one))
    return found


def stage_task(module: Module, values: dict, folder: Path, *, params: dict, ext_args: str = "",
               stub: bool = False, cpus: int = 1) -> Task:
    """Copy the declared inputs into an empty `folder` under their staged names and render the
    block. `values` maps input names to values; a name the module does not declare is not
    staged (so a dropped declaration shows as a missing file)."""
    folder.mkdir(parents=True)
    scope = {"params": GMap(params),
             "task": GMap(process=module.name, cpus=cpus, ext=GMap(args=ext_args))}
    for declared in (one for channel in module.inputs for one in channel):
        assert declared.name in values, f"{module.name}: no value for input {declared.name}"
        item = values[declared.name]
        if declared.kind == "val":
            scope[declared.name] = GMap(item) if isinstance(item, dict) else item
            continue
        files = item if isinstance(item, list) else [item]
        names = Staged()
        for file in files:
            name = staged_name(Path(file), declared.stage_as)
            target = folder / name
            assert not target.exists(), f"{module.name}: two inputs staged as {name}"
            target.parent.mkdir(parents=True, exist_ok=True)
            if Path(file).is_dir():
                shutil.copytree(file, target)
            else:
                shutil.copy2(file, target)  # a copy, as stageInMode 'copy' makes
            names.append(name)
        scope[declared.name] = names if isinstance(item, list) else names[0]
    script = render(module.stub if stub else module.script, scope)
    (folder / ".command.sh").write_text(script)
    task = Task(module, folder, script)
    task.scope = scope
    return task


def execute(tasks: list[Task], *, env: dict[str, str], hide: list[Path], sandbox: Path,
            workers: int = 2) -> None:
    """Run staged tasks as `.command.sh` with `bash -euo pipefail`, each in its own folder moved
    to `sandbox`, while the folders in `hide` (the originals) are renamed out of reach."""
    from concurrent.futures import ThreadPoolExecutor

    homes = {}
    for task in tasks:
        moved = sandbox / f"{len(homes):03d}_{task.module.name}"
        task.folder.rename(moved)
        homes[id(task)], task.folder = task.folder, moved
    hidden = [(path, path.with_name(f".{path.name}.out_of_reach")) for path in hide]
    for path, away in hidden:
        path.rename(away)

    def run(task: Task) -> None:
        task.result = subprocess.run(["bash", "-euo", "pipefail", ".command.sh"],
                                     cwd=task.folder, env=env, capture_output=True, text=True,
                                     timeout=300)

    try:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, tasks))
    finally:
        for path, away in hidden:
            away.rename(path)
        for task in tasks:
            task.folder.rename(homes[id(task)])
            task.folder = homes[id(task)]
    for task in tasks:
        for output in task.module.outputs:
            pattern = gstring(output.pattern, task.scope)
            task.outputs[output.emit] = _matches(task.folder, pattern)


def task_env(home: Path, lenall_bin: Path) -> dict[str, str]:
    """A task's environment: another HOME, no assets override, `lenall` on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("LENALL_ASSETS", "PYTHONPATH")}
    env.update(HOME=str(home), MPLBACKEND="Agg", PATH=f"{lenall_bin}{os.pathsep}{env['PATH']}")
    return env
