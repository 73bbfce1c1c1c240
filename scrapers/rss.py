"""RSS/Atom feeds and plain web pages (news sites, official blogs, agency pages).

``parse_feed(body, url)``: ``feedparser`` over the bytes fetched by ``PoliteClient`` (never
let feedparser fetch by itself). One post per entry: ``external_id`` = entry link (or
``id``), ``text`` = title + blank line + content/summary as text, ``posted_at`` from
``published``/``updated`` (entry, else feed); ``author_name`` from the entry.

``parse_web_page(body, url, *, fetched_at=None)``: title (``og:title`` or ``<title>``), main
text (``<article>``, ``<main>``, ``[role=main]`` or ``<body>`` without nav/header/footer/
aside/forms), published time from ``article:published_time``, ``<time datetime>``,
``itemprop=datePublished`` or JSON-LD ``datePublished``; author from ``meta[name=author]``,
``article:author`` or JSON-LD. Without a date, ``fetched_at`` is used (``extra["date_source"]
= "fetched"``) or a ``ParseError`` is raised. ``external_id`` = canonical URL.

``RssCollector`` (settings ``[sources.rss]``): ``Target.key`` = feed or page URL; one request
per run (feeds carry their own window); ``cursor`` = newest entry time seen (ISO), only used
to report progress, the pipeline de-duplicates by ``external_id``. Respects robots.txt;
no credentials. Publishers' terms apply; switch off with ``[sources.rss] enabled = false``.
"""

from __future__ import annotations

import calendar
import json
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin

import feedparser
from lxml import etree

from scrapers.base import ParsedPost, ParseError
from scrapers.collector import FetchedPage, SourceUnavailable, Target
from scrapers.htmltext import element_text, html_fragment_text, normalise_text, parse_html
from scrapers.http import PoliteClient

PLATFORM = "web"
NOISE = frozenset({"nav", "header", "footer", "aside", "form", "button", "iframe", "menu"})


def _struct_to_dt(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)


def looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith(b"<?xml") or b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def parse_feed(body: bytes, url: str) -> list[ParsedPost]:
    if not body.strip():
        raise ParseError("empty feed", location=url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # feedparser's updated->published
        parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
        return _feed_posts(parsed, url)


def _feed_posts(parsed: Any, url: str) -> list[ParsedPost]:
    if not parsed.entries and parsed.get("bozo"):
        raise ParseError(f"not a readable RSS/Atom feed: {parsed.get('bozo_exception')}", location=url)
    feed_date = _struct_to_dt(parsed.feed.get("updated_parsed") or parsed.feed.get("published_parsed"))
    posts: list[ParsedPost] = []
    for i, entry in enumerate(parsed.entries):
        where = f"{url} [entry {i + 1}]"
        link = entry.get("link")
        ident = link or entry.get("id")
        if not ident:
            problem = parsed.get("bozo_exception")
            detail = f" (XML problem: {problem})" if problem else ""
            raise ParseError(f"entry without link or id{detail}", location=where)
        posted = _struct_to_dt(entry.get("published_parsed") or entry.get("updated_parsed"))
        extra: dict[str, Any] = {"feed_url": url, "feed_title": parsed.feed.get("title")}
        if posted is None:
            if feed_date is None:
                raise ParseError("entry and feed have no date", location=where)
            posted = feed_date
            extra["date_source"] = "feed"
        content = ""
        if entry.get("content"):
            content = "\n\n".join(html_fragment_text(c.get("value", ""), where) for c in entry["content"])
        elif entry.get("summary"):
            content = html_fragment_text(entry["summary"], where)
        title = normalise_text(entry.get("title", "") or "")
        text = "\n\n".join(part for part in (title, content) if part)
        if title:
            extra["title"] = title
        tags = [t.get("term") for t in entry.get("tags", []) if t.get("term")]
        if tags:
            extra["tags"] = tags
        raw = {k: entry.get(k) for k in ("id", "link", "title", "published", "updated", "author")}
        raw["content"] = [c.get("value") for c in entry.get("content", [])] or entry.get("summary")
        posts.append(
            ParsedPost(
                platform=PLATFORM,
                external_id=str(ident),
                posted_at=posted,
                text=text,
                raw=raw,
                author_name=entry.get("author"),
                url=link,
                thread_key=url,
                extra={k: v for k, v in extra.items() if v is not None},
            )
        )
    return posts


def _meta(root: etree._Element, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = root.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and str(found[0]).strip():
                return str(found[0]).strip()
    return None


def _json_ld(root: etree._Element) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        out.extend(i for i in items if isinstance(i, dict))
    return out


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def parse_web_page(
    body: bytes, url: str, *, fetched_at: datetime | None = None, platform: str = PLATFORM
) -> ParsedPost:
    root = parse_html(body, url)
    ld = _json_ld(root)
    title = _meta(root, "og:title", "twitter:title")
    if not title:
        t = root.xpath("//title")
        title = normalise_text(t[0].text_content()) if t else None
    author = _meta(root, "author", "article:author", "dc.creator")
    if not author:
        for item in ld:
            a = item.get("author")
            a = a[0] if isinstance(a, list) and a else a
            if isinstance(a, dict) and a.get("name"):
                author = str(a["name"])
                break
            if isinstance(a, str):
                author = a
                break
    date_raw = _meta(root, "article:published_time", "datePublished", "date", "dc.date")
    date_source = "meta"
    if not date_raw:
        for item in ld:
            if item.get("datePublished"):
                date_raw, date_source = str(item["datePublished"]), "json-ld"
                break
    if not date_raw:
        times = root.xpath("//time/@datetime")
        date_raw, date_source = (str(times[0]), "time") if times else (None, "")
    posted = _parse_date(date_raw)
    if posted is None:
        if fetched_at is None:
            raise ParseError(f"no usable publication date (found {date_raw!r})", location=url)
        posted, date_source = fetched_at, "fetched"
    canonical = root.xpath('//link[@rel="canonical"]/@href')
    canonical_url = urljoin(url, str(canonical[0])) if canonical else url
    main = None
    for xp in ("//article", "//main", '//*[@role="main"]', "//body"):
        found = root.xpath(xp)
        if found:
            main = max(found, key=lambda el: len(el.text_content())) if xp == "//article" else found[0]
            break
    text = element_text(
        main if main is not None else root,
        skip=frozenset(NOISE | {"script", "style", "noscript", "template", "svg", "head"}),
    )
    description = _meta(root, "og:description", "description")
    extra: dict[str, Any] = {"title": title, "date_source": date_source, "description": description}
    return ParsedPost(
        platform=platform,
        external_id=canonical_url,
        posted_at=posted,
        text=text,
        raw={"url": url, "title": title, "author": author, "published": date_raw},
        author_name=author,
        url=canonical_url,
        thread_key=canonical_url,
        extra={k: v for k, v in extra.items() if v is not None},
    )


class RssCollector:
    name: ClassVar[str] = "rss"
    platform: ClassVar[str] = PLATFORM

    def fetch(
        self, client: PoliteClient, target: Target, cursor: str | None, *, max_pages: int
    ) -> Iterator[FetchedPage]:
        resp = client.get(str(target.options.get("base_url") or target.key))
        if resp.status in (401, 403, 404, 410):
            raise SourceUnavailable(f"{target.key}: HTTP {resp.status}", response=resp)
        resp.raise_for_status()
        newest = cursor
        if looks_like_feed(resp.body):
            times = [p.posted_at.isoformat() for p in parse_feed(resp.body, resp.url)]
            if times:
                newest = max([t for t in (cursor, *times) if t])
        yield FetchedPage(response=resp, cursor=newest)

    def parse(self, body: bytes, url: str, target: Target) -> list[ParsedPost]:
        if looks_like_feed(body):
            return parse_feed(body, url)
        return [parse_web_page(body, url)]


collector = RssCollector()
