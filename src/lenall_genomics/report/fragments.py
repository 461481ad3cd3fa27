"""Small HTML builders. Every value that reaches the page goes through `esc`."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?%?$")
NUM_CELL = '<td class="num">'
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


def table(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *,
          headers: Mapping[str, str] | None = None, table_id: str | None = None) -> str:
    """An HTML table; numbers are right-aligned. A column holding long text is shown under its
    row across the whole table (keeps rows short and the table narrow). Empty input: a note."""
    rows = list(rows)
    if not rows:
        return note("No rows.")
    headers = headers or {}
    texts = [{c: cell_text(row.get(c)) for c in columns} for row in rows]
    wide = [c for c in columns if any(len(t[c]) > LONG_TEXT for t in texts)]
    narrow = [c for c in columns if c not in wide]
    head = "".join(f"<th>{esc(headers.get(c, c))}</th>" for c in narrow)
    body = []
    for text in texts:
        cells = "".join((NUM_CELL if _NUMBER.match(text[c]) else "<td>") + f"{esc(text[c])}</td>"
                        for c in narrow)
        body.append(f"<tr>{cells}</tr>")
        for column in wide:
            if text[column]:
                body.append(f'<tr class="wide"><td colspan="{len(narrow)}"><b>'
                            f"{esc(headers.get(column, column))}:</b> {esc(text[column])}</td></tr>")
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
