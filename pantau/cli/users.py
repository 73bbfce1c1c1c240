"""``pantau user ...``: accounts of the review web app."""

from __future__ import annotations

import getpass
import sys

import typer

from pantau.cli.common import console, fail

app = typer.Typer(help="Akun pengguna aplikasi tinjauan (analis, supervisor, admin, auditor).",
                  no_args_is_help=True)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no login name in some containers
        return "cli"


@app.command("add")
def add_cmd(
    username: str = typer.Argument(..., help="Nama pengguna (huruf, angka, . _ -)."),
    role: str = typer.Option(..., "--role", help="analis | supervisor | admin | auditor"),
    agency: str = typer.Option(..., "--agency", help="Instansi pengguna (penjaga konflik kepentingan)."),
    unit: str | None = typer.Option(None, "--unit", help="Unit kerja."),
    name: str | None = typer.Option(None, "--name", help="Nama lengkap."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="Baca kata sandi dari baris pertama stdin."),
) -> None:
    """Tambah pengguna; kata sandi ditanyakan (atau dibaca dari stdin)."""
    from pantau.db.session import session_scope
    from review.auth import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Kata sandi", hide_input=True, confirmation_prompt=True,
                                confirmation_prompt_text="Ulangi kata sandi")
    with session_scope() as session:
        user = create_user(session, username=username, role=role, agency=agency, unit=unit,
                           full_name=name, password=password, actor=_actor())
        console.print(f"Pengguna [bold]{user.username}[/] ({user.role.value}, {user.agency}) "
                      "ditambahkan.", highlight=False)


def _set_active(username: str, active: bool) -> None:
    from pantau.db.session import session_scope
    from review.auth import set_active

    with session_scope() as session:
        set_active(session, username, active, actor=_actor())
    console.print(f"Pengguna [bold]{username}[/] {'diaktifkan' if active else 'dinonaktifkan'}.",
                  highlight=False)


@app.command("disable")
def disable_cmd(username: str = typer.Argument(...)) -> None:
    """Nonaktifkan pengguna (sesi yang sedang berjalan ikut berakhir)."""
    _set_active(username, False)


@app.command("enable")
def enable_cmd(username: str = typer.Argument(...)) -> None:
    """Aktifkan kembali pengguna dan buka kunci akunnya."""
    _set_active(username, True)


@app.command("list")
def list_cmd() -> None:
    """Daftar pengguna."""
    from rich.table import Table
    from sqlalchemy import select

    from pantau.db.models import User
    from pantau.db.session import session_scope

    table = Table("Pengguna", "Nama", "Peran", "Instansi", "Unit", "Keadaan")
    with session_scope() as session:
        users = session.execute(select(User).order_by(User.username)).scalars().all()
        if not users:
            fail("Belum ada pengguna. Buat admin pertama: pantau user add admin --role admin "
                 "--agency \"...\"", code=1)
        for u in users:
            state = "aktif" if u.active else "nonaktif"
            if u.locked_until is not None:
                state += f", terkunci s.d. {u.locked_until:%Y-%m-%d %H:%M} UTC"
            table.add_row(u.username, u.full_name, u.role.value, u.agency, u.unit or "—", state)
    console.print(table)
