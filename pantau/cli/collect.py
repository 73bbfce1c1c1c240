"""``pantau import ...``, ``pantau tip``, ``pantau posts export``, ``pantau source ...``."""

from __future__ import annotations

import csv
from datetime import date, datetime, time
from pathlib import Path

import typer
from rich.table import Table

from pantau.cli.common import console, fail

import_app = typer.Typer(help="Impor ekspor grup WhatsApp/Telegram.", no_args_is_help=True)
posts_app = typer.Typer(help="Pos yang tersimpan.", no_args_is_help=True)
source_app = typer.Typer(help="Sumber yang dipantau (kanal, umpan RSS, video).", no_args_is_help=True)


def _import(kind: str, file: Path, group: str | None, actor: str) -> None:
    from pantau.config import get_settings
    from pantau.db.migrate import upgrade
    from pantau.db.session import session_scope
    from pantau.imports import import_export
    from pantau.pipeline import classify_new

    settings = get_settings()
    upgrade(settings)
    with session_scope(settings) as s:
        res = import_export(s, file, kind, settings, group=group, actor=actor)  # type: ignore[arg-type]
    if res.already_imported:
        console.print(f"Berkas ini sudah pernah diimpor (SHA-256 {res.sha256[:16]}…); tidak ada yang ditambahkan.")
        return
    console.print(
        f"[green]Diimpor[/] {file.name} (SHA-256 {res.sha256}): {res.messages} pesan; "
        f"{res.registered} dari ASN terdaftar, {res.pending} menunggu konfirmasi nama, "
        f"{res.context} konteks tersamarkan, {res.dropped} dibuang (bukan ASN terdaftar); "
        f"{res.stored.new} baru, {res.stored.duplicates} duplikat."
    )
    cls = classify_new(settings, actor=actor)
    console.print(f"Klasifikasi: {cls.classified} pos, {cls.flagged} ditandai, {cls.queued} masuk antrean tinjauan.")


@import_app.command("whatsapp")
def import_whatsapp(file: Path, group: str | None = typer.Option(None, "--group", help="Nama grup."),
                    actor: str = typer.Option("cli", "--oleh", help="Siapa yang mengimpor.")) -> None:
    """Impor ekspor obrolan WhatsApp (.txt, Android/iOS, bahasa Indonesia/Inggris)."""
    _import("whatsapp", file, group, actor)


@import_app.command("telegram")
def import_telegram(file: Path, actor: str = typer.Option("cli", "--oleh", help="Siapa yang mengimpor.")) -> None:
    """Impor ekspor Telegram Desktop (result.json)."""
    _import("telegram", file, None, actor)


def tip_command(url: str = typer.Argument(..., help="Tautan yang dilaporkan."),
                note: str | None = typer.Option(None, "--note", "--catatan", help="Catatan pelapor."),
                actor: str = typer.Option("cli", "--oleh")) -> None:
    """Aduan warga: ambil tautan, arsipkan, dan masukkan ke antrean tinjauan."""
    from pantau.config import get_settings
    from pantau.db.migrate import upgrade
    from pantau.tips import submit_tip

    settings = get_settings()
    upgrade(settings)
    res = submit_tip(settings, url, note=note, actor=actor)
    console.print(f"[green]Aduan disimpan[/]: pos #{res.post_id}, butir tinjauan #{res.item_id} "
                  f"(arsip SHA-256 {res.sha256[:16]}…).")


@posts_app.command("export")
def posts_export(
    out: Path = typer.Option(..., "--out", help="Berkas CSV keluaran."),
    source: str | None = typer.Option(None, "--source", help="Platform atau nama sumber/grup."),
    since: str | None = typer.Option(None, "--since", help="Sejak tanggal (YYYY-MM-DD, zona kantor)."),
) -> None:
    """Ekspor pos tersimpan ke CSV (satu baris per pos)."""
    from sqlalchemy import or_, select
    from sqlalchemy.orm import joinedload

    from pantau.config import get_settings
    from pantau.db.models import Capture, ImportFile, Post, Source
    from pantau.db.session import session_scope

    settings = get_settings()
    stmt = select(Post).options(joinedload(Post.source), joinedload(Post.person)).order_by(Post.posted_at, Post.id)
    if source:
        stmt = stmt.outerjoin(Source, Post.source_id == Source.id).where(
            or_(Post.platform == source, Source.key == source, Source.name == source))
    if since:
        try:
            day = date.fromisoformat(since)
        except ValueError:
            fail(f"--since harus tanggal YYYY-MM-DD, didapat {since!r}")
        stmt = stmt.where(Post.posted_at >= datetime.combine(day, time.min, tzinfo=settings.tz))
    n = 0
    with session_scope(settings) as s, out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "platform", "source", "author", "person", "posted_at", "text", "capture_sha256"])
        for post in s.execute(stmt).unique().scalars():
            sha = None
            if post.capture_id:
                sha = s.get(Capture, post.capture_id).sha256  # type: ignore[union-attr]
            elif post.import_id:
                sha = s.get(ImportFile, post.import_id).sha256  # type: ignore[union-attr]
            person = f"{post.person.name} ({post.match_status})" if post.person else ""
            w.writerow([post.id, post.platform, post.source.name if post.source else "", post.author_name or "",
                        person, post.posted_at.astimezone(settings.tz).isoformat(), post.text or "", sha or ""])
            n += 1
    console.print(f"{n} pos diekspor ke {out}")


@source_app.command("add")
def source_add(platform: str = typer.Argument(..., help="telegram | mastodon | x | youtube | web"),
               key: str = typer.Argument(..., help="Nama kanal, akun, ID video/kanal, atau URL umpan."),
               kind: str = typer.Option("channel", help="channel | account | video | feed"),
               name: str | None = typer.Option(None)) -> None:
    """Tambahkan sumber yang dipantau (mis. kanal Telegram grup diskusi, umpan RSS)."""
    from pantau.config import get_settings
    from pantau.db.migrate import upgrade
    from pantau.db.session import session_scope
    from pantau.store import get_or_create_source

    settings = get_settings()
    upgrade(settings)
    with session_scope(settings) as s:
        src = get_or_create_source(s, platform, key, kind=kind, name=name)
        console.print(f"Sumber #{src.id}: {platform} {key} ({kind})")


@source_app.command("list")
def source_list() -> None:
    """Daftar sumber dengan kursor terakhir."""
    from sqlalchemy import select

    from pantau.config import get_settings
    from pantau.db.models import Source
    from pantau.db.session import session_scope

    t = Table(title="Sumber")
    for col in ("#", "Platform", "Kunci", "Jenis", "Aktif", "Kursor"):
        t.add_column(col)
    with session_scope(get_settings()) as s:
        for src in s.execute(select(Source).order_by(Source.id)).scalars():
            t.add_row(str(src.id), src.platform, src.key, src.kind, "ya" if src.enabled else "tidak", src.cursor or "—")
    console.print(t)
