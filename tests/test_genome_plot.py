"""The per-sample genome plot: written as PNG and SVG, byte-identical on re-run, says the class."""

from __future__ import annotations

from pathlib import Path

from lenall_genomics import ploidy
from lenall_genomics.plots.genome import plot_genome
from test_ploidy import GENOME, _doubled_low_hypodiploid, write_genome


def _call(tmp_path: Path, states: dict) -> tuple[ploidy.PloidyCall, ploidy.SegmentInput]:
    data = ploidy.read_segments(write_genome(tmp_path / "s.tsv", states), GENOME)
    return ploidy.call_ploidy("P07", data, GENOME, "female"), data


def test_plot_is_byte_identical_on_rerun(tmp_path):
    call, data = _call(tmp_path, _doubled_low_hypodiploid())
    first = [p.read_bytes() for p in plot_genome(call, data.segments, tmp_path / "a" / "P07")]
    second = [p.read_bytes() for p in plot_genome(call, data.segments, tmp_path / "b" / "P07")]
    assert first == second
    assert first[0].startswith(b"\x89PNG") and b"<svg" in first[1]
    assert b"Date" not in first[1] and b"Software" not in first[0]


def test_plot_title_names_class_and_masking(tmp_path):
    call, data = _call(tmp_path, _doubled_low_hypodiploid())
    png, svg = plot_genome(call, data.segments, tmp_path / "P07")
    assert (png.name, svg.name) == ("P07.png", "P07.svg")
    text = svg.read_text()
    assert "P07: low hypodiploid" in text
    assert "33 before doubling" in text
    assert "LOH (minor CN 0)" in text


def test_plot_without_segments_says_so(tmp_path):
    path = tmp_path / "empty.tsv"
    path.write_text("chrom\tstart\tend\tlog2\ttotal_cn\tminor_cn\tn_markers\n")
    data = ploidy.read_segments(path, GENOME)
    call = ploidy.call_ploidy("P09", data, GENOME, "male")
    _png, svg = plot_genome(call, data.segments, tmp_path / "P09")
    assert "no segments" in svg.read_text()
    assert "insufficient_data" in svg.read_text()


def test_each_file_draws_the_figure_once(tmp_path, monkeypatch):
    """tight_layout leaves a layout engine behind, with which savefig draws each figure twice."""
    from matplotlib.figure import Figure

    calls = []
    draw = Figure.draw

    def counted(self, renderer):
        calls.append(renderer)
        return draw(self, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    call, data = _call(tmp_path, _doubled_low_hypodiploid())
    plot_genome(call, data.segments, tmp_path / "P07")
    assert len(calls) == 2  # PNG and SVG
