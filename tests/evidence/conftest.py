from __future__ import annotations

import shutil

import pytest

from pantau.config import Settings
from review.evidence.signing import init_keys

HAS_CHROMIUM = any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome"))
HAS_POPPLER = bool(shutil.which("pdftotext") and shutil.which("pdftoppm"))

needs_chromium = pytest.mark.skipif(
    not HAS_CHROMIUM, reason="chromium tidak terpasang (apt-get install -y chromium)")
needs_poppler = pytest.mark.skipif(
    not HAS_POPPLER, reason="poppler-utils tidak terpasang (apt-get install -y poppler-utils)")


@pytest.fixture
def keys(db: Settings) -> Settings:
    init_keys(db)
    return db
