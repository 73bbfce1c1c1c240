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
