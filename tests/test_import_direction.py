"""Plots import biology, never the reverse: only the step entry points (commands/, *_run.py) and
plots/ itself may import a plot module."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "lenall_genomics"


def _imports_plots(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(PACKAGE).parts) - 1
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the package
                base = list(path.relative_to(PACKAGE).parts[:depth])
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join(["lenall_genomics", *base, *([module] if module else [])])
            names = [module] + [f"{module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found += [n for n in names if n.startswith("lenall_genomics.plots")]
    return found


def test_no_biology_module_imports_a_plot() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in ("plots", "commands") or path.stem.endswith("_run"):
            continue
        if found := _imports_plots(path):
            offenders[str(relative)] = found
    assert offenders == {}


def test_the_check_sees_a_relative_import(tmp_path) -> None:
    assert _imports_plots(PACKAGE / "ploidy_run.py") == ["lenall_genomics.plots.genome",
                                                         "lenall_genomics.plots.genome.plot_genome"]
    assert _imports_plots(PACKAGE / "clonality" / "outputs.py") == []
