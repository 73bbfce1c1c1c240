"""Types shared by the network collectors (``scrapers/<source>.py``) and the pipeline.

The pipeline builds a ``Target`` from a row of the ``source`` table, looks up the collector
by its settings name in ``scrapers.catalog.COLLECTORS`` and runs::

    for page in collector.fetch(client, target, cursor, max_pages=settings.max_pages):
        posts = collector.parse(page.response.body, page.response.url, target)
        ...store the capture (page.response) and the posts, commit...
        if page.cursor is not None:
            cursor = page.cursor   # only after the commit

``fetch`` only fetches (through ``PoliteClient``) and never parses more than it needs for
pagination; ``parse`` is pure and can be re-run later on the archived bytes
(``scrapers.warc.read_warc_payload``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from scrapers.base import ParsedPost

if TYPE_CHECKING:
    from scrapers.http import FetchedResponse, PoliteClient


@dataclass(frozen=True)
class Target:
    """What to collect from; built by the pipeline from the DB ``source`` table.

    ``platform``: "telegram", "mastodon", "x", "youtube", "web".
    ``key``: channel name / account handle / user id / video or channel id / feed URL.
    ``options``: e.g. ``base_url``, ``external_id``, ``token`` (never logged).
    """

    platform: str
    key: str
    options: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:  # keep tokens out of logs and tracebacks
        safe = {
            k: ("***" if any(s in k.lower() for s in ("token", "key", "secret")) else v)
            for k, v in self.options.items()
        }
        return f"Target(platform={self.platform!r}, key={self.key!r}, options={safe!r})"


@dataclass
class FetchedPage:
    """One fetched page and the cursor the pipeline may store once its posts are committed.

    ``cursor`` is ``None`` when the page does not move the cursor (intermediate pages of an
    incremental run: the newest position is only handed out on the last page so that a
    crash half-way never skips older posts). ``truncated`` is set on the last page when
    ``max_pages`` stopped the walk before reaching the previous cursor, i.e. posts between
    may be missing.
    """

    response: FetchedResponse
    cursor: str | None
    truncated: bool = False


class SourceError(Exception):
    """A source-level failure the pipeline records on the source (not a parse error)."""


class QuotaExceeded(SourceError):
    """The API quota is spent (e.g. YouTube 403 quotaExceeded). Keep the cursor; retry later."""

    def __init__(self, message: str, *, response: FetchedResponse | None = None) -> None:
        self.response = response
        super().__init__(message)


class SourceUnavailable(SourceError):
    """The target is not publicly readable (no web preview, account gone, HTTP 401/403/404)."""

    def __init__(self, message: str, *, response: FetchedResponse | None = None) -> None:
        self.response = response
        super().__init__(message)


class Collector(Protocol):
    name: ClassVar[str]  # key under [sources] in settings, e.g. "telegram_web"
    platform: ClassVar[str]

    def fetch(
        self, client: PoliteClient, target: Target, cursor: str | None, *, max_pages: int
    ) -> Iterator[FetchedPage]: ...

    def parse(self, body: bytes, url: str, target: Target) -> list[ParsedPost]: ...
