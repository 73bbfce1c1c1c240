"""``pantau registry ...``: the ASN registry."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from pantau.cli.common import console, err_console

app = typer.Typer(help="Registri ASN: impor dan ringkasan.", no_args_is_help=True)


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="Berkas registri .csv atau .xlsx dari BKD/BKPSDM."),
    strict: bool = typer.Option(False, "--strict", help="Tolak seluruh berkas bila ada satu baris salah."),
    sheet: str | None = typer.Option(None, help="Nama lembar (XLSX); bawaan lembar pertama."),
) -> None:
    """Impor registri ASN (idempoten: impor ulang tidak menggandakan data)."""
    from pantau.config import get_settings
    from pantau.db.migrate import upgrade
    from pantau.db.session import session_scope
    from pantau.registry.importer import import_registry

    settings = get_settings()
    upgrade(settings)
    with session_scope(settings) as s:
        report = import_registry(s, file, strict=strict, sheet=sheet)
    if report.errors:
        table = Table(title=f"Baris bermasalah di {file}", show_lines=False)
        for col in ("Baris", "Kolom", "Nilai", "Alasan"):
            table.add_column(col)
        for e in report.errors:
            table.add_row(str(e.line), e.column, e.value, e.reason)
        err_console.print(table)
    if report.written:
        console.print(
            f"[green]Registri diimpor[/]: {report.rows} baris dibaca, {report.inserted} baru, "
            f"{report.updated} diperbarui, {report.unchanged} tetap, {report.accounts_added} akun baru, "
            f"{report.rejected_lines} baris ditolak."
        )
    else:
        err_console.print(f"[red]Tidak ada yang disimpan[/] (--strict): {report.rejected_lines} baris salah.")
    if report.errors:
        raise typer.Exit(1)


@app.command("stats")
def stats_cmd() -> None:
    """Jumlah pegawai dan akun per instansi dan platform."""
    from sqlalchemy import func, select

    from pantau.config import get_settings
    from pantau.db.models import Account, Person
    from pantau.db.session import session_scope

    with session_scope(get_settings()) as s:
        people = s.execute(select(Person.agency, func.count()).group_by(Person.agency).order_by(Person.agency)).all()
        accounts = s.execute(select(Account.platform, func.count()).group_by(Account.platform)).all()
    t = Table(title="Pegawai per instansi")
    t.add_column("Instansi")
    t.add_column("Pegawai", justify="right")
    for agency, n in people:
        t.add_row(agency, str(n))
    console.print(t)
    console.print("Akun: " + ", ".join(f"{p} {n}" for p, n in accounts))
