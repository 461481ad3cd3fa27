"""The report in a real browser: headless Chromium draws the oncoprint and fills a cell's details.

Chromium comes from the Debian package `chromium` (scripts/ensure-chromium.sh installs it). When it
is absent the test installs it only as root and with CI or LENALL_INSTALL_CHROMIUM=1 set;
otherwise it skips and says why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import report_fixture as fixture
from lenall_genomics.report.render import render_report

REPO = Path(__file__).resolve().parents[1]
ENSURE = REPO / "scripts" / "ensure-chromium.sh"

# Appended to a copy of the report: move the mouse over one cell of the canvas, then record
# what the page shows.
PROBE = """
<script>
window.addEventListener("load", function () {
  var grid = document.getElementById("oncoprint-grid");
  var box = grid.getBoundingClientRect();
  document.body.setAttribute("data-grid-size", Math.round(box.width) + "x" + Math.round(box.height));
  var at = window.lenallOncoprint.point("P01", "TP53");
  grid.dispatchEvent(new MouseEvent("mousemove", {bubbles: true, clientX: at[0], clientY: at[1]}));
  var img = document.querySelector("#oncoprint figure img");
  document.body.setAttribute("data-figure-width", String(img.naturalWidth));
  document.body.setAttribute("data-scripts", String(
    document.querySelectorAll('script:not([type="application/json"])').length));
});
</script>
"""

# For the 10,000-patient page: load time, what a page of the per-sample table shows, search,
# and that the canvas drew cells where the page says a patient's cell is.
LARGE_PROBE = """
<script>
window.addEventListener("load", function () {
  var loaded = performance.now();
  var body = document.body;
  body.setAttribute("data-load-ms", String(Math.round(loaded)));
  var files = document.getElementById("files-table").closest(".paged-table");
  body.setAttribute("data-page-rows", files.querySelectorAll("tbody tr").length);
  files.querySelector(".table-next").click();
  body.setAttribute("data-second-page", files.querySelector("tbody td").textContent);
  files.lenallFilter("P09876");
  body.setAttribute("data-matching", files.getAttribute("data-matching"));
  body.setAttribute("data-found", files.querySelector("tbody td").textContent);
  var grid = document.getElementById("oncoprint-grid");
  var at = window.lenallOncoprint.point("P00000", "TP53");
  var box = grid.getBoundingClientRect(), ratio = window.devicePixelRatio || 1;
  var pixel = grid.getContext("2d").getImageData(Math.round((at[0] - box.left) * ratio),
                                                 Math.round((at[1] - box.top) * ratio), 1, 1).data;
  body.setAttribute("data-pixel", pixel[0] + "," + pixel[1] + "," + pixel[2] + "," + pixel[3]);
  grid.dispatchEvent(new MouseEvent("mousemove", {bubbles: true, clientX: at[0], clientY: at[1]}));
  body.setAttribute("data-dom-cells", String(document.querySelectorAll("#oncoprint rect, #oncoprint td").length));
  body.setAttribute("data-elements", String(document.getElementsByTagName("*").length));
});
</script>
"""


def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium")
                                         else None)
    if found:
        return found
    allowed = os.environ.get("CI") or os.environ.get("LENALL_INSTALL_CHROMIUM") == "1"
    if hasattr(os, "geteuid") and os.geteuid() == 0 and allowed and ENSURE.exists():
        subprocess.run(["sh", str(ENSURE)], check=False, timeout=900)
        found = shutil.which("chromium")
        if found:
            return found
    pytest.skip("headless Chromium is not installed (Debian package 'chromium'; run "
                "scripts/ensure-chromium.sh as root, or set CI=1 / LENALL_INSTALL_CHROMIUM=1)")


def _run(browser: str, profile: Path, *args: str, virtual_time: bool = True
         ) -> subprocess.CompletedProcess:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
               *(["--virtual-time-budget=3000"] if virtual_time else []), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def browser() -> str:
    return _chromium()


@pytest.fixture
def report(tmp_path: Path) -> Path:
    paths = fixture.write_cohort(tmp_path)
    return render_report(paths["cohort"], paths["results"], fixture.samples(tmp_path), "GRCh38")


def test_hovering_a_cell_shows_its_details(browser: str, report: Path, tmp_path: Path) -> None:
    probe = report.with_name("probe.html")
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                     encoding="utf-8")
    done = _run(browser, tmp_path / "profile", "--dump-dom", probe.as_uri())
    dom = done.stdout
    assert "<body" in dom, done.stderr[-2000:]

    width, height = map(int, re.search(r'data-grid-size="(\d+)x(\d+)"', dom).groups())
    assert width > 50 and height > 50  # the oncoprint canvas was laid out
    assert int(re.search(r'data-figure-width="(\d+)"', dom).group(1)) > 0  # static figure decoded
    # Only the report's own script and the probe: the hostile sample id stayed text.
    assert re.search(r'data-scripts="(\d+)"', dom).group(1) == "2"

    details = dict(re.findall(r'<dd id="detail-(\w+)">([^<]*)</dd>', dom))
    assert details["patient"] == "P01"
    assert details["gene"] == "TP53"
    assert details["alteration"] == "p.R175H (missense)"
    assert details["hgvsp"] == "p.Arg175His"
    assert details["vaf"] == "0.42"
    assert details["panel"] == "MSK-IMPACT-Heme"
    assert 'data-filled="true"' in dom


def test_screenshot_shows_the_oncoprint_colours(browser: str, report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = _run(browser, tmp_path / "profile", "--window-size=1200,1000", f"--screenshot={shot}",
                report.as_uri())
    assert shot.is_file(), done.stderr[-2000:]
    import matplotlib.image

    from lenall_genomics.report.grid import colour

    pixels = (matplotlib.image.imread(str(shot))[:, :, :3] * 255).round().astype(int)
    colours = {tuple(p) for p in pixels.reshape(-1, 3)[::3]}
    for display_class in ("missense", "fusion", "truncating"):
        hex_colour = colour(display_class).lstrip("#")
        assert tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4)) in colours, display_class


def test_a_10000_patient_report_loads_and_stays_usable(browser: str, tmp_path: Path) -> None:
    paths = fixture.write_large_cohort(tmp_path, 10000)
    report = render_report(paths["cohort"], paths["results"], paths["samples"], "GRCh38")
    probe = report.with_name("probe.html")
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>", LARGE_PROBE + "</body>"),
                     encoding="utf-8")
    done = _run(browser, tmp_path / "profile", "--window-size=1400,1000", "--dump-dom",
                probe.as_uri(), virtual_time=False)
    dom = done.stdout
    assert "<body" in dom, done.stderr[-2000:]
    found = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', dom[dom.index("<body"):].split(">")[0]))
    size = report.stat().st_size / 1e6
    print(f"10,000-patient report: {size:.1f} MB, loaded in {found['load-ms']} ms "
          f"(headless Chromium), {found['elements']} elements")
    assert found["page-rows"] == "50"  # one page of the 10,000-row per-sample table
    assert found["second-page"] == "P00050T"
    assert (found["matching"], found["found"]) == ("1", "P09876T")  # search filters the rows
    assert found["pixel"] != "0,0,0,0"  # the canvas drew the cell the page locates
    assert int(found["elements"]) < 5000  # no element per sample or per cell
