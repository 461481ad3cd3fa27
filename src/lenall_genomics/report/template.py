"""The page around the report's sections: inline CSS and JavaScript, nothing fetched from outside."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
.grid-wrap { flex: 1 1 600px; min-width: 0; max-width: 100%; border: 1px solid var(--line); padding: 6px; }
#oncoprint-scroll { overflow-x: auto; white-space: nowrap; max-width: 100%; }
#oncoprint-grid { position: sticky; left: 0; display: inline-block; vertical-align: top;
                  cursor: crosshair; }
#oncoprint-grid:focus { outline: 2px solid var(--accent); }
#oncoprint-spacer { display: inline-block; height: 1px; }
.grid-tools, .table-tools { margin: 4px 0; font-size: 13px; }
#cell-details { min-width: 260px; max-width: 340px; border: 1px solid var(--line); background: var(--band);
                padding: 8px 12px; position: sticky; top: 44px; }
#cell-details h3 { margin-top: 0; }
#cell-details dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0; }
#cell-details dt { font-weight: 600; color: var(--muted); }
#cell-details dd { margin: 0; word-break: break-word; }
.legend { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0; font-size: 12px; }
.legend span.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
                      vertical-align: -2px; border: 1px solid #999; }
.legend span.swatch.mark { background: radial-gradient(circle, #fff 30%, #8c510a 35%); }
#oncoprint-overview { display: block; width: 100%; cursor: pointer; margin-bottom: 4px; }
#samples-table tbody tr:not(.wide), #clonality-table tbody tr:not(.wide) { cursor: pointer; }
#samples-table tbody tr:not(.wide):hover td,
#clonality-table tbody tr:not(.wide):hover td { background: var(--band); }
.record-detail { border: 1px solid var(--line); padding: 6px 12px; margin: 8px 0; }
.sample-facts { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; }
.sample-facts dt { font-weight: 600; color: var(--muted); }
.sample-facts dd { margin: 0; }
h4 { font-size: 14px; margin: 12px 0 4px; }
figure { margin: 8px 0 16px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 12px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; }
details summary { cursor: pointer; font-weight: 600; }
.warn { color: #8a3b00; }
"""

