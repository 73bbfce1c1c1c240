from __future__ import annotations

import pytest

from classifier.api import Prediction

NEGATIVE = [
    "Mengingatkan seluruh ASN Pemprov agar menjaga netralitas dalam Pilkada 2024.",
    "Jangan lupa 27 November datang ke TPS, suaramu menentukan masa depan daerah.",
    "Selamat pagi rekan-rekan, semangat bekerja hari ini!",
]
POSITIVE = [
    ("Alhamdulillah hadir di deklarasi relawan 02 Kab. Kubu Raya, insyaAllah menang! ✌️",
     "NET-HDR"),
    ("Yang masih ragu, lihat rekam jejaknya. Nomor 3 paling layak pimpin Kalbar 🔥", None),
    ("Ayo coblos nomor 4, Pak Wiranto Saragi pasti membawa Kabupaten Mentawai maju!", None),
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_guideline_negatives(clf, text: str) -> None:  # type: ignore[no-untyped-def]
    (p,) = clf.predict([text])
    assert p.label == "not_partisan", p
    assert p.category is None


@pytest.mark.parametrize(("text", "category"), POSITIVE)
def test_guideline_positives(clf, text: str, category: str | None) -> None:  # type: ignore[no-untyped-def]
    (p,) = clf.predict([text])
    assert p.label == "partisan", p
    assert p.category and p.category.startswith("NET-")
    if category:
        assert p.category == category
    assert p.explanation["terms"], "explanation must name terms"


def test_watchlist_in_explanation_but_not_decisive(clf) -> None:  # type: ignore[no-untyped-def]
    (p,) = clf.predict(["KPU tetapkan Prabowo-Gibran sebagai pasangan calon nomor urut 2."])
    assert any(h["number"] == 2 for h in p.explanation["watchlist"])
    assert p.explanation["lang"] == "id"


def test_bad_inputs_defined(clf) -> None:  # type: ignore[no-untyped-def]
    texts = ["", "   ", "😂😂😂", "👍", "x" * 50_000, "ayo " * 20_000]
    preds = clf.predict(texts)
    assert len(preds) == len(texts)
    for p in preds:
        assert isinstance(p, Prediction)
        assert 0.0 <= p.score <= 1.0
        assert p.model_version
    assert preds[0].label == "not_partisan" and preds[0].score == 0.0


def test_order_and_batching(clf) -> None:  # type: ignore[no-untyped-def]
    texts = [NEGATIVE[0], POSITIVE[0][0]] * 300
    preds = clf.predict(texts)
    assert [p.label for p in preds[:2]] == ["not_partisan", "partisan"]
    assert preds[0] == preds[598] and preds[1] == preds[599]


def test_module_level_predict() -> None:
    import classifier

    assert classifier.load_classifier() is classifier.load_classifier()
    (p,) = classifier.predict([POSITIVE[0][0]])
    assert p.label == "partisan"
