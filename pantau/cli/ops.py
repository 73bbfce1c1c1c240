"""Operations commands: ``pantau deploy``, ``pantau doctor``, ``pantau retention run``,
``pantau notify test``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from pantau.cli.common import console, err_console

retention_app = typer.Typer(help="Retensi data (UU 27/2022).", no_args_is_help=True)
notify_app = typer.Typer(help="Notifikasi hasil pengumpulan malam.", no_args_is_help=True)


def deploy_cmd(
    shards: int = typer.Option(1, "--shards", min=1, help="Jumlah shard pengumpulan malam."),
    pool: str = typer.Option("pantau", "--pool", help="Nama work pool Prefect."),
    source: str = typer.Option("", "--source",
                               help="Folder proyek atau URL git (bawaan: folder proyek ini)."),
    paused: bool = typer.Option(False, "--paused", help="Buat jadwal dalam keadaan dijeda."),
) -> None:
    """Buat/perbarui deployment Prefect (nightly, shard, retensi, pemeriksaan ulang)."""
    from pantau.config import PROJECT_ROOT, get_settings
    from pantau.ops.deploy import configured_hosts, deploy_all
    from pantau.ops.limits import prefect_api_configured

    if not prefect_api_configured():
        err_console.print("[bold red]Galat:[/] PREFECT_API_URL belum diisi. Jalankan server Prefect "
                          "dan isi PREFECT_API_URL (lihat deploy/README.md).")
        raise typer.Exit(2)
    settings = get_settings()
    results = deploy_all(settings, shard_count=shards, source=source or PROJECT_ROOT, pool=pool,
                         paused=paused, hosts=configured_hosts(settings))
    for r in results:
        if r.skipped:
            console.print(f"[yellow]LEWATI[/] {r.entrypoint}: {r.skipped}")
        else:
            when = f"jadwal '{r.cron}' ({settings.timezone})" if r.cron else "tanpa jadwal"
            console.print(f"[green]OK[/]    {r.full_name} ← {r.entrypoint}, {when}")
    console.print(f"Jalankan worker: prefect worker start --pool {pool}")


def doctor_cmd(
    no_model: bool = typer.Option(False, "--no-model", help="Lewati pemuatan model."),
) -> None:
    """Periksa kesiapan: konfigurasi, basis data, model, sumber, Prefect, ruang disk."""
    from pantau.ops.doctor import Status, failed, run_checks

    checks = run_checks(model=not no_model)
    colour = {Status.OK: "green", Status.WARN: "yellow", Status.FAIL: "bold red"}
    for c in checks:
        line = c.line().replace("[", r"\[", 1)
        console.print(f"[{colour[c.status]}]{line}[/]", highlight=False)
    if failed(checks):
        console.print("Ada pemeriksaan yang GAGAL: perbaiki sebelum pengumpulan malam.")
        raise typer.Exit(1)
    console.print("Semua pemeriksaan penting lulus.")


@retention_app.command("run")
def retention_run_cmd(
    dry_run: bool = typer.Option(False, "--dry-run", help="Hanya tampilkan, tanpa menghapus."),
    json_out: Path | None = typer.Option(None, "--json", help="Simpan laporan lengkap (JSON)."),
) -> None:
    """Terapkan aturan retensi sekarang (setiap penghapusan dicatat di log audit)."""
    from pantau.ops.retention import format_report, run_retention

    report = run_retention(dry_run=dry_run)
    console.print(format_report(report), highlight=False)
    if json_out:
        json_out.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2),
                            encoding="utf-8")


@notify_app.command("test")
def notify_test_cmd() -> None:
    """Kirim pesan uji ke semua kanal notifikasi yang dikonfigurasi."""
    from pantau.config import get_settings
    from pantau.ops.notify import channels, notify_run

    settings = get_settings()
    if not channels(settings.notify):
        err_console.print("[bold red]Galat:[/] belum ada kanal notifikasi: isi [notify] smtp_host + "
                          "mail_to dan/atau telegram_bot_token + telegram_chat_id.")
        raise typer.Exit(2)
    result = notify_run({"status": "uji", "collected": 0, "errors": []}, settings)
    for channel, outcome in result.items():
        console.print(f"{channel}: {outcome}", highlight=False)
    if any(v != "ok" for v in result.values()):
        raise typer.Exit(1)
