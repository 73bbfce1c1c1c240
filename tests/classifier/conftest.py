from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def clf():  # type: ignore[no-untyped-def]
    from classifier import load_classifier

    return load_classifier(ROOT / "models" / "default", ROOT / "data" / "elections")
