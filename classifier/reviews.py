"""Reviewer decisions as training data (``pantau model train --include-reviews``).

``review_rows(session)`` reads final human decisions from the database; ``rows_to_frame``
turns any ``(text, label, category)`` rows into training rows. The rows are written under
the data directory (``var/``), never into the repository: they contain personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

PARTISAN_STATUSES = {"dugaan_pelanggaran", "terkonfirmasi", "diteruskan"}
NOT_PARTISAN_STATUSES = {"bukan_pelanggaran", "ditolak"}


def review_rows(session: Any) -> list[tuple[str, str, str | None]]:
    """(text, label, category) for every reviewed post whose text is still stored."""
    from sqlalchemy import select

    from pantau.db.models import Post, ReviewItem

    rows: list[tuple[str, str, str | None]] = []
    stmt = select(ReviewItem, Post.text).join(Post, Post.id == ReviewItem.post_id)
    for item, text in session.execute(stmt):
        if not text:
            continue
        status = str(getattr(item.status, "value", item.status))
        category = item.category
        if item.decisions:
            category = item.decisions[-1].category or category
        if status in PARTISAN_STATUSES:
            rows.append((text, "partisan", category))
        elif status in NOT_PARTISAN_STATUSES:
            rows.append((text, "not_partisan", None))
    return rows


def rows_to_frame(rows: Iterable[tuple[str, str, str | None]]) -> pd.DataFrame:
    """Training rows (``source=review``, split train) from (text, label, category)."""
    out = []
    for i, (text, label, category) in enumerate(rows):
        if label not in {"partisan", "not_partisan"}:
            raise ValueError(f"review row {i}: label must be partisan|not_partisan, got {label!r}")
        out.append({"id": f"review-{i:06d}", "text": text, "label": label,
                    "category": (category or "NET-LNY") if label == "partisan" else ""})
    return pd.DataFrame(out, columns=["id", "text", "label", "category"])
