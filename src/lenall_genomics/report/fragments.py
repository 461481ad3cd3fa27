"""Small HTML builders. Every value that reaches the page goes through `esc`."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?%?$")
LONG_TEXT = 60  # characters; longer cells get a wide column instead of a tall narrow one
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def esc(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


def section(anchor: str, title: str, body: Iterable[str]) -> str:
    return f'<section id="{esc(anchor)}">\n<h2>{esc(title)}</h2>\n' + "\n".join(body) + "\n</section>"


def cell_text(value: Any) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {cell_text(v)}" for k, v in sorted(value.items(), key=str))
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def table(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *, headers: Mapping[str, str] | None = None,
          table_id: str | None = None) -> str:
    """An HTML table; numbers are right-aligned. Empty input gives a one-line note."""
    rows = list(rows)
    if not rows:
        return note("No rows.")
    headers = headers or {}
    head = "".join(f"<th>{esc(headers.get(c, c))}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            text = cell_text(row.get(column))
            klass = (' class="num"' if _NUMBER.match(text)
                     else ' class="long"' if len(text) > LONG_TEXT else "")
            cells.append(f"<td{klass}>{esc(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return (f'<div class="table-wrap"><table{ident}><thead><tr>{head}</tr></thead><tbody>'
            + "\n".join(body) + "</tbody></table></div>")


def image(path: Path, alt: str, caption: str | None = None) -> str:
    """The picture carried inside the page as a data: URI (an <img> never runs the file's code)."""
    kind = IMAGE_TYPES[path.suffix.lower()]
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    figcaption = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img alt="{esc(alt)}" src="data:{kind};base64,{data}">{figcaption}</figure>'


def first_existing(*paths: Path | None) -> Path | None:
    return next((p for p in paths if p is not None and p.is_file()), None)
