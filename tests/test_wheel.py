"""The package as users install it: a built wheel in a fresh environment, no source checkout.

The wheel is built from a copy of the sources (so the checkout's build/ is untouched), installed
without dependencies into a new venv that sees this environment's installed dependencies (no
network), and run from an unrelated folder with no LENALL_ASSETS.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from test_pipeline_demo import FIGURE1

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
BUILD_SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", "assets")


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)


def _copy_sources(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in BUILD_SOURCES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


def _site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(_run([str(python), "-c", code], check=True).stdout.strip())


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    sources, dist, venv = base / "sources", base / "dist", base / "venv"
    sources.mkdir()
    _copy_sources(sources)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                  "--no-index", "--wheel-dir", str(dist), str(sources)])
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = next(dist.glob("lenall_genomics-*.whl"))

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = _site_packages(python)
    # the dependencies already installed here, after the venv's own site-packages
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                 "--no-index", str(wheel)])
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("LENALL_ASSETS", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(base), MPLBACKEND="Agg")
    return {"wheel": wheel, "venv": venv, "site": site, "cwd": elsewhere, "env": env}


def _lenall(installed, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return _run([str(installed["venv"] / "bin" / "lenall"), *args], cwd=installed["cwd"],
                env=env or installed["env"])


def test_wheel_carries_every_asset(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    expected = {f"lenall_genomics/assets/{p.relative_to(REPO / 'assets').as_posix()}"
                for p in (REPO / "assets").rglob("*") if p.is_file()}
    assert expected and expected <= names, sorted(expected - names)[:5]


def test_installed_package_is_the_wheel_not_the_checkout(installed):
    code = ("import lenall_genomics, lenall_genomics.assets as a; "
            "print(lenall_genomics.__file__); print(a.assets_dir())")
    shown = _run([str(installed["venv"] / "bin" / "python"), "-c", code],
                 cwd=installed["cwd"], env=installed["env"])
    assert shown.returncode == 0, shown.stderr
    module, assets = shown.stdout.split()
    assert Path(module).is_relative_to(installed["site"])
    assert Path(assets) == installed["site"] / "lenall_genomics" / "assets"


def _frequencies(path: Path) -> dict[str, tuple[int, int]]:
    with path.open() as handle:
        rows = csv.DictReader((x for x in handle if not x.startswith("#")), delimiter="\t")
        return {r["row"]: (int(r["altered"]), int(r["evaluable"])) for r in rows}


def test_demo_and_run_from_an_unrelated_folder_give_figure1(installed):
    version = _lenall(installed, "--version")
    assert version.returncode == 0 and "lenall" in version.stdout, version.stderr
    made = _lenall(installed, "demo", "--outdir", "demo")
    assert made.returncode == 0, made.stderr[-2000:]
    ran = _lenall(installed, "run", "--samplesheet", "demo/samplesheet.csv", "--outdir",
                  "results", "--cores", "2", "--quiet")
    assert ran.returncode == 0, ran.stderr[-3000:]
    frequencies = _frequencies(installed["cwd"] / "results" / "cohort" / "frequencies.tsv")
    assert {row: frequencies.get(row) for row in FIGURE1} == FIGURE1


def _one_clean_line(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith("lenall: error:")
    for word in words:
        assert word in lines[0]


def test_assets_override_that_is_not_an_assets_folder_is_one_line(installed, tmp_path):
    env = dict(installed["env"], LENALL_ASSETS=str(tmp_path / "nowhere"))
    _one_clean_line(_lenall(installed, "demo", "--outdir", "x", env=env),
                    "LENALL_ASSETS", str(tmp_path / "nowhere"))
    env = dict(installed["env"], LENALL_ASSETS=str(tmp_path))  # a folder, but not the assets
    _one_clean_line(_lenall(installed, "demo", "--outdir", "x", env=env), "schema_input.json")


def test_assets_override_is_used(installed, tmp_path):
    copy = tmp_path / "assets"
    shutil.copytree(REPO / "assets", copy)
    env = dict(installed["env"], LENALL_ASSETS=str(copy))
    code = "import lenall_genomics.assets as a; print(a.assets_dir())"
    shown = _run([str(installed["venv"] / "bin" / "python"), "-c", code], env=env,
                 cwd=installed["cwd"])
    assert Path(shown.stdout.strip()) == copy


def test_installed_package_without_its_tables_is_one_line(installed):
    tables = installed["site"] / "lenall_genomics" / "assets"
    hidden = tables.with_name("assets_hidden")
    tables.rename(hidden)
    try:
        _one_clean_line(_lenall(installed, "demo", "--outdir", "x"), "reinstall")
    finally:
        hidden.rename(tables)
