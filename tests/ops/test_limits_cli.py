"""Limits helper (no server: naming, specs, no-op) and the ops CLI commands."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import Settings
from pantau.db.models import Source
from pantau.db.session import session_scope
from pantau.ops import limits

runner = CliRunner()


def test_names_and_specs() -> None:
    assert limits.host_of("https://T.me/s/kanal?before=3") == "t.me"
    assert limits.host_of("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert limits.limit_name("https://mastodon.social/api") == "pantau-host-mastodon.social"
    specs = limits.limit_specs(["https://t.me/s/a", "t.me", "http://m.example"], min_delay_s=2.0,
                               max_parallel=1)
    assert [(s.name, s.limit, s.slot_decay_per_second) for s in specs] == [
        ("pantau-host-m.example", 1, 0.5), ("pantau-host-m.example-parallel", 1, 0.0),
        ("pantau-host-t.me", 1, 0.5), ("pantau-host-t.me-parallel", 1, 0.0)]
    assert [s.name for s in limits.limit_specs(["t.me"], min_delay_s=0)] == []


def test_noop_without_prefect_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "")
    assert not limits.prefect_api_configured()
    start = time.perf_counter()
    for _ in range(100):
        with limits.host_slot("https://t.me/s/x"):
            pass
    assert time.perf_counter() - start < 0.5
    assert limits.ensure_limits(["t.me"]) == []


def test_source_hosts(db: Settings) -> None:
    with session_scope(db) as s:
        s.add(Source(platform="mastodon", key="1", config={"base_url": "https://masto.example/"}))
        s.add(Source(platform="telegram", key="k", enabled=False,
                     config={"base_url": "http://off.example/s/k"}))
    assert limits.source_hosts(db) == ["masto.example", "t.me"]


def test_retention_cli_dry_run(db: Settings, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["retention", "run", "--dry-run", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "SIMULASI" in result.output and '"dry_run": true' in out.read_text()


def test_notify_test_without_channels() -> None:
    result = runner.invoke(app, ["notify", "test"])
    assert result.exit_code == 2 and "kanal notifikasi" in result.output


def test_deploy_needs_prefect_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "")
    result = runner.invoke(app, ["deploy"])
    assert result.exit_code == 2 and "PREFECT_API_URL" in result.output
