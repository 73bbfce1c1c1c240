"""Citizen tips: one URL reported by a member of the public, fetched once and archived.

``fetch_tip(client, url, *, note=None) -> TipCapture`` fetches with the SSRF guard on
(http/https only; hosts resolving to private, loopback, link-local, multicast or reserved
addresses are refused unless in ``HttpSettings.allow_private_hosts``; every redirect hop is
re-checked; redirects limited; body capped by ``max_response_bytes``), archives the response
in WARC and maps it with ``parse_tip``.

``parse_tip(body, url, *, fetched_at, note=None, content_type=None) -> ParsedPost`` is
pure: HTML is parsed with lxml (input capped at 8 MiB, nesting deeper than libxml2's limit
is refused with ``ParseError`` rather than silently truncated); title, main text, author and
publication time as in ``scrapers.rss.parse_web_page``; a page without a date gets the fetch
time (``extra["date_source"] = "fetched"``). Plain-text bodies are kept as text. The
reporter's note goes to ``extra["tip_note"]`` and never into ``text`` (it is not the
author's words). ``platform`` = "web"; ``external_id`` = the page's canonical URL.

No credentials. The URL comes from the public: never fetch it with anything but this
function.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from scrapers.base import ParsedPost, ParseError
from scrapers.htmltext import normalise_text
from scrapers.http import FetchedResponse, PoliteClient
from scrapers.rss import parse_web_page

PLATFORM = "web"
TEXT_TYPES = ("text/plain",)


@dataclass(frozen=True)
class TipCapture:
    response: FetchedResponse
    post: ParsedPost


def parse_tip(
    body: bytes,
    url: str,
    *,
    fetched_at: datetime,
    note: str | None = None,
    content_type: str | None = None,
) -> ParsedPost:
    ctype = (content_type or "").split(";")[0].strip().lower()
    extra: dict[str, Any] = {"tip_note": note} if note else {}
    if ctype in TEXT_TYPES:
        text = normalise_text(body.decode("utf-8", errors="replace"))
        return ParsedPost(
            platform=PLATFORM,
            external_id=url,
            posted_at=fetched_at,
            text=text,
            raw={"url": url, "content_type": ctype},
            url=url,
            thread_key=url,
            extra={**extra, "date_source": "fetched"},
        )
    if ctype and "html" not in ctype and "xml" not in ctype:
        raise ParseError(f"unsupported content type {ctype!r} for a tip", location=url)
    post = parse_web_page(body, url, fetched_at=fetched_at)
    return replace(post, extra={**post.extra, **extra}, raw={**post.raw, "tip_url": url})


def fetch_tip(client: PoliteClient, url: str, *, note: str | None = None) -> TipCapture:
    """Fetch a tip URL with the SSRF guard; raise ``FetchError`` subclasses or ``ParseError``."""
    resp = client.get(url.strip(), guard=True)
    resp.raise_for_status()
    post = parse_tip(
        resp.body,
        resp.final_url,
        fetched_at=resp.fetched_at,
        note=note,
        content_type=resp.content_type,
    )
    return TipCapture(response=resp, post=post)
