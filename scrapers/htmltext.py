"""HTML to plain text for API content (Mastodon) and web pages (RSS, citizen tips).

Uses lxml directly (no recursion in Python, so deeply nested documents cannot blow the
stack; libxml2 itself stops descending beyond its nesting limit) with network access and
entity loading off. Block elements become line breaks, ``<br>`` a newline, ``<p>`` a blank
line; script/style/template content is dropped.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from scrapers.base import ParseError

MAX_HTML_BYTES = 8 * 1024 * 1024

BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
        "td",
        "th",
        "title",
    ]
)
PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol"})
SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u202f]+")
_MANY_NL = re.compile(r"\n{3,}")
_WS = re.compile(r"\s+")


def parse_html(body: bytes | str, location: str, *, max_bytes: int = MAX_HTML_BYTES) -> etree._Element:
    """Parse HTML leniently; ParseError for empty or oversized input."""
    size = len(body)
    if size > max_bytes:
        raise ParseError(f"HTML too large to parse ({size} bytes > {max_bytes})", location=location)
    if not (body.strip() if isinstance(body, bytes) else body.strip()):
        raise ParseError("empty HTML document", location=location)
    parser = lxml.html.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        if isinstance(body, str):
            root = lxml.html.fromstring(body, parser=parser)
        else:
            root = lxml.html.document_fromstring(body, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"unparseable HTML: {exc}", location=location) from exc
    if root is None:
        raise ParseError("unparseable HTML", location=location)
    for err in parser.error_log:
        if err.type_name == "ERR_RESOURCE_LIMIT" or "depth" in err.message.lower():
            raise ParseError(
                f"HTML refused: {err.message.strip()} (nested too deeply; text would be lost)",
                location=location,
            )
    return root


def element_text(root: etree._Element, *, skip: frozenset[str] = SKIP) -> str:
    """Visible text of ``root`` with block structure kept as line breaks."""
    out: list[str] = []
    pre = 0

    def add(text: str | None) -> None:
        if text:
            out.append(text if pre else _WS.sub(" ", text))  # source newlines are spaces

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if event == "start":
            if tag in skip:
                walker.skip_subtree()
                if el is not root:
                    add(el.tail)
                continue
            if tag == "pre":
                pre += 1
            if tag == "br":
                out.append("\n")
            elif tag in BLOCK:
                out.append("\n\n" if tag in PARAGRAPH else "\n")
            if isinstance(el.tag, str):
                add(el.text)
        else:
            if tag in skip:
                continue
            if tag == "pre":
                pre -= 1
            if tag in BLOCK:
                out.append("\n\n" if tag in PARAGRAPH else "\n")
            if el is not root:
                add(el.tail)
    return normalise_text("".join(out))


def normalise_text(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NL.sub("\n\n", "\n".join(lines)).strip()


def html_fragment_text(html: str, location: str = "html") -> str:
    """Text of an HTML fragment (e.g. a Mastodon status ``content``)."""
    if not html or not html.strip():
        return ""
    root = parse_html(f"<div>{html}</div>", location)
    return element_text(root)
