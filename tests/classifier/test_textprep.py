from __future__ import annotations

import pytest

from classifier.textprep import detect_language, normalize, split_hashtag


@pytest.mark.parametrize(
    ("tag", "words"),
    [("PrabowoGibran2024", "prabowo gibran 2024"), ("AMIN", "amin"),
     ("2019GantiPresiden", "2019 ganti presiden"), ("GanjarMahfud", "ganjar mahfud")],
)
def test_hashtag_split(tag: str, words: str) -> None:
    assert split_hashtag(tag) == words
    assert words in normalize(f"ayo #{tag}!")


def test_urls_mentions_masked() -> None:
    out = normalize("cek https://example.com/a?b=1 dan @budi_01 atau USER, URL")
    assert "<url>" in out and "<user>" in out
    assert "example" not in out and "budi" not in out


def test_slang_and_repeats() -> None:
    out = normalize("Yg gak ikut nyoblos bgt menaaang hati2")
    assert out.split() == ["yang", "tidak", "ikut", "coblos", "sekali", "menang", "hati", "hati"]


def test_signs() -> None:
    out = normalize("☝️ ✌️ 🤟 3️⃣ 👍 👌 😂 ✌🏽")
    assert out.split() == ["<sign_1>", "<sign_2>", "<sign_3>", "<sign_3>", "<sign_thumb>",
                           "<sign_ok>", "<emoji>", "<sign_2>"]


def test_ballot_numbers_survive() -> None:
    assert normalize("Coblos No. 02 ya") .split()[-2] == "02"


@pytest.mark.parametrize("bad", ["", None, "   ", 12345, "😂" * 10, "x" * 50_000])
def test_bad_inputs_do_not_crash(bad: object) -> None:
    out = normalize(bad)
    assert isinstance(out, str) and len(out) <= 50_000


def test_language() -> None:
    assert detect_language("Mengingatkan seluruh ASN agar menjaga netralitas dalam pemilihan") == "id"
    assert detect_language("Ayo coblos nomor 02 ya #AMIN") == "id"  # short, slangy
    assert detect_language("") == "und"
    assert detect_language("👍👍") == "und"
