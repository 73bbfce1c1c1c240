"""Helpers shared by the scraper tests (and usable by the demo): paths, fake sleep, settings."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pantau.config import HttpSettings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "sources"
SHARED = Path("/work/shared/fixtures")  # real recorded formats (licences beside them); read in place
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared real-format fixtures not present")


class FakeSleep:
    """Records requested sleeps instead of sleeping; ``clock`` advances by what was slept."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self.offset = 0.0

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.offset += seconds

    def clock(self) -> float:
        return time.monotonic() + self.offset

    @property
    def total(self) -> float:
        return sum(self.calls)


def make_settings(**kw: object) -> HttpSettings:
    """Fast test settings: tiny delays and backoffs, 127.0.0.1 allow-listed for the SSRF guard."""
    base: dict[str, object] = {
        "min_delay_s": 0.01,
        "timeout_s": 2.0,
        "max_retries": 3,
        "backoff_base_s": 0.01,
        "backoff_max_s": 0.05,
        "allow_private_hosts": ["127.0.0.1"],
    }
    base.update(kw)
    return HttpSettings(**base)  # type: ignore[arg-type]
