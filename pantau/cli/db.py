"""``pantau db ...``: migrations."""

from __future__ import annotations

import typer

from pantau.cli.common import console

app = typer.Typer(help="Basis data: migrasi skema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd() -> None:
    """Terapkan semua migrasi (aman dijalankan berulang)."""
    from pantau.config import get_settings
    from pantau.db.migrate import current_revision, upgrade
    from pantau.db.session import redact_url

    settings = get_settings()
    upgrade(settings)
    console.print(f"Skema mutakhir (revisi {current_revision(settings)}) di {redact_url(settings.db_url)}")
