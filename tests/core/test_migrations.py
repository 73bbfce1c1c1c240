"""Migrations produce exactly the ORM schema, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pantau.config import Settings
from pantau.db.migrate import current_revision, head_revision
from pantau.db.models import Base
from pantau.db.session import get_engine


def test_migrated_schema_matches_models(db: Settings) -> None:
    assert current_revision(db) == head_revision()
    with get_engine(db).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], diff
