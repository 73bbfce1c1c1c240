"""Re-check flagged and confirmed posts at their source: still there, edited or deleted.

Each check fetches the post again through an injectable ``fetch(url) -> (status, body)``
(wire ``scrapers.http.PoliteClient`` in production; tests use a local server), archives what
came back as a new WARC record and ``Capture``, and stores a ``Recheck`` row:

- ``deleted``: HTTP 404/410, or the page says the post is gone ("Post not found", …);
- ``edited``: the post's text as shown now differs from the stored text (unified diff kept);
- ``ok``: the text is still there unchanged;
- ``error``: anything else (network error, 5xx, a page we cannot read).

The post's original capture is never replaced or modified. Every check is audited
(``post.recheck``).
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pantau import audit
from pantau.config import Settings, get_settings
from pantau.db.models import Capture, Post, Recheck, ReviewItem, ReviewStatus

Fetch = Callable[[str], tuple[int, bytes]]

RECHECK_STATUSES = (ReviewStatus.BARU, ReviewStatus.DITINJAU, ReviewStatus.DUGAAN_PELANGGARAN,
                    ReviewStatus.TERKONFIRMASI, ReviewStatus.DITERUSKAN)
GONE_CODES = (404, 410)
GONE_MARKERS = ("post not found", "message not found", "this post was deleted",
                "postingan tidak ditemukan", "pesan tidak ditemukan", "halaman tidak ditemukan",
                "this page isn't available", "sorry, this page isn't available")
ACTOR = "system:recheck"


@dataclass(frozen=True)
class RecheckOutcome:
    post_id: int
    outcome: str
    recheck_id: int
    capture_id: int | None
    detail: str | None = None


# -- per-platform URL and text extraction ----------------------------------------------------
def recheck_url(post: Post) -> str | None:
    """The URL to fetch for a post, or None where the source does not allow a re-check."""
    if not post.url or post.import_id is not None:
        return None
    if post.platform.startswith("telegram"):
        parts = urlsplit(post.url)
        if parts.netloc in ("t.me", "telegram.me") and re.fullmatch(r"/(s/)?[\w]+/\d+",
                                                                     parts.path):
            path = parts.path.replace("/s/", "/", 1)
            return urlunsplit((parts.scheme or "https", parts.netloc, path, "embed=1", ""))
    return post.url


def extract_text(platform: str, body: bytes) -> str:
    """Text of the post as shown on the fetched page (whole visible text as a fallback)."""
    soup = BeautifulSoup(body, "lxml")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    if platform.startswith("telegram"):
        node = soup.select_one(".tgme_widget_message_text")
        if node is not None:
            for br in node.find_all("br"):
                br.replace_with("\n")
            return node.get_text()
    return soup.get_text(" ")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def classify(post: Post, status: int, body: bytes) -> tuple[str, str | None, str | None]:
    """(outcome, diff, detail) for what came back."""
    if status in GONE_CODES:
        return "deleted", None, f"HTTP {status}"
    if status >= 400 or status < 200:
        return "error", None, f"HTTP {status}"
    lowered = body.decode("utf-8", "replace").casefold()
    current = extract_text(post.platform, body)
    original = post.text or ""
    if _norm(original) and _norm(original) in _norm(current):
        return "ok", None, None
    for marker in GONE_MARKERS:
        if marker in lowered:
            return "deleted", None, f"halaman memuat penanda \u201c{marker}\u201d"
    if not _norm(current):
        return "error", None, "teks unggahan tidak ditemukan pada halaman"
    diff = "".join(difflib.unified_diff(
        original.splitlines(keepends=True) or [""], current.strip().splitlines(keepends=True),
        fromfile="asli", tofile="sekarang"))
    return "edited", diff, None


# -- archiving -------------------------------------------------------------------------------
def archive_response(warc_dir: Path, url: str, status: int, body: bytes,
                     at: datetime) -> tuple[str, int, str]:
    """Append a response record for a re-check fetch; (path, offset, record id)."""
    warc_dir.mkdir(parents=True, exist_ok=True)
    path = warc_dir / f"recheck-{at:%Y%m%d}.warc.gz"
    with open(path, "ab") as out:
        w = WARCWriter(out, gzip=True)
        rec = w.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders(f"{status} -", [], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})
        offset = out.tell()
        w.write_record(rec)
    return str(path), offset, rec.rec_headers.get_header("WARC-Record-ID")


# -- the check -------------------------------------------------------------------------------
def recheck_post(session: Session, post: Post, fetch: Fetch, *,
                 settings: Settings | None = None, actor: str = ACTOR) -> RecheckOutcome | None:
    """Re-check one post (caller commits). None when its source allows no re-check."""
    settings = settings or get_settings()
    url = recheck_url(post)
    if url is None:
        return None
    at = datetime.now(UTC)
    capture_id: int | None = None
    status: int | None = None
    try:
        status, body = fetch(url)
    except Exception as exc:  # noqa: BLE001 - any fetch failure is an 'error' outcome
        outcome, diff, detail = "error", None, f"{type(exc).__name__}: {exc}"
    else:
        path, offset, rid = archive_response(settings.warc_dir, url, status, body, at)
        cap = Capture(url=url, sha256=hashlib.sha256(body).hexdigest(), status_code=status,
                      size=len(body), warc_path=path, warc_offset=offset, warc_record_id=rid,
                      fetched_at=at)
        session.add(cap)
        session.flush()
        capture_id = cap.id
        outcome, diff, detail = classify(post, status, body)
    row = Recheck(post_id=post.id, checked_at=at, outcome=outcome, status_code=status,
                  diff=diff, detail=detail, capture_id=capture_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "post.recheck", object_type="post", object_id=post.id,
                 details={"outcome": outcome, "recheck_id": row.id, "capture_id": capture_id,
                          "url": url, "status": status})
    return RecheckOutcome(post.id, outcome, row.id, capture_id, detail)


def posts_to_recheck(session: Session,
                     statuses: Iterable[ReviewStatus] = RECHECK_STATUSES) -> list[Post]:
    stmt = (select(Post).join(ReviewItem, ReviewItem.post_id == Post.id)
            .where(ReviewItem.status.in_(list(statuses)), Post.url.is_not(None),
                   Post.import_id.is_(None), Post.purged_at.is_(None))
            .order_by(Post.id))
    return list(session.execute(stmt).scalars())


def recheck_all(session: Session, fetch: Fetch, *, settings: Settings | None = None,
                limit: int | None = None) -> list[RecheckOutcome]:
    """Re-check every flagged/confirmed post with a URL (caller commits)."""
    results = []
    for post in posts_to_recheck(session)[:limit]:
        res = recheck_post(session, post, fetch, settings=settings)
        if res is not None:
            results.append(res)
    return results


def polite_fetch(settings: Settings | None = None) -> Fetch:
    """Production fetch through the project's one polite client (robots, rate limit,
    retries). The client archives its own WARC copy as well."""
    from scrapers.http import PoliteClient

    settings = settings or get_settings()
    client = PoliteClient(settings.http, warc_dir=settings.warc_dir)

    def fetch(url: str) -> tuple[int, bytes]:
        resp = client.get(url)
        return resp.status, resp.body

    return fetch
