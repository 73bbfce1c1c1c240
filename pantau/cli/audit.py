"""``pantau audit ...``: the hash-chained audit log."""

from __future__ import annotations

import typer

from pantau.cli.common import console, err_console

app = typer.Typer(help="Log audit berantai hash.", no_args_is_help=True)


@app.command("verify")
def verify_cmd() -> None:
    """Periksa seluruh rantai log audit; keluar non-nol bila ada yang rusak."""
    from sqlalchemy import func, select

    from pantau import audit
    from pantau.db.models import AuditEvent
    from pantau.db.session import session_scope

    with session_scope() as session:
        problems = audit.verify(session)
        count = session.execute(select(func.count()).select_from(AuditEvent)).scalar() or 0
    if not problems:
        console.print(f"OK — {count} peristiwa, rantai utuh.")
        return
    for p in problems:
        err_console.print(f"RUSAK peristiwa #{p.event_id}: {p.problem}", highlight=False)
    err_console.print(f"{len(problems)} masalah pada {count} peristiwa.")
    raise typer.Exit(1)
