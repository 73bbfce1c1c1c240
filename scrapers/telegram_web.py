"""Public Telegram channels through the web preview ``https://t.me/s/<channel>``.

Parsing (``parse_page``) is pure: HTML bytes in, ``ParsedPost`` list out. One post per
``div.tgme_widget_message[data-post]``; service messages (channel created, pinned, renamed,
photo changed) are skipped. Extracted: text or media caption with line breaks (``<br>``),
views ("37.2K" -> 37200), forwarded-from, reply-to, edited flag, signed author, link
preview, poll, media kinds; ``posted_at`` from ``<time datetime>``.
``external_id`` is ``"<channel>/<id>"``, ``url`` ``https://t.me/<channel>/<id>``.

Fetching (``TelegramWebCollector.fetch``) pages backwards with ``?before=<smallest id>``
and stops at ids <= the cursor (newest id already stored), an empty page or ``max_pages``.
The ``base_url`` target option (e.g. ``http://127.0.0.1:8000/s/<channel>``) points it at a
local server for the demo and tests.

Limits and terms: only channels with a public web preview are visible (groups and private
channels are not; a channel without preview redirects to ``t.me/<channel>``, reported as
``SourceUnavailable``). About 20 messages per page. Telegram's Terms of Service restrict
automated collection: use it only under the office's legal basis, keep ``min_delay_s`` at its
default and switch it off with ``[sources.telegram_web] enabled = false`` where not
permitted. No credentials needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from scrapers.base import ParsedPost, ParseError
from scrapers.collector import FetchedPage, SourceUnavailable, Target
from scrapers.http import PoliteClient

PLATFORM = "telegram"
_WS_NL = re.compile(r"[ \t\r\f\v]*\n\s*")
_VIEWS = re.compile(r"^\s*([\d.,]+)\s*([KMB]?)\s*$", re.IGNORECASE)
_MULT = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


def parse_views(value: str | None) -> int | None:
    """'37.2K' -> 37200, '1.5M' -> 1500000, '862' -> 862; None when not a count."""
    if not value:
        return None
    m = _VIEWS.match(value)
    if not m:
        return None
    number, suffix = m.group(1), m.group(2).upper()
    if suffix:
        number = number.replace(",", ".")
        return round(float(number) * _MULT[suffix])
    return int(number.replace(",", "").replace(".", ""))


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    if isinstance(value, str):
        return value.split()
    return list(value or [])


def _html_text(node: Tag | None) -> str:
    """Visible text with ``<br>`` as line breaks; source-code indentation is not text."""
    if node is None:
        return ""
    parts: list[str] = []
    for el in node.descendants:
        if isinstance(el, NavigableString):
            if el.parent is not None and el.parent.name in ("script", "style"):
                continue
            # Raw newlines in the HTML source are layout, not text (t.me uses <br/>).
            parts.append(_WS_NL.sub(" ", str(el)))
        elif isinstance(el, Tag) and el.name == "br":
            parts.append("\n")
    text = "".join(parts).replace("\xa0", " ")
    lines = [line.strip(" ") for line in text.split("\n")]
    return "\n".join(lines).strip()


class _Index:
    """Elements of one message by CSS class, from a single traversal (bs4 find() per field
    was the parse bottleneck)."""

    def __init__(self, root: Tag) -> None:
        self.by_class: dict[str, list[Tag]] = {}
        for el in root.descendants:
            if isinstance(el, Tag):
                for cls in _classes(el):
                    self.by_class.setdefault(cls, []).append(el)

    def all(self, cls: str, name: str | None = None) -> list[Tag]:
        found = self.by_class.get(cls, [])
        return [el for el in found if el.name == name] if name else found

    def first(self, cls: str, name: str | None = None) -> Tag | None:
        found = self.all(cls, name)
        return found[0] if found else None


def _first(node: Tag, cls: str, *, name: str | None = None) -> Tag | None:
    found = node.find(name or True, class_=cls)
    return found if isinstance(found, Tag) else None


def _own_text_div(idx: _Index) -> Tag | None:
    """The message's own text/caption: not the quoted text of a reply or a link preview."""
    for div in idx.all("tgme_widget_message_text", "div"):
        if div.find_parent(class_=["tgme_widget_message_reply", "tgme_widget_message_link_preview"]):
            continue
        return div
    return None


