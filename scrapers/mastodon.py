"""Mastodon (and compatible fediverse servers): public statuses of one account.

API: ``GET {base_url}/api/v1/accounts/:id/statuses?limit=40[&since_id=][&max_id=]``,
newest first, paginated by the ``Link: <...max_id=...>; rel="next"`` header. When only a
handle is known the id is looked up with ``GET /api/v1/accounts/lookup?acct=user@host``.

Target: ``key`` = account id, or handle (``user``, ``@user@host``); options: ``base_url``
(the instance, e.g. ``https://mastodon.social``; taken from the handle's host otherwise),
``external_id`` (account id, skips the lookup), ``token`` (optional bearer token for
instances that require authorised fetch).

``parse_statuses(body, url)`` is pure: JSON list -> posts. ``external_id`` =
``"<instance host>/<status id>"`` (status ids are per instance); HTML ``content`` becomes
text (paragraphs and ``<br>`` kept as line breaks); a content warning (``spoiler_text``) is
prefixed to the text; a boost (``reblog``) takes the boosted status' text and records
``extra["reblog_of"]``.

Limits: public (and unlisted) statuses only; instances rate-limit to about 300 requests /
5 min per IP (``X-RateLimit-*``, handled by the client's retry logic). The instance's terms
apply; collection is switchable off with ``[sources.mastodon] enabled = false`` (off by
default).

robots.txt is not consulted for these API calls (``check_robots=False``): robots.txt governs
crawling of web content, API use is governed by the API terms; rate limits still apply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from scrapers.base import ParsedPost, ParseError, api_datetime
from scrapers.collector import FetchedPage, SourceError, SourceUnavailable, Target
from scrapers.htmltext import html_fragment_text
from scrapers.http import FetchedResponse, PoliteClient

PLATFORM = "mastodon"
PAGE_LIMIT = 40
_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?', re.IGNORECASE)


def parse_link_header(value: str | None) -> dict[str, str]:
    """``Link`` header -> {rel: url}."""
    if not value:
        return {}
    return {rel.lower(): url for url, rel in _LINK.findall(value)}




def _handle(account: dict[str, Any], host: str) -> str:
    acct = str(account.get("acct") or account.get("username") or "")
    return f"@{acct}" if "@" in acct else f"@{acct}@{host}"


def _load_json(body: bytes, url: str) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        pos = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise ParseError(f"invalid JSON{pos}: {exc}", location=url) from exc


def parse_statuses(body: bytes, url: str) -> list[ParsedPost]:
    data = _load_json(body, url)
    if isinstance(data, dict) and "error" in data:
        raise ParseError(f"API error: {data['error']}", location=url)
    if not isinstance(data, list):
        raise ParseError(f"expected a JSON list of statuses, got {type(data).__name__}", location=url)
    host = urlsplit(url).netloc.lower()
    posts: list[ParsedPost] = []
    for i, status in enumerate(data):
        where = f"{url} [{i}]"
        if not isinstance(status, dict) or "id" not in status:
            raise ParseError("status without id", location=where)
        sid = str(status["id"])
        where = f"{url} [status {sid}]"
        account = status.get("account") or {}
        shown = status.get("reblog") if isinstance(status.get("reblog"), dict) else status
        text = html_fragment_text(str(shown.get("content") or ""), where)
        extra: dict[str, Any] = {
            "visibility": status.get("visibility"),
            "language": shown.get("language"),
            "replies_count": status.get("replies_count"),
            "reblogs_count": status.get("reblogs_count"),
            "favourites_count": status.get("favourites_count"),
        }
        spoiler = str(shown.get("spoiler_text") or "").strip()
        if spoiler:
            extra["spoiler_text"] = spoiler
            text = f"{spoiler}\n\n{text}" if text else spoiler
        if shown is not status:
            extra["reblog_of"] = shown.get("url") or shown.get("uri")
            extra["reblog_author"] = _handle(shown.get("account") or {}, host)
        if status.get("edited_at"):
            extra["edited"] = True
            extra["edited_at"] = status["edited_at"]
        media = [m.get("type") for m in shown.get("media_attachments") or [] if isinstance(m, dict)]
        if media:
            extra["media"] = media
            alts = [m.get("description") for m in shown["media_attachments"] if m.get("description")]
            if alts:
                extra["media_descriptions"] = alts
        tags = [t.get("name") for t in shown.get("tags") or [] if isinstance(t, dict)]
        if tags:
            extra["tags"] = tags
        card = shown.get("card")
        if isinstance(card, dict):
            extra["card"] = {k: card.get(k) for k in ("url", "title", "description")}
        poll = shown.get("poll")
        if isinstance(poll, dict):
            extra["poll"] = [o.get("title") for o in poll.get("options") or []]
        reply = status.get("in_reply_to_id")
        posts.append(
            ParsedPost(
                platform=PLATFORM,
                external_id=f"{host}/{sid}",
                posted_at=api_datetime(status.get("created_at"), "created_at", where),
                text=text,
                raw=status,
                author_name=account.get("display_name") or account.get("username"),
                author_handle=_handle(account, host) if account else None,
                author_id=f"{host}/{account['id']}" if account.get("id") else None,
                url=status.get("url") or status.get("uri"),
                reply_to=f"{host}/{reply}" if reply else None,
                thread_key=f"{host}/{status.get('in_reply_to_id') or sid}",
                extra={k: v for k, v in extra.items() if v is not None},
            )
        )
    return posts


def _base_and_acct(target: Target) -> tuple[str, str]:
    key = target.key.strip().lstrip("@")
    user, _, host = key.partition("@")
    base = target.options.get("base_url")
    if not base:
        if not host:
            raise SourceError(f"mastodon target {target.key!r}: give base_url or a full handle user@host")
        base = f"https://{host}"
    return str(base).rstrip("/"), key if host else user


class MastodonCollector:
    name: ClassVar[str] = "mastodon"
    platform: ClassVar[str] = PLATFORM

    def _headers(self, target: Target) -> dict[str, str]:
        token = target.options.get("token")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def resolve_account_id(self, client: PoliteClient, target: Target) -> str:
        explicit = target.options.get("external_id")
        if explicit:
            return str(explicit)
        base, acct = _base_and_acct(target)
        if acct.isdigit():
            return acct
        resp = client.get(
            f"{base}/api/v1/accounts/lookup", params={"acct": acct}, headers=self._headers(target), check_robots=False
        )
        self._check(resp, target)
        data = _load_json(resp.body, resp.url)
        if not isinstance(data, dict) or "id" not in data:
            raise ParseError("account lookup without id", location=resp.url)
        return str(data["id"])

    def _check(self, resp: FetchedResponse, target: Target) -> None:
        if resp.status in (401, 403, 404, 410):
            raise SourceUnavailable(
                f"mastodon {target.key}: HTTP {resp.status} (account gone, private or needs a token)",
                response=resp,
            )
        resp.raise_for_status()

    def fetch(
        self, client: PoliteClient, target: Target, cursor: str | None, *, max_pages: int
    ) -> Iterator[FetchedPage]:
        base, _ = _base_and_acct(target)
        account_id = self.resolve_account_id(client, target)
        params: dict[str, str | int] = {"limit": PAGE_LIMIT}
        if cursor:
            params["since_id"] = cursor
        url = f"{base}/api/v1/accounts/{account_id}/statuses"
        newest = int(cursor) if cursor and cursor.isdigit() else None
        for page_no in range(1, max_pages + 1):
            resp = client.get(url, params=params, headers=self._headers(target), check_robots=False)
            self._check(resp, target)
            data = _load_json(resp.body, resp.url)
            ids = [int(s["id"]) for s in data if isinstance(s, dict) and str(s.get("id", "")).isdigit()]
            if ids:
                newest = max(newest or 0, max(ids))
            nxt = parse_link_header(resp.header("link")).get("next")
            max_id = parse_qs(urlsplit(nxt).query).get("max_id", [None])[0] if nxt else None
            done = not ids or max_id is None or (cursor is not None and min(ids) <= int(cursor))
            if done or page_no == max_pages:
                yield FetchedPage(
                    response=resp,
                    cursor=str(newest) if newest is not None else cursor,
                    truncated=not done,
                )
                return
            yield FetchedPage(response=resp, cursor=None)
            params = {**params, "max_id": str(max_id)}

    def parse(self, body: bytes, url: str, target: Target) -> list[ParsedPost]:
        return parse_statuses(body, url)


collector = MastodonCollector()

__all__ = ["MastodonCollector", "collector", "parse_link_header", "parse_statuses"]
