"""``pantau evidence ...``, ``pantau keys ...``, ``pantau report ...``: evidence packets,
the office signing key, and reports (Bawaslu/BKN forms, daily report, queue export)."""

from __future__ import annotations

import getpass
from datetime import date, datetime
from pathlib import Path

import typer

from pantau.cli.common import console, err_console, fail

app = typer.Typer(help="Paket bukti: ekspor dan periksa.", no_args_is_help=True)
keys_app = typer.Typer(help="Kunci tanda tangan elektronik kantor.", no_args_is_help=True)
report_app = typer.Typer(help="Laporan: formulir Bawaslu/BKN, laporan harian, ekspor antrean.",
                         no_args_is_help=True)


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


@app.command("export")
def export_cmd(
    case: int = typer.Argument(..., help="Nomor kasus (id butir tinjauan)."),
    out: Path = typer.Option(Path("."), "--out", help="Folder tujuan."),
    tsa_url: str | None = typer.Option(None, "--tsa-url", envvar="PANTAU_TSA_URL",
                                       help="URL TSA RFC 3161 (opsional)."),
    actor: str | None = typer.Option(None, "--actor", help="Nama pelaku untuk log audit."),
) -> None:
    """Buat paket bukti bertanda tangan (ZIP) untuk satu kasus."""
    from pantau.db.session import session_scope
    from review.evidence.packet import build_packet

    with session_scope() as session:
        res = build_packet(session, case, out, actor=_actor(actor), tsa_url=tsa_url)
    console.print(f"Paket bukti kasus {case}: {res.path}")
    console.print(f"SHA-256: {res.sha256}")
    console.print("Isi: " + ", ".join(res.files))


@app.command("verify")
def verify_cmd(
    file: Path = typer.Argument(..., help="Berkas ZIP paket bukti (atau folder hasil ekstrak)."),
    public_key: Path | None = typer.Option(None, "--kunci", help="Kunci publik kantor (PEM)."),
) -> None:
    """Periksa semua hash dan tanda tangan paket bukti. Kode keluar 1 bila ada selisih."""
    from review.evidence.signing import public_key_path
    from review.evidence.verify import verify_packet

    if not file.exists():
        fail(f"berkas tidak ditemukan: {file}")
    key = public_key.read_bytes() if public_key else None
    office = None
    if key is None:
        try:
            office = public_key_path()
        except Exception:  # noqa: BLE001 - no usable settings: fall back to the packet's key
            office = None
    res = verify_packet(file, public_key=key, office_key=office)
    if res.problems:
        for p in res.problems:
            err_console.print(f"[bold red]TIDAK COCOK[/] {p}", highlight=False)
        err_console.print(f"Paket {file.name} TIDAK utuh ({len(res.problems)} masalah).")
        raise typer.Exit(1)
    console.print(f"Paket {file.name} utuh: {res.files} berkas cocok dengan manifest, tanda "
                  f"tangan sah (kasus {res.case_id}).")
    console.print(f"Kunci: {res.key_source}; sidik jari {res.fingerprint}")


@app.command("recheck")
def recheck_cmd(limit: int | None = typer.Option(None, "--limit")) -> None:
    """Periksa ulang unggahan yang ditandai/terkonfirmasi di sumbernya (dihapus/diubah)."""
    from collections import Counter

    from pantau.db.session import session_scope
    from pantau.recheck import polite_fetch, recheck_all

    with session_scope() as session:
        results = recheck_all(session, polite_fetch(), limit=limit)
    counts = Counter(r.outcome for r in results)
    console.print(f"Diperiksa ulang: {len(results)} — " +
                  ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))


@keys_app.command("init")
def keys_init_cmd(force: bool = typer.Option(False, "--force", help="Ganti kunci yang ada.")
                  ) -> None:
    """Buat pasangan kunci Ed25519 kantor (kunci privat berizin 0600)."""
    from review.evidence.signing import fingerprint, init_keys

    priv, pub = init_keys(force=force)
    console.print(f"Kunci privat: {priv} (izin 0600 — jangan dibagikan)")
    console.print(f"Kunci publik: {pub}")
    console.print(f"Sidik jari: {fingerprint(pub.read_bytes())} — umumkan kepada penerima "
                  "laporan agar mereka dapat memeriksa paket.")


@report_app.command("form")
def form_cmd(
    case: int = typer.Argument(..., help="Nomor kasus."),
    kind: str = typer.Option(..., "--kind", help="bawaslu | bkn"),
    out: Path = typer.Option(Path("."), "--out"),
) -> None:
    """Formulir laporan Bawaslu atau BKN (PDF dan JSON) yang terisi dari data kasus."""
    from pantau.db.session import session_scope
    from review.reports.forms import KINDS, build_form

    if kind not in KINDS:
        fail(f"--kind harus salah satu dari: {', '.join(KINDS)}")
    with session_scope() as session:
        pdf, js = build_form(session, case, kind, out)  # type: ignore[arg-type]
    console.print(f"Formulir {kind}: {pdf}, {js}")


@report_app.command("daily")
def daily_cmd(
    day: str | None = typer.Option(None, "--date", help="YYYY-MM-DD (baku: hari ini)."),
    out: Path = typer.Option(Path("."), "--out"),
) -> None:
    """Laporan harian (XLSX dan PDF) untuk Kepala Kesbangpol."""
    from pantau.config import get_settings
    from pantau.db.session import session_scope
    from review.reports.daily import build_daily

    settings = get_settings()
    try:
        the_day = date.fromisoformat(day) if day else datetime.now(settings.tz).date()
    except ValueError:
        fail(f"--date tidak valid: {day!r} (format YYYY-MM-DD)")
        return
    with session_scope() as session:
        xlsx, pdf = build_daily(session, the_day, out, settings)
    console.print(f"Laporan harian {the_day}: {xlsx}, {pdf}")


@report_app.command("queue")
def queue_cmd(
    out: Path = typer.Option(..., "--out", help="Berkas .csv atau .xlsx"),
    status: list[str] = typer.Option([], "--status"),
    category: list[str] = typer.Option([], "--category"),
    platform: list[str] = typer.Option([], "--platform"),
    unit: str | None = typer.Option(None, "--unit"),
    election: str | None = typer.Option(None, "--election"),
    since: str | None = typer.Option(None, "--since", help="diketahui sejak (YYYY-MM-DD)"),
    until: str | None = typer.Option(None, "--until", help="diketahui sampai (YYYY-MM-DD)"),
) -> None:
    """Ekspor antrean tinjauan dengan filter ke CSV atau XLSX."""
    from pantau.db.session import session_scope
    from review.reports.queue import export_queue

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        fail(f"{out}: akhiran berkas harus .csv atau .xlsx")
    filters = {"status": status, "category": category, "platform": platform, "unit": unit,
               "election": election, "since": since, "until": until}
    with session_scope() as session:
        data = export_queue(session, filters, fmt)  # type: ignore[arg-type]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    console.print(f"Antrean diekspor ke {out} ({len(data)} bita)")
