"""The page around the report's sections: inline CSS and JavaScript, nothing fetched from outside."""

from __future__ import annotations

from html import escape

CSS = """
:root { --ink: #1d2329; --muted: #5b6670; --line: #d5dae0; --band: #f4f6f8; --accent: #1f5f8b; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
       sans-serif; color: var(--ink); background: #fff; }
header { padding: 18px 28px; background: var(--accent); color: #fff; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; opacity: .9; }
nav { position: sticky; top: 0; z-index: 2; background: var(--band); border-bottom: 1px solid var(--line);
      padding: 6px 28px; }
nav a { margin-right: 16px; color: var(--accent); text-decoration: none; font-weight: 600; }
main { padding: 8px 28px 40px; max-width: 1500px; }
section { margin-top: 26px; }
h2 { font-size: 19px; border-bottom: 2px solid var(--accent); padding-bottom: 3px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--band); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.wide td { color: var(--muted); font-size: 12px; max-width: 90em; overflow-wrap: anywhere; }
.note { color: var(--muted); font-style: italic; }
.table-wrap { overflow-x: auto; max-width: 100%; }
.oncoprint-layout { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.grid-wrap { overflow-x: auto; max-width: 100%; border: 1px solid var(--line); padding: 6px; }
#oncoprint-grid .cell { cursor: pointer; outline: none; }
#oncoprint-grid .cell:hover rect, #oncoprint-grid .cell:focus rect,
#oncoprint-grid .cell.selected rect { stroke: #000; stroke-width: 1.5; }
#oncoprint-grid text { font-size: 11px; fill: var(--ink); }
#cell-details { min-width: 260px; max-width: 340px; border: 1px solid var(--line); background: var(--band);
                padding: 8px 12px; position: sticky; top: 44px; }
#cell-details h3 { margin-top: 0; }
#cell-details dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0; }
#cell-details dt { font-weight: 600; color: var(--muted); }
#cell-details dd { margin: 0; word-break: break-word; }
.legend { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; font-size: 12px; }
.legend span.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
                      vertical-align: -2px; border: 1px solid #999; }
figure { margin: 8px 0 16px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 12px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; }
details summary { cursor: pointer; font-weight: 600; }
.warn { color: #8a3b00; }
"""

SCRIPT = """
(function () {
  var fields = ["patient", "gene", "alteration", "hgvsp", "vaf", "source", "panel", "status"];
  var panel = document.getElementById("cell-details");
  if (!panel) { return; }
  function show(cell) {
    for (var i = 0; i < fields.length; i++) {
      var target = document.getElementById("detail-" + fields[i]);
      if (target) { target.textContent = cell.getAttribute("data-" + fields[i]) || "-"; }
    }
    var previous = document.querySelectorAll("#oncoprint-grid .cell.selected");
    for (var j = 0; j < previous.length; j++) { previous[j].classList.remove("selected"); }
    cell.classList.add("selected");
    panel.setAttribute("data-filled", "true");
  }
  var cells = document.querySelectorAll("#oncoprint-grid .cell");
  for (var k = 0; k < cells.length; k++) {
    (function (cell) {
      cell.addEventListener("mouseover", function () { show(cell); });
      cell.addEventListener("focus", function () { show(cell); });
      cell.addEventListener("click", function () { show(cell); });
    })(cells[k]);
  }
})();
"""

NAV = (("summary", "Cohort summary"), ("oncoprint", "Oncoprint"), ("ploidy", "Ploidy"),
       ("clonality", "Clonality"), ("qc", "Per-sample QC"), ("parameters", "Parameters"))


def page(title: str, subtitle: str, sections: list[str]) -> str:
    """The whole document; `sections` are HTML fragments already escaped."""
    nav = "".join(f'<a href="#{anchor}">{escape(label)}</a>' for anchor, label in NAV)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No network at all: the page may only use what it carries (data: images, inline code).
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>\n"
        f"<nav>{nav}</nav>\n<main>\n" + "\n".join(sections) + "\n</main>\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
