"""``pantau demo``."""

from __future__ import annotations

from pathlib import Path

import typer

from pantau.cli.common import console


def demo_command(
    data_dir: Path | None = typer.Option(None, "--dir", help="Folder data demo (bawaan var/demo)."),
) -> None:
    """Demo lengkap tanpa internet: registri contoh, kanal lokal, ekspor WA & Telegram, alur malam."""
    from pantau.cli.run import print_summary
    from pantau.demo import run_demo

    console.rule("[bold]pantau — demo luring[/]")
    console.print("Data contoh memakai ASN [bold]fiktif[/]. Hasil klasifikasi adalah [bold]dugaan[/] untuk ditinjau "
                  "manusia, bukan keputusan.")
    result = run_demo(data_dir)
    console.print(f"Registri contoh: {result.registry_rows} pegawai diimpor.")
    print_summary(result.first)
    again = result.second["totals"]
    console.print(f"Jalankan ulang pada data yang sama: {again['collected']} pos terbaca, "
                  f"[bold]{again['new']} baru[/], "
                  f"{again['queued']} antrean baru — tanpa duplikat.")
    console.print(f"\nData demo tersimpan di [bold]{result.data_dir}[/] (basis data pantau.db, arsip WARC di "
                  "archive/warc, salinan ekspor di imports/).")
    console.print("Buka antrean tinjauan:\n"
                  f"  export PANTAU_DATA_DIR={result.data_dir}\n"
                  "  pantau user add admin --role admin --agency \"Kesbangpol Provinsi\"\n"
                  "  pantau serve   # lalu buka http://127.0.0.1:8000")
