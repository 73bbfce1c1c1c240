"""Citizen tips: a URL (and a note) reported by the public or an analyst.

The page is fetched once through the SSRF-safe path (``scrapers.tips``), archived, classified
and queued for review whatever its score: a report from the public always gets a human look.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from pantau import audit
from pantau.config import Settings
from pantau.db.models import Post, ReviewItem
from pantau.db.session import session_scope
from pantau.errors import PantauError
from pantau.linking import Linker
from pantau.pipeline import enqueue, store_prediction
from pantau.store import get_or_create_source, save_capture, store_posts
from scrapers.base import ParseError

TIP_SOURCE = "aduan-warga"


@dataclass(frozen=True)
class TipResult:
    post_id: int
    item_id: int | None
    sha256: str
    duplicate: bool


def submit_tip(settings: Settings, url: str, *, note: str | None = None, actor: str = "cli",
               client: object | None = None) -> TipResult:
    from classifier import load_classifier
    from scrapers.http import FetchError, PoliteClient
    from scrapers.tips import fetch_tip

    own_client = client is None
    http = client or PoliteClient(settings.http, warc_dir=settings.warc_dir)
    try:
        cap = fetch_tip(http, url, note=note)  # type: ignore[arg-type]
    except FetchError as exc:
        raise PantauError(f"Tautan aduan tidak dapat diambil ({url}): {exc}") from exc
    except ParseError as exc:
        raise PantauError(f"Halaman aduan tidak dapat dibaca ({url}): {exc}") from exc
    finally:
        if own_client:
            http.close()  # type: ignore[attr-defined]
    with session_scope(settings) as s:
        capture = save_capture(s, cap.response)
        source = get_or_create_source(s, "web", TIP_SOURCE, kind="tip", name="Aduan warga")
        match = Linker(s, settings.privacy).match(cap.post)
        stored = store_posts(s, [(cap.post, match)], source_id=source.id, capture_id=capture.id,
                             fetched_at=cap.response.fetched_at)
        if not stored.new_ids:
            existing = s.execute(select(Post).where(Post.platform == cap.post.platform,
                                                    Post.external_id == cap.post.external_id)).scalar_one()
            item_id = s.execute(select(ReviewItem.id).where(ReviewItem.post_id == existing.id)).scalar()
            return TipResult(existing.id, item_id, capture.sha256, duplicate=True)
        post = s.get(Post, stored.new_ids[0])
        assert post is not None
        clf = load_classifier()
        pred = store_prediction(s, post, clf.predict([post.text or ""])[0], clf.version)
        enqueue(s, post, pred, actor, via="tip", url=url, note=note)
        item_id = s.execute(select(ReviewItem.id).where(ReviewItem.post_id == post.id)).scalar_one()
        audit.record(s, actor, "tip.submitted", object_type="review_item", object_id=item_id,
                     details={"url": url, "note": note, "capture_sha256": capture.sha256})
        return TipResult(post.id, item_id, capture.sha256, duplicate=False)
