"""A real Prefect server (on a temporary PostgreSQL database) and real workers, for tests.

Every process is started in its own process group and killed (group-wide) on exit.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from pantau.config import PROJECT_ROOT
from tests.support.databases import temporary_pg_database

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prefect_env(home: Path, api_url: str | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PYTHONPATH": str(PROJECT_ROOT),
    })
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra)
    return env


@dataclass
class PrefectStack:
    api_url: str
    home: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def start_worker(self, name: str, env: dict[str, str], pool: str = "pantau") -> None:
        log = self.home / f"worker-{name}.log"
        self.logs.append(log)
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [str(BIN / "prefect"), "worker", "start", "--pool", pool, "--type", "process",
                 "--name", name, "--prefetch-seconds", "5"],
                env={**prefect_env(self.home, self.api_url), **env}, cwd=PROJECT_ROOT,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)

    def tail_logs(self, chars: int = 3000) -> str:
        out = []
        for log in self.logs:
            if log.exists():
                out.append(f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}")
        return "\n".join(out)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + 15
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@contextmanager
def prefect_server(home: Path, timeout_s: float = 90) -> Iterator[PrefectStack]:
    """``prefect server start`` on a fresh PostgreSQL database; yields once /api/health is OK."""
    home.mkdir(parents=True, exist_ok=True)
    with temporary_pg_database("prefect_test") as url:
        db_url = make_url(url).set(drivername="postgresql+asyncpg").render_as_string(
            hide_password=False)
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        stack = PrefectStack(api, home)
        log = home / "server.log"
        stack.logs.append(log)
        env = prefect_env(home, None, PREFECT_API_DATABASE_CONNECTION_URL=db_url,
                          PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false",
                          PREFECT_SERVER_UI_ENABLED="false")
        with open(log, "wb") as out:
            stack.procs.append(subprocess.Popen(
                [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                 str(port), "--no-ui", "--no-scheduler", "--analytics-off"],
                env=env, cwd=home, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if stack.procs[0].poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("Prefect server did not start:\n" + stack.tail_logs())
                time.sleep(0.5)
            yield stack
        finally:
            stack.stop()
