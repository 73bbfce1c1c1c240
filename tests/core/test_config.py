from __future__ import annotations

from pathlib import Path

import pytest

from pantau.config import ConfigError, load_settings


def test_defaults_are_usable(tmp_path: Path) -> None:
    s = load_settings()
    assert s.timezone == "Asia/Jakarta" and s.db_url.startswith("sqlite:///")
    assert s.classifier.threshold == 0.5 and s.http.min_delay_s >= 2


def test_toml_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "pantau.toml"
    cfg.write_text('timezone = "WITA"\n[sources.x]\nenabled = true\ntoken = "rahasia-sekali"\n'
                   '[http]\nmin_delay_s = 5\n')
    monkeypatch.setenv("PANTAU_CONFIG", str(cfg))
    monkeypatch.setenv("PANTAU_HTTP__MIN_DELAY_S", "3")
    s = load_settings()
    assert s.timezone == "Asia/Makassar"
    assert s.http.min_delay_s == 3  # environment wins over the file
    assert s.sources.x.token is not None and s.sources.x.token.get_secret_value() == "rahasia-sekali"
    assert "rahasia-sekali" not in repr(s) and "rahasia-sekali" not in str(s.model_dump())


def test_unknown_key_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "pantau.toml"
    cfg.write_text("[http]\nmin_delay = 5\n")
    monkeypatch.setenv("PANTAU_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match=r"kunci tidak dikenal: http\.min_delay"):
        load_settings()


def test_wrong_type_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_CLASSIFIER__THRESHOLD", "tinggi")
    with pytest.raises(ConfigError, match=r"classifier\.threshold"):
        load_settings()


def test_bad_zone_and_broken_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError, match="zona waktu"):
        load_settings()
    monkeypatch.delenv("PANTAU_TIMEZONE")
    cfg = tmp_path / "pantau.toml"
    cfg.write_text("[http\nmin_delay_s = 5\n")
    monkeypatch.setenv("PANTAU_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="pantau.toml"):
        load_settings()
