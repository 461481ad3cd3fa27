"""Small HTML builders. Every value that reaches the page goes through `esc`."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?%?$")
NUM_CELL = '<td class="num">'
LONG_TEXT = 60  # characters; longer cells get a wide column instead of a tall narrow one
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
PAGE_ROWS = 50  # a longer table is paged and searchable in the page (its rows sent as data)


def esc(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


def section(anchor: str, title: str, body: Iterable[str]) -> str:
    return f'<section id="{esc(anchor)}">\n<h2>{esc(title)}</h2>\n' + "\n".join(body) + "\n</section>"


def section_parts(anchor: str, title: str, body: Iterable[str]) -> Iterator[str]:
    """`section` in pieces, as `body` gives them (the same text once joined)."""
    yield f'<section id="{esc(anchor)}">\n<h2>{esc(title)}</h2>\n'
    for i, part in enumerate(body):
        yield ("\n" if i else "") + part
    yield "\n</section>"


def cell_text(value: Any) -> str:
    kind = type(value)
    if kind is str:  # most cells: the text itself
        return value
    if kind is int or value is None:  # JSON's own kinds first, without the checks below
        return "" if value is None else str(value)
    if kind is float:
        return f"{value:.4g}"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {cell_text(v)}" for k, v in _by_item_text(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def _by_item_text(value: Mapping) -> list:
    """The items in the order of their text, str((key, value)). With text keys that is the order
    of repr(key) (no key's repr is a prefix of another's), found without writing out values."""
    if all(type(k) is str for k in value):
        return sorted(value.items(), key=lambda item: repr(item[0]))
    return sorted(value.items(), key=str)


@lru_cache(maxsize=1 << 16)
def _cell_html(text: str) -> str:
    """One narrow cell (tables repeat their values: each is escaped once)."""
    return (NUM_CELL if _NUMBER.match(text) else "<td>") + f"{esc(text)}</td>"


def table(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *,
          headers: Mapping[str, str] | None = None, table_id: str | None = None,
          paged: bool = True) -> str:
    """An HTML table; numbers are right-aligned. A column holding long text is shown under its
    row across the whole table (keeps rows short and the table narrow). Empty input: a note.
    More than PAGE_ROWS rows: the first page is HTML, all rows go to the page as one columnar
    JSON blob, and the page's script pages and searches them (no DOM row per input row);
    `paged=False` writes every row as HTML (a short list's details, readable without the script)."""
    rows = list(rows)
    if not rows:
        return note("No rows.")
    headers = headers or {}
    texts = [[v if type(v) is str else cell_text(v) for v in map(row.get, columns)]
             for row in rows]
    wide_at = [i for i in range(len(columns)) if any(len(t[i]) > LONG_TEXT for t in texts)]
    narrow_at = [i for i in range(len(columns)) if i not in wide_at]
    head = "".join(f"<th>{esc(headers.get(columns[i], columns[i]))}</th>" for i in narrow_at)
    wide_names = [headers.get(columns[i], columns[i]) for i in wide_at]
    body = []
    for text in texts[:PAGE_ROWS] if paged else texts:
        cells = "".join(map(_cell_html, [text[i] for i in narrow_at]))
        body.append(f"<tr>{cells}</tr>")
        for name, i in zip(wide_names, wide_at, strict=True):
            if text[i]:
                body.append(f'<tr class="wide"><td colspan="{len(narrow_at)}"><b>'
                            f"{esc(name)}:</b> {esc(text[i])}</td></tr>")
    ident = f' id="{esc(table_id)}"' if table_id else ""
    html = (f'<table{ident}><thead><tr>{head}</tr></thead><tbody>' + "\n".join(body)
            + "</tbody></table>")
    if len(rows) <= PAGE_ROWS or not paged:
        return f'<div class="table-wrap">{html}</div>'
    data = {"narrow": [[t[i] for t in texts] for i in narrow_at],
            "wide": [[t[i] for t in texts] for i in wide_at], "wide_names": wide_names}
    return (f'<div class="paged-table" data-page="{PAGE_ROWS}"><div class="table-tools">'
            '<input type="search" class="table-search" placeholder="Search rows" size="24"> '
            '<button type="button" class="table-prev">Previous</button> '
            '<button type="button" class="table-next">Next</button> '
            f'<span class="table-count">rows 1-{PAGE_ROWS} of {len(rows)}</span></div>'
            f'<div class="table-wrap">{html}</div>{json_script(data)}</div>')


def json_script(data: Any, ident: str | None = None) -> str:
    """Data for the page's script, inert (never run): `<` is escaped so no text can close the
    element; sorted keys keep the bytes stable."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    attribute = f' id="{esc(ident)}"' if ident else ""
    return f'<script type="application/json"{attribute}>{text}</script>'


def image(path: Path, alt: str, caption: str | None = None) -> str:
    """The picture carried inside the page as a data: URI (an <img> never runs the file's code)."""
    kind = IMAGE_TYPES[path.suffix.lower()]
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    figcaption = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img alt="{esc(alt)}" src="data:{kind};base64,{data}">{figcaption}</figure>'


def first_existing(*paths: Path | None) -> Path | None:
    return next((p for p in paths if p is not None and p.is_file()), None)
