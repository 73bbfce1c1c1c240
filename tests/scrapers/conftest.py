from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scrapers.http import PoliteClient  # noqa: E402
from tests.support.fixture_server import FixtureServer  # noqa: E402
from tests.support.scraping import FakeSleep, make_settings  # noqa: E402


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as srv:
        yield srv


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def client(tmp_path: Path, fake_sleep: FakeSleep) -> Iterator[PoliteClient]:
    with PoliteClient(make_settings(), warc_dir=tmp_path / "warc", sleep=fake_sleep, clock=fake_sleep.clock) as c:
        yield c