SCRIPT = """
(function () {
  "use strict";
  function readData(element) { return element ? JSON.parse(element.textContent) : null; }

  // --- the oncoprint: drawn on one canvas, only the columns in view -------------------------
  var fields = ["patient", "subtype", "gene", "alteration", "hgvsp", "vaf", "source", "detail",
                "panel", "status"];
  var grid = readData(document.getElementById("oncoprint-data"));
  var canvas = document.getElementById("oncoprint-grid");
  var panel = document.getElementById("cell-details");
  var api = {};
  window.lenallOncoprint = api;
  if (grid && canvas && canvas.getContext) {
    var scroller = document.getElementById("oncoprint-scroll");
    var spacer = document.getElementById("oncoprint-spacer");
    var zoom = document.getElementById("oncoprint-zoom");
    var find = document.getElementById("oncoprint-find");
    var found = document.getElementById("oncoprint-found");
    var g = grid.geometry, nRows = grid.rows.length, nCols = grid.patients.length;
    var trackPalette = ["#8dd3c7", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69",
                        "#fccde5", "#bc80bd", "#ccebc5", "#ffed6f"];
    var altered = new Map(), marked = new Set();
    grid.altered.forEach(function (a) { altered.set(a[0] * nCols + a[1], a[2]); });
    grid.marks.forEach(function (m) { marked.add(m[0] * nCols + m[1]); });
    var subtypeTrack = null;
    grid.tracks.forEach(function (t) { if (t[0] === "Subtype") { subtypeTrack = t[1]; } });
    var overview = document.getElementById("oncoprint-overview"), bins = null;
    var rowIndex = {}, colIndex = {};
    grid.rows.forEach(function (r, i) { rowIndex[r] = i; });
    grid.patients.forEach(function (p, i) { colIndex[p] = i; });
    var longest = function (list) {
      return list.reduce(function (m, t) { return Math.max(m, String(t).length); }, 0);
    };
    var tracks = grid.tracks;
    var left = Math.max(longest(grid.rows), longest(tracks.map(function (t) { return t[0]; })))
               * g.char_w + 12;
    var right = longest(grid.labels) * g.char_w + 16;
    var labelHeight = Math.min(longest(grid.patients), 12) * g.char_w + 12;
    var cellW = g.cell_w, selected = null;
    var trackColours = tracks.map(function (t) {
      var values = {}, n = 0;
      t[1].forEach(function (v) { if (v && !(v in values)) { values[v] = null; } });
      Object.keys(values).sort().forEach(function (v) { values[v] = trackPalette[n++ % 10]; });
      return values;
    });
    function pitch() { return cellW + (cellW >= 4 ? g.gap : 0); }
    function top() { return (pitch() >= 10 ? labelHeight : 6) + tracks.length * 14; }
    function height() { return top() + nRows * (g.cell_h + g.gap) + 4; }
    function resize() {
      var full = left + nCols * pitch() + right;
      var view = Math.max(200, Math.min(full, scroller.clientWidth || full));
      var ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(view * ratio); canvas.height = Math.round(height() * ratio);
      canvas.style.width = view + "px"; canvas.style.height = height() + "px";
      spacer.style.width = Math.max(0, full - view) + "px";
      draw();
    }
    function firstColumn() { return Math.floor(scroller.scrollLeft / pitch()); }
    function draw() {
      var ctx = canvas.getContext("2d"), ratio = window.devicePixelRatio || 1;
      var view = canvas.width / ratio, p = pitch(), t = top(), scroll = scroller.scrollLeft;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, view, height());
      ctx.font = "11px system-ui, sans-serif"; ctx.fillStyle = "#1d2329";
      var c0 = firstColumn(), c1 = Math.min(nCols, c0 + Math.ceil((view - left - right) / p) + 1);
      ctx.save(); ctx.beginPath(); ctx.rect(left, 0, view - left - right, height()); ctx.clip();
      for (var c = c0; c < c1; c++) {
        var x = left + c * p - scroll;
        if (p >= 10) {
          ctx.save(); ctx.translate(x + cellW / 2 + 4, labelHeight - 6 - tracks.length * 0);
          ctx.rotate(-Math.PI / 2); ctx.fillStyle = "#1d2329";
          ctx.fillText(String(grid.patients[c]).slice(0, 12), 0, 0); ctx.restore();
        }
        for (var k = 0; k < tracks.length; k++) {
          var v = tracks[k][1][c];
          ctx.fillStyle = v ? trackColours[k][v] : "#ffffff";
          ctx.fillRect(x, t - tracks.length * 14 + k * 14, cellW, 12);
        }
        for (var r = 0; r < nRows; r++) {
          var y = t + r * (g.cell_h + g.gap), hits = altered.get(r * nCols + c);
          if (hits) {
            var stripe = g.cell_h / hits.length;
            for (var h = 0; h < hits.length; h++) {
              ctx.fillStyle = grid.colours.classes[hits[h][2]] || "#8c510a";
              ctx.fillRect(x, y + h * stripe, cellW, stripe);
            }
            if (marked.has(r * nCols + c) && cellW >= 4) {
              ctx.fillStyle = "#ffffff"; ctx.beginPath();
              ctx.arc(x + cellW / 2, y + g.cell_h / 2, Math.min(cellW, g.cell_h) / 5, 0, 7);
              ctx.fill();
            }
          } else {
            var state = grid.states[grid.cells[r][c]][0];
            ctx.fillStyle = state === "not altered" ? grid.colours.evaluated
                                                    : grid.colours.not_evaluated;
            ctx.fillRect(x, y, cellW, g.cell_h);
          }
          if (selected && selected[0] === r && selected[1] === c) {
            ctx.strokeStyle = "#000"; ctx.lineWidth = 1.5;
            ctx.strokeRect(x + 0.75, y + 0.75, Math.max(cellW - 1.5, 1), g.cell_h - 1.5);
          }
        }
      }
      ctx.restore();
      ctx.fillStyle = "#1d2329"; ctx.textAlign = "end";
      for (var kk = 0; kk < tracks.length; kk++) {
        ctx.fillText(tracks[kk][0], left - 6, t - tracks.length * 14 + kk * 14 + 10);
      }
      for (var rr = 0; rr < nRows; rr++) {
        var yy = t + rr * (g.cell_h + g.gap) + g.cell_h - 7;
        ctx.textAlign = "end"; ctx.fillText(grid.rows[rr], left - 6, yy);
        ctx.textAlign = "start"; ctx.fillText(grid.labels[rr], view - right + 6, yy);
      }
      drawOverview();
    }
    // The whole cohort in the overview strip: one bin of adjacent columns per pixel column,
    // each row shaded by its share of altered patients in the bin (in its commonest class).
    function binOverview(width) {
      var n = Math.max(1, Math.min(nCols, Math.floor(width))), kinds = [];
      grid.states.forEach(function (st, i) {
        kinds[i] = st[0] === "altered" ? 0 : (st[0] === "not altered" ? 1 : 2);
      });
      var fills = [];
      for (var r = 0; r < nRows; r++) {
        var codes = grid.cells[r], row = [];
        for (var b = 0; b < n; b++) {
          var c0 = Math.floor(b * nCols / n), c1 = Math.floor((b + 1) * nCols / n);
          var counts = [0, 0, 0], classes = {}, best = null;
          for (var c = c0; c < c1; c++) {
            var kind = kinds[codes[c]];
            counts[kind]++;
            if (kind === 0) {
              var k = altered.get(r * nCols + c)[0][2];
              classes[k] = (classes[k] || 0) + 1;
              if (best === null || classes[k] > classes[best]) { best = k; }
            }
          }
          if (counts[0]) {
            row.push([grid.colours.classes[best] || "#8c510a",
                      0.3 + 0.7 * counts[0] / (counts[0] + counts[1])]);
          } else {
            row.push([counts[1] ? grid.colours.evaluated : grid.colours.not_evaluated, 1]);
          }
        }
        fills.push(row);
      }
      return {n: n, fills: fills};
    }
    function overviewGeometry() {
      var width = overview.clientWidth || scroller.clientWidth || 600;
      var rowH = Math.max(2, Math.min(6, Math.floor(120 / Math.max(1, nRows))));
      return {width: width, plot: Math.max(1, width - left - right), rowH: rowH,
              height: nRows * rowH + 4};
    }
    function paintBins(o, ratio) {  // once per width: scrolling only moves the frame
      var sheet = document.createElement("canvas");
      sheet.width = Math.round(o.width * ratio); sheet.height = Math.round(o.height * ratio);
      var ctx = sheet.getContext("2d"), w = o.plot / bins.n;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      for (var r = 0; r < nRows; r++) {
        for (var b = 0; b < bins.n; b++) {
          var fill = bins.fills[r][b];
          ctx.globalAlpha = fill[1]; ctx.fillStyle = fill[0];
          ctx.fillRect(left + b * w, 2 + r * o.rowH, Math.max(w, 1), o.rowH - (o.rowH > 3 ? 1 : 0));
        }
      }
      return sheet;
    }
    function drawOverview() {
      if (!overview || !overview.getContext) { return; }
      var o = overviewGeometry(), ratio = window.devicePixelRatio || 1;
      if (!bins || bins.width !== o.plot) {
        bins = binOverview(o.plot); bins.width = o.plot;
        overview.width = Math.round(o.width * ratio); overview.style.width = o.width + "px";
        overview.height = Math.round(o.height * ratio); overview.style.height = o.height + "px";
        bins.sheet = paintBins(o, ratio);
      }
      var ctx = overview.getContext("2d");
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, overview.width, overview.height);
      ctx.drawImage(bins.sheet, 0, 0);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      var shown = (canvas.getBoundingClientRect().width - left - right) / pitch();
      var x0 = left + firstColumn() / nCols * o.plot;
      ctx.strokeStyle = "#000"; ctx.lineWidth = 1.5;
      ctx.strokeRect(x0, 1, Math.max(2, Math.min(shown, nCols) / nCols * o.plot), o.height - 2);
    }
    function moveTo(clientX) {
      var o = overviewGeometry(), box = overview.getBoundingClientRect();
      var c = Math.floor((clientX - box.left - left) / o.plot * nCols);
      c = Math.min(nCols - 1, Math.max(0, c));
      var view = canvas.getBoundingClientRect().width - left - right;
      scroller.scrollLeft = Math.max(0, c * pitch() - view / 2);
      draw();
    }
    if (overview) {
      var dragging = false;
      overview.addEventListener("mousedown", function (e) { dragging = true; moveTo(e.clientX); });
      overview.addEventListener("mousemove", function (e) { if (dragging) { moveTo(e.clientX); } });
      window.addEventListener("mouseup", function () { dragging = false; });
    }
    function join(values) {
      var seen = [];
      values.forEach(function (v) { if (v && v !== "." && seen.indexOf(v) < 0) { seen.push(v); } });
      return seen.join("; ");
    }
    function details(r, c) {
      var hits = altered.get(r * nCols + c) || [], state = grid.states[grid.cells[r][c]];
      var pick = function (i) { return join(hits.map(function (h) { return h[i]; })); };
      return {
        patient: grid.patients[c], row: grid.rows[r],
        status: state[0] + (marked.has(r * nCols + c) ? " (karyotype / clinical test only)" : ""),
        subtype: subtypeTrack ? subtypeTrack[c] : "",
        gene: pick(0) || grid.rows[r],
        alteration: join(hits.map(function (h) { return h[1] + " (" + h[2] + ")"; })) || state[0],
        hgvsp: pick(4), vaf: pick(5), source: pick(3), detail: pick(8),
        panel: pick(6) || state[1]
      };
    }
    function show(r, c) {
      selected = [r, c];
      var d = details(r, c);
      for (var i = 0; i < fields.length; i++) {
        var target = document.getElementById("detail-" + fields[i]);
        if (target) { target.textContent = d[fields[i]] || "-"; }
      }
      canvas.title = d.patient + " | " + d.row + " | " + d.alteration;
      if (panel) { panel.setAttribute("data-filled", "true"); }
      draw();
      return d;
    }
    function cellAt(clientX, clientY) {
      var box = canvas.getBoundingClientRect(), x = clientX - box.left, y = clientY - box.top;
      var view = box.width, p = pitch();
      if (x < left || x >= view - right) { return null; }
      var c = Math.floor((x - left + scroller.scrollLeft) / p);
      var r = Math.floor((y - top()) / (g.cell_h + g.gap));
      if (c < 0 || c >= nCols || r < 0 || r >= nRows || y < top()) { return null; }
      return [r, c];
    }
    function reveal(c) {
      var x = c * pitch(), view = canvas.getBoundingClientRect().width - left - right;
      if (x < scroller.scrollLeft || x + pitch() > scroller.scrollLeft + view) {
        scroller.scrollLeft = Math.max(0, x - view / 2);
      }
    }
    ["mousemove", "click"].forEach(function (kind) {
      canvas.addEventListener(kind, function (event) {
        var at = cellAt(event.clientX, event.clientY);
        if (at && (!selected || at[0] !== selected[0] || at[1] !== selected[1])) {
          show(at[0], at[1]);
        }
      });
    });
    canvas.addEventListener("focus", function () { if (!selected) { show(0, firstColumn()); } });
    canvas.addEventListener("keydown", function (event) {
      var moves = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]};
      var move = moves[event.key];
      if (!move) { return; }
      event.preventDefault();
      var s = selected || [0, firstColumn()];
      var r = Math.min(nRows - 1, Math.max(0, s[0] + move[0]));
      var c = Math.min(nCols - 1, Math.max(0, s[1] + move[1]));
      reveal(c); show(r, c);
    });
    scroller.addEventListener("scroll", draw);
    window.addEventListener("resize", resize);
    zoom.addEventListener("change", function () {
      var keep = selected ? selected[1] : firstColumn();
      cellW = Number(zoom.value); resize(); reveal(keep); draw();
    });
    find.addEventListener("input", function () {
      var q = find.value.trim().toLowerCase(), hit = -1;
      if (q) {
        hit = q in colIndex ? colIndex[q] : -1;
        for (var c = 0; hit < 0 && c < nCols; c++) {
          if (String(grid.patients[c]).toLowerCase().indexOf(q) >= 0) { hit = c; }
        }
      }
      found.textContent = !q ? "" : (hit < 0 ? "no such patient" : grid.patients[hit]);
      if (hit >= 0) { reveal(hit); show(selected ? selected[0] : 0, hit); }
    });
    api.point = function (patient, row) {
      var r = rowIndex[row], c = colIndex[patient];
      reveal(c);
      var box = canvas.getBoundingClientRect();
      return [box.left + left + c * pitch() - scroller.scrollLeft + cellW / 2,
              box.top + top() + r * (g.cell_h + g.gap) + g.cell_h / 2];
    };
    api.details = function (patient, row) { return details(rowIndex[row], colIndex[patient]); };
    api.columns = nCols;
    resize();
    canvas.setAttribute("data-drawn", "true");
  }

  // --- long tables: paged and searched from their data, one page of rows in the DOM ----------
  var numeric = /^-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?%?$/;
  Array.prototype.forEach.call(document.querySelectorAll(".paged-table"), function (box) {
    var data = readData(box.querySelector('script[type="application/json"]'));
    var size = Number(box.getAttribute("data-page")), page = 0, shown = [];
    var body = box.querySelector("tbody"), count = box.querySelector(".table-count");
    var n = data.narrow.length ? data.narrow[0].length : (data.wide[0] || []).length;
    var haystack = [];
    for (var i = 0; i < n; i++) {
      var parts = [];
      data.narrow.forEach(function (col) { parts.push(col[i]); });
      data.wide.forEach(function (col) { parts.push(col[i]); });
      haystack.push(parts.join("\\t").toLowerCase());
    }
    function render() {
      var start = page * size, rows = shown.slice(start, start + size);
      body.textContent = "";
      rows.forEach(function (i) {
        var tr = document.createElement("tr");
        tr.setAttribute("data-row", String(i));
        data.narrow.forEach(function (col) {
          var td = document.createElement("td");
          td.textContent = col[i];
          if (numeric.test(col[i])) { td.className = "num"; }
          tr.appendChild(td);
        });
        body.appendChild(tr);
        data.wide.forEach(function (col, k) {
          if (!col[i]) { return; }
          var wide = document.createElement("tr"), td = document.createElement("td");
          var name = document.createElement("b");
          wide.className = "wide"; td.colSpan = data.narrow.length;
          name.textContent = data.wide_names[k] + ":";
          td.appendChild(name); td.appendChild(document.createTextNode(" " + col[i]));
          wide.appendChild(td); body.appendChild(wide);
        });
      });
      count.textContent = shown.length ? "rows " + (start + 1) + "-" + (start + rows.length) +
        " of " + shown.length + (shown.length < n ? " (" + n + " in all)" : "") : "no matching rows";
      box.setAttribute("data-shown", String(rows.length));
      box.setAttribute("data-matching", String(shown.length));
      box.dispatchEvent(new CustomEvent("lenall-rendered", {detail: {rows: rows}}));
    }
    function filter(query) {
      var q = query.trim().toLowerCase();
      box.setAttribute("data-query", q);
      shown = [];
      for (var i = 0; i < n; i++) { if (!q || haystack[i].indexOf(q) >= 0) { shown.push(i); } }
      page = 0; render();
    }
    box.querySelector(".table-search").addEventListener("input", function (e) {
      filter(e.target.value);
    });
    box.querySelector(".table-prev").addEventListener("click", function () {
      if (page > 0) { page--; render(); }
    });
    box.querySelector(".table-next").addEventListener("click", function () {
      if ((page + 1) * size < shown.length) { page++; render(); }
    });
    box.lenallFilter = filter;
    box.lenallPage = function () { return page; };
    filter("");
  });

  // --- a list and one details panel: a record per sample (or patient), built by the report and
  // put in the panel when one of its rows is picked. A short list has the records inline as
  // <details> (readable without the script); a long one as one JSON blob, parsed on first use.
  function element(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (className) { e.className = className; }
    return e;
  }
  function tableNodes(columns, rows) {  // the report's table(): long text under its row
    var wideAt = [], narrowAt = [];
    columns.forEach(function (c, k) {
      (rows.some(function (r) { return String(r[k]).length > 60; }) ? wideAt : narrowAt).push(k);
    });
    var wrap = element("div", undefined, "table-wrap"), t = element("table");
    var head = element("tr"), body = element("tbody");
    narrowAt.forEach(function (k) { head.appendChild(element("th", columns[k])); });
    t.appendChild(element("thead")).appendChild(head);
    rows.forEach(function (row) {
      var tr = element("tr");
      narrowAt.forEach(function (k) {
        tr.appendChild(element("td", row[k], numeric.test(row[k]) ? "num" : ""));
      });
      body.appendChild(tr);
      wideAt.forEach(function (k) {
        if (!row[k]) { return; }
        var wide = element("tr", undefined, "wide"), td = element("td");
        td.colSpan = narrowAt.length;
        td.appendChild(element("b", columns[k] + ":"));
        td.appendChild(document.createTextNode(" " + row[k]));
        wide.appendChild(td); body.appendChild(wide);
      });
    });
    t.appendChild(body); wrap.appendChild(t);
    return wrap;
  }
  function figureNodes(html, out) {  // a figure's HTML, escaped by the report
    var figure = element("div"); figure.innerHTML = html; out.appendChild(figure.firstChild);
  }
  function detailList(panel, list, inlineClass, blobElement, keyOf, build) {
    var api = {};
    if (!panel) { return api; }
    var key = panel.getAttribute("data-key"), blob = null;
    var inline = document.querySelectorAll("details." + inlineClass);
    var mapped = panel.getAttribute("data-rows");
    var toRecord = mapped ? mapped.split(" ").map(Number) : null;
    function data() { if (!blob) { blob = readData(blobElement); } return blob; }
    function count() { return blobElement ? data().records.length : inline.length; }
    function id(i) {
      return blobElement ? keyOf(data().records[i]) : inline[i].getAttribute("data-" + key);
    }
    function show(i) {
      if (!(i >= 0 && i < count())) { return false; }
      panel.textContent = "";
      if (blobElement) {
        panel.appendChild(build(data().records[i], data()));
      } else {
        var copy = inline[i].cloneNode(true);
        copy.removeChild(copy.querySelector("summary"));
        while (copy.firstChild) { panel.appendChild(copy.firstChild); }
      }
      panel.setAttribute("data-" + key, id(i));
      return true;
    }
    function record(row) { return toRecord ? toRecord[row] : row; }
    api.show = function (wanted) {
      for (var i = 0; i < count(); i++) { if (id(i) === wanted) { return show(i); } }
      return false;
    };
    if (!list) { return api; }
    var listBox = list.closest(".paged-table") || list;
    function rowIndex(tr) {
      if (tr.hasAttribute("data-row")) { return Number(tr.getAttribute("data-row")); }
      return Array.prototype.indexOf.call(list.querySelectorAll("tbody tr:not(.wide)"), tr);
    }
    list.addEventListener("click", function (event) {
      var tr = event.target.closest("tbody tr");
      while (tr && tr.classList.contains("wide")) { tr = tr.previousElementSibling; }
      if (tr) { show(record(rowIndex(tr))); }
    });
    listBox.addEventListener("lenall-rendered", function (event) {
      // a search that leaves one record's rows (all on this page) shows it
      var rows = event.detail.rows, first = rows.length ? record(rows[0]) : -1;
      if (listBox.getAttribute("data-query") && rows.length &&
          Number(listBox.getAttribute("data-matching")) === rows.length &&
          rows.every(function (r) { return record(r) === first; })) {
        show(first);
      }
    });
    return api;
  }

  // the samples: alterations (references into the oncoprint's data), events, QC, genome plot
  function recordNodes(record, blob) {  // the same view as the report's sample_html
    var layout = blob.layout, out = document.createDocumentFragment();
    out.appendChild(element("h3", record[0][0], "sample-title"));
    var facts = element("dl", undefined, "sample-facts");
    layout.facts.forEach(function (name, k) {
      facts.appendChild(element("dt", name)); facts.appendChild(element("dd", record[0][k]));
    });
    out.appendChild(facts);
    layout.tables.forEach(function (kind, k) {
      var found = record[1][k];
      out.appendChild(element("h4", kind[0]));
      if (found && k === 0) {  // [altered entry, hit] pairs into the oncoprint's data
        found = [found[0].map(function (at) {
          var entry = grid.altered[at[0]], hit = entry[2][at[1]];
          return [grid.rows[entry[0]]].concat(hit.slice(0, 7), [hit[8]]);
        }), found[1]];
      }
      if (!found) { out.appendChild(element("p", "No " + kind[2] + " for this sample.", "note")); return; }
      if (!found[0].length) { out.appendChild(element("p", "No rows.", "note")); return; }
      out.appendChild(tableNodes(kind[1], found[0]));
      if (found[1] > found[0].length) {
        out.appendChild(element("p", "The first " + found[0].length + " of " + found[1] +
                                " rows; " + kind[2] + " has them all.", "note"));
      }
    });
    if (record[2]) { figureNodes(record[2], out); }
    else if (record[3]) { out.appendChild(element("p", record[3], "note")); }
    return out;
  }
  window.lenallSamples = detailList(
    document.getElementById("sample-detail"), document.getElementById("samples-table"),
    "sample-inline", document.getElementById("sample-details"),
    function (record) { return record[0][0]; }, recordNodes);

  // clonality: a patient's evidence rows (a range of the columnar evidence) and figure
  var evidence = null;
  function column(encoded, n) {  // {"v": values} | {"d": distinct, "c": codes | "r": runs}
    if (encoded.v) { return encoded.v; }
    var out = new Array(n), d = encoded.d, at = 0;
    if (encoded.c) { encoded.c.forEach(function (c, i) { out[i] = d[c]; }); return out; }
    for (var k = 0; k < encoded.r.length; k += 2) {
      for (var j = 0; j < encoded.r[k + 1]; j++) { out[at++] = d[encoded.r[k]]; }
    }
    return out;
  }
  function patientNodes(record, blob) {  // the same view as the report's clonality_html
    var out = document.createDocumentFragment();
    out.appendChild(element("h3", "Patient " + record[0], "sample-title"));
    if (!blob.has_evidence) {
      out.appendChild(element("p", "clonality_evidence.tsv was not found in the cohort folder.",
                              "note"));
    } else if (!record[2]) {
      out.appendChild(element("p", "No evidence rows for this patient.", "note"));
    } else {
      if (!evidence) {
        evidence = blob.evidence.map(function (c) { return column(c, blob.rows); });
      }
      var rows = [];
      for (var i = record[1]; i < record[1] + record[2]; i++) {
        rows.push(evidence.map(function (c) { return c[i]; }));
      }
      out.appendChild(tableNodes(blob.columns, rows));
    }
    if (record[3]) { figureNodes(record[3], out); }
    else if (record[4]) {
      var p = element("p", "Clonality figure: ", "note"), a = element("a", record[4]);
      a.setAttribute("href", record[4].split("/").map(encodeURIComponent).join("/"));
      p.appendChild(a); p.appendChild(document.createTextNode(" (beside this report; not embedded)."));
      out.appendChild(p);
    }
    return out;
  }
  window.lenallClonality = detailList(
    document.getElementById("clonality-detail"), document.getElementById("clonality-table"),
    "clonality-inline", document.getElementById("clonality-details"),
    function (record) { return record[0]; }, patientNodes);

  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  document.body.setAttribute("data-ready", "true");
})();
"""

NAV = (("summary", "Cohort summary"), ("oncoprint", "Oncoprint"), ("ploidy", "Ploidy"),
       ("subtypes", "Subtypes"), ("clonality", "Clonality"), ("qc", "Per-sample QC"),
       ("samples", "Samples"), ("parameters", "Parameters"))


def page(title: str, subtitle: str, sections: Iterable[str | Iterable[str]]) -> Iterator[str]:
    """The whole document in pieces (written as they come: the page is never one string);
    `sections` are HTML fragments already escaped, each one string or an iterable of pieces."""
    nav = "".join(f'<a href="#{anchor}">{escape(label)}</a>' for anchor, label in NAV)
    yield (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No network at all: the page may only use what it carries (data: images, inline code).
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>\n"
        f"<nav>{nav}</nav>\n<main>\n"
    )
    for i, part in enumerate(sections):
        if isinstance(part, str):
            yield ("\n" if i else "") + part
            continue
        if i:
            yield "\n"
        yield from part
    yield f"\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
