"""``pantau run nightly`` and ``pantau schedule serve``."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from pantau.cli.common import console

run_app = typer.Typer(help="Jalankan alur kerja sekarang.", no_args_is_help=True)
schedule_app = typer.Typer(help="Jadwal alur kerja (server Prefect).", no_args_is_help=True)


SOURCE_NAMES = {
    "telegram_web": "Kanal Telegram", "telegram_export": "Ekspor Telegram", "whatsapp_export": "Ekspor WhatsApp",
    "mastodon": "Mastodon", "x": "X", "youtube": "Komentar YouTube", "rss": "RSS/Web", "tips": "Aduan warga",
}


def source_title(label: str) -> str:
    collector, _, key = label.partition(":")
    return f"{SOURCE_NAMES.get(collector, collector)}: {key}"


def print_summary(summary: dict[str, Any]) -> None:
    """The nightly summary as a table: per source collected, new, flagged, queued."""
    classify = summary.get("classify") or {}
    flagged_by = {str(k): v for k, v in (classify.get("flagged_by_source") or {}).items()}
    table = Table(title=f"Ringkasan alur malam #{summary['run_id']} ({summary['duration_s']} detik)")
    for col, just in (("Sumber", "left"), ("Terkumpul", "right"), ("Baru", "right"), ("Ditandai", "right"),
                      ("Status", "left")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for src in summary["sources"]:
        status = {"ok": "[green]ok[/]", "failed": "[red]gagal[/]", "stopped": "[yellow]berhenti (kuota)[/]"}.get(
            src["status"], src["status"])
        if src["errors"]:
            status += " — " + "; ".join(e[:120] for e in src["errors"][:2])
        table.add_row(source_title(src["label"]), str(src["collected"]), str(src["new"]),
                      str(flagged_by.get(str(src.get("source_id")), 0)), status)
    t = summary["totals"]
    table.add_section()
    table.add_row("[bold]Jumlah[/]", str(t["collected"]), str(t["new"]), str(t["flagged"]),
                  f"{t['queued']} masuk antrean tinjauan")
    console.print(table)
    if classify:
        console.print(f"Model: {classify.get('model_version')} — {classify.get('classified')} pos diklasifikasi.")


@run_app.command("nightly")
def run_nightly(shard_index: int = typer.Option(0, help="Indeks pecahan (0..n-1)."),
                shard_count: int = typer.Option(1, help="Jumlah pecahan.")) -> None:
    """Jalankan alur malam sekarang: kumpulkan → simpan → klasifikasi → antrean."""
    from pantau.config import get_settings
    from pantau.db.migrate import upgrade

    upgrade(get_settings())
    from flows.nightly import nightly

    summary = nightly(shard_index=shard_index, shard_count=shard_count, notify=True)
    print_summary(summary)
    if summary["totals"]["failed_sources"]:
        raise typer.Exit(1)


@schedule_app.command("serve")
def schedule_serve() -> None:
    """Layani jadwal (bawaan 01.00 WIB) pada server Prefect (PREFECT_API_URL)."""
    import os

    from pantau.config import get_settings
    from pantau.db.migrate import upgrade

    settings = get_settings()
    upgrade(settings)
    if not os.environ.get("PREFECT_API_URL"):
        console.print("[yellow]PREFECT_API_URL belum diatur[/]: jalankan `prefect server start` lalu "
                      "`export PREFECT_API_URL=http://127.0.0.1:4200/api`.")
        raise typer.Exit(2)
    from prefect import serve
    from prefect.schedules import Cron

    from flows.nightly import nightly

    deployments = [nightly.to_deployment(name="nightly", parameters={"notify": True},
                                         schedules=[Cron(settings.schedule.nightly_cron, timezone=settings.timezone)])]
    extra = (("flows.retention", "retention", "30 3 * * *"), ("flows.recheck", "recheck", "0 5 * * *"))
    for module, attr, cron in extra:
        try:
            flow_obj = getattr(__import__(module, fromlist=[attr]), attr)
        except (ImportError, AttributeError):
            continue
        deployments.append(flow_obj.to_deployment(name=attr, schedules=[Cron(cron, timezone=settings.timezone)]))
    console.print(f"Melayani {len(deployments)} jadwal (alur malam: '{settings.schedule.nightly_cron}' "
                  f"{settings.timezone}).")
    serve(*deployments)