def _media_kinds(idx: _Index) -> list[str]:
    checks = [
        ("photo", "tgme_widget_message_photo_wrap"),
        ("video", "tgme_widget_message_video_player"),
        ("round_video", "tgme_widget_message_roundvideo_player"),
        ("voice", "tgme_widget_message_voice_player"),
        ("document", "tgme_widget_message_document_wrap"),
        ("sticker", "tgme_widget_message_sticker_wrap"),
        ("sticker", "tgme_widget_message_tgsticker_wrap"),
        ("location", "tgme_widget_message_location_wrap"),
        ("poll", "tgme_widget_message_poll"),
    ]
    kinds: list[str] = []
    for kind, cls in checks:
        els = idx.all(cls)
        if cls == "tgme_widget_message_photo_wrap":
            els = [e for e in els if not e.find_parent(class_="tgme_widget_message_link_preview")]
        if els and kind not in kinds:
            kinds.append(kind)
    if idx.all("tgme_widget_message_grouped_wrap"):
        kinds.append("grouped")
    if idx.all("message_media_not_supported") and not kinds:
        kinds.append("unsupported")
    return kinds


def _post_id(data_post: str, location: str) -> tuple[str, int]:
    channel, _, ident = data_post.rpartition("/")
    if not channel or not ident.isdigit():
        raise ParseError(f"unexpected data-post {data_post!r}", location=location)
    return channel, int(ident)


def _parse_message(msg: Tag, location: str) -> ParsedPost | None:
    data_post = str(msg.get("data-post") or "")
    channel, ident = _post_id(data_post, location)
    where = f"{location} [post {data_post}]"
    if "service_message" in _classes(msg):
        return None
    idx = _Index(msg)
    date_a = idx.first("tgme_widget_message_date", "a")
    time_el = date_a.find("time") if date_a else msg.find("time")
    if not isinstance(time_el, Tag) or not time_el.get("datetime"):
        raise ParseError("no <time datetime> in message (layout changed?)", location=where)
    try:
        posted_at = datetime.fromisoformat(str(time_el["datetime"]))
    except ValueError as exc:
        raise ParseError(f"bad datetime {time_el['datetime']!r}", location=where) from exc
    if posted_at.tzinfo is None:
        raise ParseError(f"datetime without offset {time_el['datetime']!r}", location=where)

    extra: dict[str, Any] = {}
    text_div = _own_text_div(idx)
    text = _html_text(text_div)
    if text_div is not None:  # text links hide their target: keep every href
        links = list(dict.fromkeys(str(a["href"]) for a in text_div.find_all("a", href=True)))
        if links:
            extra["links"] = links

    owner = idx.first("tgme_widget_message_owner_name")
    channel_title = _html_text(owner) if owner else None
    if channel_title:
        extra["channel_title"] = channel_title
    signed = idx.first("tgme_widget_message_from_author")
    signed_author = _html_text(signed) if signed else None
    if signed_author:
        extra["signed_author"] = signed_author

    views = parse_views(_html_text(idx.first("tgme_widget_message_views")))
    if views is not None:
        extra["views"] = views
    meta = idx.first("tgme_widget_message_meta")
    if meta is not None and re.search(r"\bedited\b", meta.get_text(" "), re.IGNORECASE):
        extra["edited"] = True

    fwd = idx.first("tgme_widget_message_forwarded_from")
    if fwd is not None:
        name_el = _first(fwd, "tgme_widget_message_forwarded_from_name")
        fwd_info: dict[str, Any] = {"name": _html_text(name_el or fwd)}
        if name_el is None:
            fwd_info["name"] = re.sub(r"^Forwarded from\s*", "", fwd_info["name"])
        if name_el is not None and name_el.get("href"):
            fwd_info["url"] = str(name_el["href"])
        extra["forwarded_from"] = fwd_info

    reply_to: str | None = None
    reply = idx.first("tgme_widget_message_reply", "a")
    if isinstance(reply, Tag):
        href = str(reply.get("href") or "")
        path = urlsplit(href).path.strip("/")
        if re.fullmatch(r"[^/]+/\d+", path):
            reply_to = path
        extra["reply_text"] = _html_text(_first(reply, "js-message_reply_text"))

    preview = idx.first("tgme_widget_message_link_preview", "a")
    if isinstance(preview, Tag):
        extra["link_preview"] = {
            "url": str(preview.get("href") or ""),
            "site_name": _html_text(_first(preview, "link_preview_site_name")) or None,
            "title": _html_text(_first(preview, "link_preview_title")) or None,
            "description": _html_text(_first(preview, "link_preview_description")) or None,
        }

    poll = idx.first("tgme_widget_message_poll")
    if poll is not None:
        options = []
        for opt in poll.find_all(class_="tgme_widget_message_poll_option"):
            options.append(
                {
                    "text": _html_text(_first(opt, "tgme_widget_message_poll_option_text")),
                    "percent": _html_text(_first(opt, "tgme_widget_message_poll_option_percent")),
                }
            )
        question = _html_text(_first(poll, "tgme_widget_message_poll_question"))
        extra["poll"] = {
            "question": question,
            "type": _html_text(_first(poll, "tgme_widget_message_poll_type")) or None,
            "options": options,
        }
        if not text:  # the poll is the message: keep its words searchable
            text = "\n".join([question, *(f"- {o['text']}" for o in options)]).strip()

    doc_title = idx.first("tgme_widget_message_document_title")
    if doc_title is not None:
        extra["document_title"] = _html_text(doc_title)
    kinds = _media_kinds(idx)
    if kinds:
        extra["media"] = kinds

    return ParsedPost(
        platform=PLATFORM,
        external_id=f"{channel}/{ident}",
        posted_at=posted_at,
        text=text,
        raw={"data_post": data_post, "html": str(msg)},
        author_name=signed_author or channel_title,
        author_handle=channel,
        url=f"https://t.me/{channel}/{ident}",
        reply_to=reply_to,
        thread_key=channel,
        extra=extra,
    )


