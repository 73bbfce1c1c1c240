"""X (Twitter) API v2: posts of one user.

API: ``GET {base_url}/2/users/:id/tweets`` with ``Authorization: Bearer <token>``,
``max_results=100``, ``tweet.fields=created_at,author_id,conversation_id,referenced_tweets,lang``,
``expansions=author_id``, ``user.fields=username,name``, ``since_id`` (cursor) and
``pagination_token`` (``meta.next_token``). A handle is resolved once with
``GET /2/users/by/username/:username``.

Target: ``key`` = numeric user id or ``@handle``; options: ``token`` (bearer token; the
pipeline passes ``settings.sources.x.token``), ``external_id`` (user id), ``base_url``
(default ``https://api.twitter.com``; tests point it at a local server).

``parse_tweets(body, url)`` is pure. ``external_id`` = tweet id; ``url`` =
``https://x.com/<username or i>/status/<id>``; ``reply_to`` = the ``replied_to`` reference;
retweets/quotes recorded in ``extra["referenced"]``; ``thread_key`` = conversation id.

Credentials and terms: X requires an approved developer account and a paid API tier for
reading timelines; the token is never logged or archived (the client redacts the
Authorization header in WARC records). Rate limits come back as 429 with
``x-rate-limit-reset`` (epoch seconds), which ``PoliteClient`` honours. Off by default
(``[sources.x] enabled = false``).

robots.txt is not consulted for these API calls (``check_robots=False``): robots.txt governs
crawling of web content, API use is governed by the API terms; rate limits still apply.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from scrapers.base import ParsedPost, ParseError, api_datetime
from scrapers.collector import FetchedPage, SourceError, SourceUnavailable, Target
from scrapers.http import FetchedResponse, PoliteClient

PLATFORM = "x"
DEFAULT_BASE = "https://api.twitter.com"
TWEET_FIELDS = "created_at,author_id,conversation_id,referenced_tweets,lang"


def _load(body: bytes, url: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(f"invalid JSON: {exc}", location=url) from exc
    if not isinstance(data, dict):
        raise ParseError(f"expected a JSON object, got {type(data).__name__}", location=url)
    return data


def snowflake_time(tweet_id: int) -> datetime:
    """Creation time encoded in a post id (X "snowflake": ms since 2010-11-04 01:42:54.657)."""
    return datetime.fromtimestamp(((tweet_id >> 22) + 1288834974657) / 1000, UTC)


def parse_tweets(body: bytes, url: str) -> list[ParsedPost]:
    data = _load(body, url)
    tweets = data.get("data")
    if tweets is None:
        if data.get("errors") and "meta" not in data:
            first = data["errors"][0] if isinstance(data["errors"], list) else data["errors"]
            raise ParseError(f"API error: {first}", location=url)
        return []  # e.g. {"meta": {"result_count": 0}}
    if not isinstance(tweets, list):
        raise ParseError("'data' is not a list", location=url)
    users = {str(u.get("id")): u for u in (data.get("includes") or {}).get("users", []) if isinstance(u, dict)}
    posts: list[ParsedPost] = []
    for i, tw in enumerate(tweets):
        if not isinstance(tw, dict) or not tw.get("id"):
            raise ParseError("tweet without id", location=f"{url} [data[{i}]]")
        tid = str(tw["id"])
        where = f"{url} [tweet {tid}]"
        created = tw.get("created_at")
        extra: dict[str, Any] = {}
        if isinstance(created, str):
            posted_at = api_datetime(created, "created_at", where)
        elif tid.isdigit() and int(tid) > 1 << 22:
            posted_at = snowflake_time(int(tid))  # default fields only: time is in the id
            extra["date_source"] = "snowflake"
        else:
            raise ParseError("missing created_at (request tweet.fields=created_at)", location=where)
        author_id = str(tw["author_id"]) if tw.get("author_id") else None
        user = users.get(author_id or "", {})
        username = user.get("username")
        refs = [r for r in tw.get("referenced_tweets") or [] if isinstance(r, dict)]
        reply_to = next((str(r["id"]) for r in refs if r.get("type") == "replied_to"), None)
        if refs:
            extra["referenced"] = [{"type": r.get("type"), "id": str(r.get("id"))} for r in refs]
        if tw.get("lang"):
            extra["lang"] = tw["lang"]
        if len(tw.get("edit_history_tweet_ids") or []) > 1:
            extra["edited"] = True
        posts.append(
            ParsedPost(
                platform=PLATFORM,
                external_id=tid,
                posted_at=posted_at,
                text=str(tw.get("text") or ""),
                raw=tw,
                author_name=user.get("name"),
                author_handle=f"@{username}" if username else None,
                author_id=author_id,
                url=f"https://x.com/{username or 'i/web'}/status/{tid}",
                reply_to=reply_to,
                thread_key=str(tw["conversation_id"]) if tw.get("conversation_id") else None,
                extra=extra,
            )
        )
    return posts


class XCollector:
    name: ClassVar[str] = "x"
    platform: ClassVar[str] = PLATFORM

    def _setup(self, target: Target) -> tuple[str, dict[str, str]]:
        token = target.options.get("token")
        if hasattr(token, "get_secret_value"):
            token = token.get_secret_value()
        if not token:
            raise SourceError("X API needs a bearer token ([sources.x] token)")
        base = str(target.options.get("base_url") or DEFAULT_BASE).rstrip("/")
        return base, {"Authorization": f"Bearer {token}"}

    def _check(self, resp: FetchedResponse, target: Target) -> None:
        if resp.status in (401, 403, 404):
            raise SourceUnavailable(
                f"X {target.key}: HTTP {resp.status} (token, access tier or account)",
                response=resp,
            )
        resp.raise_for_status()

    def resolve_user_id(self, client: PoliteClient, target: Target) -> str:
        if target.options.get("external_id"):
            return str(target.options["external_id"])
        key = target.key.strip().lstrip("@")
        if key.isdigit():
            return key
        base, headers = self._setup(target)
        resp = client.get(f"{base}/2/users/by/username/{key}", headers=headers, check_robots=False)
        self._check(resp, target)
        data = _load(resp.body, resp.url).get("data") or {}
        if not data.get("id"):
            raise SourceUnavailable(f"X user @{key} not found", response=resp)
        return str(data["id"])

    def fetch(
        self, client: PoliteClient, target: Target, cursor: str | None, *, max_pages: int
    ) -> Iterator[FetchedPage]:
        base, headers = self._setup(target)
        user_id = self.resolve_user_id(client, target)
        params: dict[str, str | int] = {
            "max_results": 100,
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id",
            "user.fields": "username,name",
        }
        if cursor:
            params["since_id"] = cursor
        newest: str | None = None
        for page_no in range(1, max_pages + 1):
            resp = client.get(f"{base}/2/users/{user_id}/tweets", params=params, headers=headers, check_robots=False)
            self._check(resp, target)
            meta = _load(resp.body, resp.url).get("meta") or {}
            if page_no == 1 and meta.get("newest_id"):
                newest = str(meta["newest_id"])
            token = meta.get("next_token")
            if not token or page_no == max_pages:
                yield FetchedPage(response=resp, cursor=newest or cursor, truncated=bool(token))
                return
            yield FetchedPage(response=resp, cursor=None)
            params = {**params, "pagination_token": str(token)}

    def parse(self, body: bytes, url: str, target: Target) -> list[ParsedPost]:
        return parse_tweets(body, url)


collector = XCollector()
