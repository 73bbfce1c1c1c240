"""Composite index for the content-hash dedup lookup (platform, content_sha256).

Found by bench/nightly.py at 50,000 accounts: without it PostgreSQL combined two single-column
indexes over the whole post table for every stored page.

Revision ID: 0004_post_dedup_index
Revises: 0003_evidence
"""

from __future__ import annotations

from alembic import op

revision = "0004_post_dedup_index"
down_revision = "0003_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_post_platform_content_sha256", "post", ["platform", "content_sha256"])


def downgrade() -> None:
    op.drop_index("ix_post_platform_content_sha256", table_name="post")
