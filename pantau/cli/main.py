"""Entry point of the ``pantau`` command."""

from __future__ import annotations

import sys

import typer

from pantau.cli import audit as audit_cli
from pantau.cli import collect, demo, registry, run
from pantau.cli import db as db_cli
from pantau.cli import evidence as evidence_cli
from pantau.cli import model as model_cli
from pantau.cli import ops as ops_cli
from pantau.cli import serve as serve_cli
from pantau.cli import users as users_cli
from pantau.cli.common import err_console, user_errors

app = typer.Typer(
    name="pantau",
    help="pantau — pemantauan netralitas ASN: kumpulkan, klasifikasi, tinjau, ekspor bukti.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_cli.app, name="db")
app.add_typer(evidence_cli.app, name="evidence")
app.add_typer(evidence_cli.keys_app, name="keys")
app.add_typer(evidence_cli.report_app, name="report")
app.add_typer(users_cli.app, name="user")
app.add_typer(audit_cli.app, name="audit")
app.command("serve")(serve_cli.serve_cmd)
app.command("deploy")(ops_cli.deploy_cmd)
app.command("doctor")(ops_cli.doctor_cmd)
app.add_typer(ops_cli.retention_app, name="retention")
app.add_typer(ops_cli.notify_app, name="notify")
app.add_typer(registry.app, name="registry")
app.add_typer(collect.import_app, name="import")
app.add_typer(collect.posts_app, name="posts")
app.add_typer(collect.source_app, name="source")
app.command("tip")(collect.tip_command)
app.add_typer(run.run_app, name="run")
app.add_typer(run.schedule_app, name="schedule")
app.command("demo")(demo.demo_command)
app.command("classify")(model_cli.classify_command)
app.add_typer(model_cli.model_app, name="model")


def main() -> None:
    try:
        app(standalone_mode=True)
    except user_errors() as exc:
        err_console.print(f"[bold red]Galat:[/] {exc}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
