from __future__ import annotations

import pytest

from classifier.data import load_all
from classifier.reviews import rows_to_frame


def test_review_rows_join_training_data() -> None:
    rows = [("Ayo dukung calon nomor 9 di Pilkades Sukamaju!", "partisan", "NET-KMS"),
            ("Info pemadaman listrik besok pagi.", "not_partisan", None),
            ("Ikut rapat timses paslon 5 malam ini", "partisan", None)]
    extra = rows_to_frame(rows)
    df = load_all(extra=extra)
    rv = df[df["source"] == "review"]
    assert len(rv) == 3
    assert set(rv["split"]) == {"train"}
    assert rv["category"].tolist() == ["NET-KMS", "", "NET-LNY"]
    assert rv["weight"].min() > 1.0  # human decisions weigh like hand-written posts


def test_review_rows_bad_label() -> None:
    with pytest.raises(ValueError, match="row 0"):
        rows_to_frame([("teks", "maybe", None)])


def test_review_rows_from_database(db) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from classifier.reviews import review_rows
    from pantau.db.models import Post, ReviewItem, ReviewStatus
    from pantau.db.session import session_scope

    now = dt.datetime(2024, 11, 1, 8, 0, tzinfo=dt.UTC)
    cases = [("Coblos nomor 2!", ReviewStatus.TERKONFIRMASI, "NET-KMS"),
             ("Jadwal debat malam ini", ReviewStatus.BUKAN_PELANGGARAN, None),
             ("Masih ditinjau", ReviewStatus.BARU, None),
             (None, ReviewStatus.TERKONFIRMASI, "NET-HDR")]  # text purged: skipped
    with session_scope(db) as s:
        for i, (text, status, cat) in enumerate(cases):
            post = Post(platform="test", external_id=f"p{i}", posted_at=now, text=text,
                        content_sha256=f"{i:064d}")
            s.add(post)
            s.flush()
            s.add(ReviewItem(post_id=post.id, score=0.9, status=status, category=cat))
    with session_scope(db) as s:
        rows = sorted(review_rows(s))
    assert rows == [("Coblos nomor 2!", "partisan", "NET-KMS"),
                    ("Jadwal debat malam ini", "not_partisan", None)]