def _soup(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body, "lxml", from_encoding="utf-8")


def parse_page(body: bytes, url: str) -> list[ParsedPost]:
    """Parse a t.me/s page (or fragment). Service messages are skipped.

    Raises ``ParseError`` naming ``url`` when the page has neither messages nor the
    "No posts found" marker (layout changed, login wall, error page).
    """
    if not body.strip():
        raise ParseError("empty page", location=url)
    soup = _soup(body)
    messages = [m for m in soup.find_all("div", class_="tgme_widget_message") if m.get("data-post")]
    if not messages:
        if soup.find(class_="tme_no_messages_found") or soup.find(class_="tgme_channel_history"):
            return []
        raise ParseError(
            "no tgme_widget_message[data-post] and no 'No posts found' marker: "
            "t.me layout changed or not a channel preview page",
            location=url,
        )
    posts: list[ParsedPost] = []
    for msg in messages:
        post = _parse_message(msg, url)
        if post is not None:
            posts.append(post)
    return posts


def page_ids(body: bytes) -> list[int]:
    """All message ids on a page, service messages included (used for pagination)."""
    ids: list[int] = []
    for m in re.finditer(rb'data-post="[^"/]+/(\d+)"', body):
        ids.append(int(m.group(1)))
    return ids


def channel_url(target: Target) -> str:
    base = target.options.get("base_url")
    if base:
        return str(base)
    channel = target.key.lstrip("@").strip("/")
    if channel.startswith(("https://", "http://")):
        channel = urlsplit(channel).path.strip("/").removeprefix("s/")
    return f"https://t.me/s/{channel}"


class TelegramWebCollector:
    name: ClassVar[str] = "telegram_web"
    platform: ClassVar[str] = PLATFORM

    def fetch(
        self, client: PoliteClient, target: Target, cursor: str | None, *, max_pages: int
    ) -> Iterator[FetchedPage]:
        base = channel_url(target)
        stop_at = int(cursor) if cursor and cursor.isdigit() else None
        newest: int | None = stop_at
        before: int | None = None
        for page_no in range(1, max_pages + 1):
            url = base if before is None else f"{base}{'&' if '?' in base else '?'}before={before}"
            resp = client.get(url, headers={"Accept-Language": "en"})  # parser expects English labels
            if resp.history or resp.status in (302, 404):
                raise SourceUnavailable(
                    f"{base}: channel has no public web preview (HTTP {resp.status}, redirected={bool(resp.history)})",
                    response=resp,
                )
            resp.raise_for_status()
            ids = page_ids(resp.body)
            if ids:
                newest = max(newest or 0, max(ids))
            reached = not ids or (stop_at is not None and min(ids) <= stop_at)
            exhausted = not ids or min(ids) <= 1 or (before is not None and min(ids) >= before)
            last = reached or exhausted or page_no == max_pages
            if not last:
                yield FetchedPage(response=resp, cursor=None)
                before = min(ids)
                continue
            yield FetchedPage(
                response=resp,
                cursor=str(newest) if newest is not None else cursor,
                truncated=not (reached or exhausted),
            )
            return

    def parse(self, body: bytes, url: str, target: Target) -> list[ParsedPost]:
        return parse_page(body, url)


collector = TelegramWebCollector()
