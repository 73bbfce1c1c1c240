from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pantau.config import HttpSettings  # noqa: E402
from scrapers.http import PoliteClient  # noqa: E402
from tests.support.fixture_server import FixtureServer  # noqa: E402

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


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as srv:
        yield srv


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


def make_settings(**kw: object) -> HttpSettings:
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


@pytest.fixture
def client(tmp_path: Path, fake_sleep: FakeSleep) -> Iterator[PoliteClient]:
    with PoliteClient(make_settings(), warc_dir=tmp_path / "warc", sleep=fake_sleep, clock=fake_sleep.clock) as c:
        yield c
