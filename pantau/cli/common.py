"""What every command shares: the console, and turning known errors into clear messages."""

from __future__ import annotations

import sys

from rich.console import Console

# Logs and CI are not terminals: give tables room instead of Rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)

def user_errors() -> tuple[type[BaseException], ...]:
    """Errors whose message is meant for the user: printed without a traceback, exit code 2."""
    from pantau.config import ConfigError
    from pantau.db.session import DatabaseError
    from pantau.errors import PantauError
    from scrapers.base import ParseError

    return (ConfigError, DatabaseError, ParseError, PantauError)


def fail(message: str, code: int = 2) -> None:
    import typer

    err_console.print(f"[bold red]Galat:[/] {message}", highlight=False)
    raise typer.Exit(code)
