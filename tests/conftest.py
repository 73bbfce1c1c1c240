"""Shared fixtures.

``db`` runs a test twice: on SQLite and on a real PostgreSQL database (created for the test
session on 127.0.0.1:5432 and dropped at the end). It yields the ``Settings`` bound to that
database, with ``get_settings()`` returning the same object, so application code under test
needs no special wiring.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from pantau import config as config_module
from pantau.config import Settings
from pantau.db import session as db_session
from tests.support.databases import copy_sqlite, temporary_pg_database, truncate_all

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# Prefect must never try the network or write into ~/.prefect during tests.
os.environ.setdefault("PREFECT_HOME", str(ARTIFACTS.parent / "var" / "prefect-test"))
Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reads a developer's pantau.toml or writes into the project's var/."""
    monkeypatch.setenv("PANTAU_CONFIG", str(tmp_path / "absent-pantau.toml"))
    monkeypatch.setenv("PANTAU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PANTAU_DATABASE_URL", raising=False)
    config_module.reset_settings_cache()
    yield
    config_module.reset_settings_cache()
    db_session.dispose_engines()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pantau.db.migrate import upgrade

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(Settings(database_url=f"sqlite:///{path}", data_dir=path.parent))
    db_session.dispose_engines()
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    from pantau.db.migrate import upgrade

    with temporary_pg_database() as url:
        upgrade(Settings(database_url=url))
        db_session.dispose_engines()
        yield url


def _bind(monkeypatch: pytest.MonkeyPatch, url: str, tmp_path: Path) -> Settings:
    monkeypatch.setenv("PANTAU_DATABASE_URL", url)
    config_module.reset_settings_cache()
    return config_module.get_settings()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Settings]:
    """Settings bound to a migrated, empty database — once per backend."""
    if request.param == "sqlite":
        url = copy_sqlite(request.getfixturevalue("sqlite_template"), tmp_path / "pantau.db")
        yield _bind(monkeypatch, url, tmp_path)
    else:
        url = request.getfixturevalue("pg_url")
        truncate_all(url)
        yield _bind(monkeypatch, url, tmp_path)
    db_session.dispose_engines()


@pytest.fixture
def session(db: Settings) -> Iterator[Session]:
    s = db_session.session_factory(db)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect API for flows run in tests (started once per test session)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
