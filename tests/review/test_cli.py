"""``pantau user``, ``pantau audit verify``."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import Settings
from pantau.db.models import AuditEvent, Role, User
from pantau.db.session import session_scope
from review.auth import verify_password


def test_user_commands_and_audit_verify(db: Settings) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["user", "add", "admin", "--role", "admin", "--agency",
                            "Kesbangpol Kalbar", "--name", "Admin Satu", "--password-stdin"],
                      input="sandi-admin-yang-panjang\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "add", "admin", "--role", "admin", "--agency", "X",
                            "--password-stdin"], input="sandi-admin-yang-panjang\n")
    assert r.exit_code != 0
    r = runner.invoke(app, ["user", "add", "ani", "--role", "ketua", "--agency", "X",
                            "--password-stdin"], input="sandi-admin-yang-panjang\n")
    assert r.exit_code != 0
    with session_scope(db) as s:
        u = s.execute(select(User).where(User.username == "admin")).scalar_one()
        assert u.role == Role.ADMIN and u.full_name == "Admin Satu"
        assert u.password_hash.startswith("$argon2")
        assert verify_password(u.password_hash, "sandi-admin-yang-panjang")
    r = runner.invoke(app, ["user", "list"])
    assert r.exit_code == 0 and "admin" in r.output and "aktif" in r.output
    r = runner.invoke(app, ["user", "disable", "admin"])
    assert r.exit_code == 0
    r = runner.invoke(app, ["user", "list"])
    assert "nonaktif" in r.output
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 0 and "OK" in r.output
    with session_scope(db) as s:
        ev = s.execute(select(AuditEvent).order_by(AuditEvent.id).limit(1)).scalar_one()
        ev.actor = "penyusup"
    r = runner.invoke(app, ["audit", "verify"])
    assert r.exit_code == 1 and "RUSAK" in r.output


def test_serve_refuses_default_secret_on_network(db: Settings) -> None:
    from pantau.db.migrate import upgrade

    upgrade(db)
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert r.exit_code == 2 and "secret_key" in r.output
