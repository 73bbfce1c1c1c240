"""``pantau serve``: run the review web app with uvicorn."""

from __future__ import annotations

import typer

from pantau.cli.common import err_console


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Alamat dengar."),
    port: int = typer.Option(8000, "--port", help="Port."),
    workers: int = typer.Option(1, "--workers", min=1, help="Jumlah proses uvicorn."),
) -> None:
    """Jalankan aplikasi web tinjauan (antrean, keputusan, dasbor, log audit)."""
    import uvicorn

    from pantau.config import get_settings
    from pantau.db.migrate import is_up_to_date
    from pantau.db.session import check_connection

    settings = get_settings()
    check_connection(settings)
    if not is_up_to_date(settings):
        err_console.print("[bold red]Galat:[/] skema basis data belum mutakhir; jalankan "
                          "`pantau db upgrade` dahulu.", highlight=False)
        raise typer.Exit(2)
    if settings.review.secret_key.get_secret_value() == "ganti-kunci-rahasia-ini":
        if host not in ("127.0.0.1", "localhost", "::1"):
            err_console.print("[bold red]Galat:[/] review.secret_key masih bawaan; setel "
                              "PANTAU_REVIEW__SECRET_KEY sebelum membuka akses jaringan.",
                              highlight=False)
            raise typer.Exit(2)
        err_console.print("[yellow]Peringatan:[/] review.secret_key masih bawaan "
                          "(hanya aman di loopback).", highlight=False)
    if workers > 1:
        uvicorn.run("review.app:create_app", factory=True, host=host, port=port,
                    workers=workers, proxy_headers=True)
    else:
        from review.app import create_app

        uvicorn.run(create_app(settings), host=host, port=port, proxy_headers=True)
