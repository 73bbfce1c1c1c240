"""``pantau doctor`` with a broken and a healthy configuration (real CLI, real databases)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import PROJECT_ROOT, Settings, reset_settings_cache
from pantau.ops import doctor
from pantau.ops.doctor import Status

runner = CliRunner()


def _toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    path = tmp_path / "pantau.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PANTAU_CONFIG", str(path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    reset_settings_cache()


def test_unknown_key_fails_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _toml(tmp_path, monkeypatch, "[retention]\nnot_violation_dayz = 30\n")
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1, result.output
    assert "FAIL" in result.output
    assert "retention.not_violation_dayz" in result.output
    assert "Perbaiki" in result.output


def test_healthy(db: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not (PROJECT_ROOT / "models" / "default" / "model.json").is_file():
        pytest.skip("no trained model in models/default")
    _toml(tmp_path, monkeypatch, "[sources.mastodon]\nenabled = true\n"
                                 "base_url = 'https://masto.example'\n")
    # single-machine mode even when another test started a Prefect test server in this session
    monkeypatch.setenv("PREFECT_API_URL", "")
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 0, result.output
    for name in ("konfigurasi", "basis data", "migrasi", "model klasifikasi", "sumber",
                 "Prefect", "ruang disk"):
        assert f"{name}:" in result.output, name
    assert "mode lokal" in result.output and "FAIL" not in result.output, result.output


def test_failures_each_with_a_fix(db: Settings, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _toml(tmp_path, monkeypatch,
          f"[sources.x]\nenabled = true\n[classifier]\nmodel_dir = '{tmp_path / 'no-model'}'\n")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens
    checks = {c.name: c for c in doctor.run_checks()}
    assert checks["sumber x"].status == Status.FAIL and "token" in checks["sumber x"].fix
    assert checks["model klasifikasi"].status == Status.FAIL
    assert checks["Prefect"].status == Status.FAIL
    assert checks["migrasi"].status == Status.OK
    assert all(c.fix for c in checks.values() if c.status != Status.OK)
    low = doctor.check_disk(db, min_free=1 << 60)
    assert low.status == Status.WARN and "GiB" in low.message


def test_database_not_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _toml(tmp_path, monkeypatch, f"database_url = 'sqlite:///{tmp_path / 'empty.db'}'\n")
    result = runner.invoke(app, ["doctor", "--no-model"])
    assert result.exit_code == 1
    assert "pantau db upgrade" in result.output
