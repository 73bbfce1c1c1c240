"""Message catalogue: every text a user reads, in Bahasa Indonesia (``id``) and English (``en``).

Templates call ``t("key", name=value)``; a missing key shows the key itself so a gap is
visible instead of silent. ``tests/review`` checks both catalogues have the same keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGUAGES = ("id", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"bahasa tidak dikenal: {lang!r}")
    return json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8"))


def translator(lang: str) -> Callable[..., str]:
    messages = catalogue(lang)

    def t(key: str, **params: object) -> str:
        text = messages.get(key, key)
        return text.format(**params) if params else text

    return t
