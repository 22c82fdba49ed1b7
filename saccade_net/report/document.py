"""A tiny document model — headings, paragraphs, bullet lists, tables, figures — written out as
Markdown (figures as relative links) and as one self-contained HTML page (figures as base64 data URIs,
inline style, nothing fetched from anywhere)."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Para:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Figure:
    path: Path  # relative to the report directory
    caption: str


Block = Heading | Para | Bullets | Table | Figure

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #eee; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { font-size: 0.9em; color: #555; }
.holds { color: #176b1a; font-weight: bold; }
.does-not-hold { color: #a11; font-weight: bold; }
.partly-holds { color: #a65f00; font-weight: bold; }
.not-measured { color: #666; font-weight: bold; }
"""

VERDICTS = ("holds", "partly holds", "does not hold", "not measured")


def md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(title: str, blocks: list[Block]) -> str:
    """The document as Markdown; figures link to their PNG files."""
    out = [f"# {title}", ""]
    for b in blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + b.text, ""]
        elif isinstance(b, Para):
            out += [b.text, ""]
        elif isinstance(b, Bullets):
            out += [f"- {item}" for item in b.items] + [""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(md_cell(h) for h in b.header) + " |")
            out.append("|" + "---|" * len(b.header))
            out += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
        elif isinstance(b, Figure):
            out += [f"![{md_cell(b.caption)}]({b.path.as_posix()})", "", f"*{b.caption}*", ""]
    return "\n".join(out)


def inline(text: str) -> str:
    """Escaped text with the two Markdown marks the report uses, `code` and **bold**, as HTML."""
    out = html.escape(str(text))
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)


def html_cell(text: str) -> str:
    """An escaped cell; a verdict gets its colour."""
    text = str(text)
    if text in VERDICTS:
        return f'<span class="{text.replace(" ", "-")}">{html.escape(text)}</span>'
    return inline(text)


def data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def to_html(title: str, blocks: list[Block], root: Path) -> str:
    """The document as one HTML page; figures (read from `root`) are embedded."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for b in blocks:
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            out.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{html.escape(str(h))}</th>" for h in b.header)
            body = "".join("<tr>" + "".join(f"<td>{html_cell(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif isinstance(b, Figure):
            alt = html.escape(b.caption)
            out.append(
                f'<figure><img src="{data_uri(root / b.path)}" alt="{alt}"><figcaption>{alt}</figcaption></figure>'
            )
    out.append("</body></html>")
    return "\n".join(out)
