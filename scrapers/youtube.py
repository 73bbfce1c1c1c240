"""YouTube Data API v3: comment threads on a video or on all videos of a channel.

API: ``GET {base_url}/youtube/v3/commentThreads?part=snippet&videoId=<id>`` or
``...&allThreadsRelatedToChannelId=<UC...>``, ``maxResults=100``, ``order=time``,
``textFormat=plainText``, ``key=<API key>``, ``pageToken=<nextPageToken>``.

Target: ``key`` = video id, or channel id (``UC...``; or set option ``kind="channel"``);
options: ``token`` (API key; the pipeline passes ``settings.sources.youtube.token``),
``base_url`` (default ``https://www.googleapis.com``). The API key travels in the query
string; the client redacts ``key=`` in returned URLs and in the WARC archive.

``parse_comment_threads(body, url)`` is pure: one post per top-level comment.
``author_id`` is the commenter's channel id (``authorChannelId.value``) — the match key
against the registry; ``external_id`` the comment id; ``thread_key`` the video id; ``url``
``https://www.youtube.com/watch?v=<video>&lc=<comment>``. Replies are not fetched
(``part=snippet`` only carries ``totalReplyCount``).

Incremental: the API has no "since"; with ``order=time`` pages are newest first, so the walk
stops at the first page reaching comments published at or before the cursor (the newest
``publishedAt`` already stored, ISO 8601). Quota: 10,000 units/day by default, 1 unit per
page; a ``403 quotaExceeded`` raises ``QuotaExceeded`` (the pipeline records it and keeps the
cursor, so the next night resumes). Requires a Google Cloud API key; YouTube's API Terms of
Service apply. Off by default (``[sources.youtube] enabled = false``).

robots.txt is not consulted for these API calls (``check_robots=False``): robots.txt governs
crawling of web content, API use is governed by the API terms; rate limits still apply.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

from scrapers.base import ParsedPost, ParseError, api_datetime
from scrapers.collector import FetchedPage, QuotaExceeded, SourceError, SourceUnavailable, Target
from scrapers.http import FetchedResponse, PoliteClient

PLATFORM = "youtube"
DEFAULT_BASE = "https://www.googleapis.com"
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded"})


def _load(body: bytes, url: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(f"invalid JSON: {exc}", location=url) from exc
    if not isinstance(data, dict):
        raise ParseError(f"expected a JSON object, got {type(data).__name__}", location=url)
    return data




def error_reasons(data: dict[str, Any]) -> list[str]:
    err = data.get("error")
    if not isinstance(err, dict):
        return []
    return [str(e.get("reason")) for e in err.get("errors") or [] if isinstance(e, dict)]


def parse_comment_threads(body: bytes, url: str) -> list[ParsedPost]:
    data = _load(body, url)
    if "error" in data:
        raise ParseError(f"API error: {error_reasons(data) or data['error']}", location=url)
    items = data.get("items")
    if not isinstance(items, list):
        raise ParseError("no 'items' list (not a commentThreads response)", location=url)
    posts: list[ParsedPost] = []
    for i, item in enumerate(items):
        where = f"{url} [items[{i}]]"
        try:
            thread_snip = item["snippet"]
            top = thread_snip["topLevelComment"]
            snip = top["snippet"]
        except (KeyError, TypeError) as exc:
            raise ParseError(f"missing field {exc}", location=where) from exc
        cid = str(top.get("id") or item.get("id"))
        where = f"{url} [comment {cid}]"
        video = snip.get("videoId") or thread_snip.get("videoId")
        channel_id = (snip.get("authorChannelId") or {}).get("value")
        text = snip.get("textOriginal")
        if text is None:
            text = snip.get("textDisplay") or ""
        extra: dict[str, Any] = {
            "like_count": snip.get("likeCount"),
            "total_reply_count": thread_snip.get("totalReplyCount"),
            "channel_id": thread_snip.get("channelId") or snip.get("channelId"),
        }
        if snip.get("updatedAt") and snip.get("updatedAt") != snip.get("publishedAt"):
            extra["edited"] = True
            extra["updated_at"] = snip["updatedAt"]
        display = snip.get("authorDisplayName")
        posts.append(
            ParsedPost(
                platform=PLATFORM,
                external_id=cid,
                posted_at=api_datetime(snip.get("publishedAt"), "publishedAt", where),
                text=str(text),
                raw=item,
                author_name=display,
                author_handle=display if isinstance(display, str) and display.startswith("@") else None,
                author_id=channel_id,
                url=f"https://www.youtube.com/watch?v={video}&lc={cid}" if video else None,
                thread_key=video,
                extra={k: v for k, v in extra.items() if v is not None},
            )
        )
    return posts


class YouTubeCollector:
    name: ClassVar[str] = "youtube"
    platform: ClassVar[str] = PLATFORM

    def _check(self, resp: FetchedResponse, target: Target) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if resp.body:
            try:
                data = _load(resp.body, resp.url)
            except ParseError:
                if resp.ok:
                    raise
        reasons = set(error_reasons(data))
        if resp.status in (403, 429) and reasons & QUOTA_REASONS:
            raise QuotaExceeded(
                f"YouTube quota exhausted ({', '.join(sorted(reasons))}); retry tomorrow",
                response=resp,
            )
        if resp.status in (400, 401, 403, 404):
            raise SourceUnavailable(
                f"YouTube {target.key}: HTTP {resp.status} {sorted(reasons)} (comments disabled, bad id or API key)",
                response=resp,
            )
        resp.raise_for_status()
        return data

    def fetch(
        self, client: PoliteClient, target: Target, cursor: str | None, *, max_pages: int
    ) -> Iterator[FetchedPage]:
        key = target.options.get("token")
        if hasattr(key, "get_secret_value"):
            key = key.get_secret_value()
        if not key:
            raise SourceError("YouTube Data API needs an API key ([sources.youtube] token)")
        base = str(target.options.get("base_url") or DEFAULT_BASE).rstrip("/")
        kind = target.options.get("kind") or ("channel" if target.key.startswith("UC") else "video")
        params: dict[str, str | int] = {
            "part": "snippet",
            "maxResults": 100,
            "order": "time",
            "textFormat": "plainText",
        }
        params["allThreadsRelatedToChannelId" if kind == "channel" else "videoId"] = target.key
        params["key"] = str(key)
        stop = api_datetime(cursor, "publishedAt", "cursor") if cursor else None
        newest = stop
        for page_no in range(1, max_pages + 1):
            resp = client.get(f"{base}/youtube/v3/commentThreads", params=params, check_robots=False)
            data = self._check(resp, target)
            times = []
            for item in data.get("items") or []:
                try:
                    published = item["snippet"]["topLevelComment"]["snippet"]["publishedAt"]
                    times.append(api_datetime(published, "publishedAt", "x"))
                except (KeyError, TypeError, ParseError):
                    continue
            if times:
                newest = max([newest, *times]) if newest else max(times)
            token = data.get("nextPageToken")
            reached = stop is not None and bool(times) and min(times) <= stop
            if not token or reached or page_no == max_pages:
                yield FetchedPage(
                    response=resp,
                    cursor=newest.isoformat() if newest else cursor,
                    truncated=bool(token) and not reached,
                )
                return
            yield FetchedPage(response=resp, cursor=None)
            params = {**params, "pageToken": str(token)}

    def parse(self, body: bytes, url: str, target: Target) -> list[ParsedPost]:
        return parse_comment_threads(body, url)


collector = YouTubeCollector()
