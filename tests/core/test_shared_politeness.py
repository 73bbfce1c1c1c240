"""The client enters the shared per-host slot around every request attempt (retries too)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from pantau.config import HttpSettings
from scrapers.http import PoliteClient


def test_host_slot_wraps_each_attempt(tmp_path: Path) -> None:
    calls: list[str] = []
    answers = iter([503, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), text="ok")

    @contextmanager
    def slot(url: str) -> Iterator[None]:
        calls.append(url)
        yield

    settings = HttpSettings(min_delay_s=0, backoff_base_s=0, respect_robots=False)
    with PoliteClient(settings, warc_dir=tmp_path, transport=httpx.MockTransport(handler), host_slot=slot,
                      sleep=lambda _s: None) as client:
        resp = client.get("https://t.me/s/kanal_contoh")
    assert resp.status == 200
    assert calls == ["https://t.me/s/kanal_contoh"] * 2
