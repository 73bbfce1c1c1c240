"""Storing what the sources produce: captures, import files and posts, without duplicates.

Dedup is by (platform, external id), and by the content hash of the raw item for re-imported
exports. Nothing here commits: callers decide the unit of work, so a page's capture, its
posts and the source cursor land together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.db.models import Capture, Post, Source
from pantau.linking import Match
from scrapers.base import ParsedPost

if TYPE_CHECKING:
    from scrapers.http import FetchedResponse


@dataclass
class StoreResult:
    new_ids: list[int] = field(default_factory=list)
    duplicates: int = 0

    @property
    def new(self) -> int:
        return len(self.new_ids)

    def add(self, other: StoreResult) -> None:
        self.new_ids.extend(other.new_ids)
        self.duplicates += other.duplicates


def save_capture(session: Session, resp: FetchedResponse) -> Capture:
    capture = Capture(url=resp.url, sha256=resp.sha256, status_code=resp.status, content_type=resp.content_type,
                      size=resp.size, warc_path=resp.warc_path, warc_record_id=resp.warc_record_id,
                      warc_offset=resp.warc_offset, fetched_at=resp.fetched_at)
    session.add(capture)
    session.flush()
    return capture


def get_or_create_source(session: Session, platform: str, key: str, *, kind: str, name: str | None = None) -> Source:
    src = session.execute(select(Source).where(Source.platform == platform, Source.key == key)).scalar_one_or_none()
    if src is None:
        src = Source(platform=platform, key=key, kind=kind, name=name or key)
        session.add(src)
        session.flush()
    return src


def store_posts(session: Session, items: Sequence[tuple[ParsedPost, Match]], *, source_id: int | None,
                capture_id: int | None = None, import_id: int | None = None,
                fetched_at: datetime | None = None) -> StoreResult:
    result = StoreResult()
    if not items:
        return result
    platforms = {p.platform for p, _ in items}
    ids = [p.external_id for p, _ in items]
    hashes = [p.content_sha256 for p, _ in items]
    seen_ids: set[tuple[str, str]] = set()
    seen_hashes: set[tuple[str, str]] = set()
    for chunk in range(0, len(ids), 500):
        seen_ids.update(session.execute(select(Post.platform, Post.external_id).where(
            Post.platform.in_(platforms), Post.external_id.in_(ids[chunk:chunk + 500]))).tuples())
        seen_hashes.update(session.execute(select(Post.platform, Post.content_sha256).where(
            Post.platform.in_(platforms), Post.content_sha256.in_(hashes[chunk:chunk + 500]))).tuples())
    for post, match in items:
        key, digest = (post.platform, post.external_id), (post.platform, post.content_sha256)
        if key in seen_ids or digest in seen_hashes:
            result.duplicates += 1
            continue
        seen_ids.add(key)
        seen_hashes.add(digest)
        row = Post(
            platform=post.platform, external_id=post.external_id, source_id=source_id,
            account_id=match.account_id, person_id=match.person_id, match_method=match.method,
            match_confidence=match.confidence, match_status=match.status, author_name=post.author_name,
            author_handle=post.author_handle, posted_at=post.posted_at, url=post.url, text=post.text,
            reply_to=post.reply_to, thread_key=post.thread_key,
            raw={"item": post.raw, "extra": post.extra} if post.extra else {"item": post.raw},
            content_sha256=post.content_sha256, capture_id=capture_id, import_id=import_id,
        )
        if fetched_at is not None:
            row.fetched_at = fetched_at
        session.add(row)
        session.flush()
        result.new_ids.append(row.id)
    return result
