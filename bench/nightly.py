"""Nightly pipeline benchmark: a simulated province on loopback.

N registered accounts: 70 % own Telegram channels (t.me/s-style pages), 20 % Mastodon
accounts (API JSON), 10 % members of WhatsApp groups (exports dropped in the inbox,
200 members per group); 4 new posts per account per night. The two web "hosts" are served
by a child process (``tests/ops/province.py``), so the CPU measured here is the pipeline's.

Stages are the lead's plain functions (``pantau.pipeline``), as ``flows/nightly.py`` calls
them, with ``http.min_delay_s = 0``: plan → collect (thread pool, like Prefect's default
task runner) → import exports → classify → finish. Politeness is reported separately: the
time the measured request count would take at the configured ``min_delay_s`` per host.

    .venv/bin/python -m bench.nightly --accounts 1000 10000 --db postgresql [--cache-linker]

``--cache-linker`` builds ``pantau.linking.Linker`` once per night instead of once per page
(what the pipeline itself does since 94b729b; before that it built one per page, see
bench/README.md); without it the pipeline runs exactly as committed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTS_PER_ACCOUNT = 4
GROUP_SIZE = 200


@dataclass
class Stage:
    name: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@contextlib.contextmanager
def _measure(stages: list[Stage], name: str) -> Iterator[Stage]:
    stage = Stage(name)
    w, c = time.perf_counter(), _cpu()
    yield stage
    stage.wall_s, stage.cpu_s = time.perf_counter() - w, _cpu() - c
    stages.append(stage)
    print(f"  {name:<10} wall {stage.wall_s:8.1f} s  cpu {stage.cpu_s:8.1f} s  {stage.extra}",
          flush=True)


def _phone(j: int) -> str:
    return f"+62 812-{j // 10000:04d}-{j % 10000:04d}"


def _e164(j: int) -> str:
    return f"+62812{j // 10000:04d}{j % 10000:04d}"


def split(n: int) -> tuple[range, range, range]:
    tg, masto = int(n * 0.7), int(n * 0.2)
    return range(0, tg), range(tg, tg + masto), range(tg + masto, n)


def seed(settings: Any, n: int, tg_url: str, masto_url: str, batch: int = 5000) -> None:
    """People, accounts and sources in bulk (not part of the measured night)."""
    from sqlalchemy import insert, select

    from pantau.db.models import Account, Person, Source
    from pantau.db.session import session_scope
    from tests.ops.province import channel_name, owner_name

    tg, masto, wa = split(n)
    for start in range(0, n, batch):
        js = range(start, min(n, start + batch))
        with session_scope(settings) as s:
            s.execute(insert(Person), [
                {"nip": f"19800101{j:010d}", "name": owner_name(j), "employment_type": "PNS",
                 "agency": f"Dinas {j % 40}", "active": True} for j in js])
            pid = {nip: i for nip, i in s.execute(select(Person.nip, Person.id).where(
                Person.nip.in_([f"19800101{j:010d}" for j in js]))).all()}
            rows = []
            for j in js:
                p = pid[f"19800101{j:010d}"]
                if j in tg:
                    rows.append({"person_id": p, "platform": "telegram", "handle": channel_name(j)})
                elif j in masto:
                    rows.append({"person_id": p, "platform": "mastodon", "handle": f"asn{j}",
                                 "external_id": str(j)})
                else:
                    rows.append({"person_id": p, "platform": "whatsapp", "handle": _e164(j),
                                 "phone": _e164(j)})
            s.execute(insert(Account), [{**r, "verified": True} for r in rows])
            acc = {(pl, h): i for pl, h, i in s.execute(select(
                Account.platform, Account.handle, Account.id).where(Account.person_id.in_(
                    list(pid.values())))).all()}
            sources = []
            for j in js:
                if j in tg:
                    sources.append({"platform": "telegram", "key": channel_name(j),
                                    "account_id": acc[("telegram", channel_name(j))],
                                    "config": {"base_url": f"{tg_url}/s/{channel_name(j)}"}})
                elif j in masto:
                    sources.append({"platform": "mastodon", "key": str(j),
                                    "account_id": acc[("mastodon", f"asn{j}")],
                                    "config": {"base_url": masto_url}})
            if sources:
                s.execute(insert(Source), [{**x, "kind": "channel", "enabled": True}
                                           for x in sources])


def write_exports(inbox: Path, members: range) -> int:
    """WhatsApp group exports: each member sends POSTS_PER_ACCOUNT messages."""
    from tests.ops.province import TEXTS

    inbox.mkdir(parents=True, exist_ok=True)
    files = 0
    js = list(members)
    for g in range(0, len(js), GROUP_SIZE):
        group = js[g:g + GROUP_SIZE]
        lines = [f'01/11/26 07.00 - {_phone(group[0])} membuat grup "Grup OPD {g // GROUP_SIZE}"']
        minute = 0
        for k in range(POSTS_PER_ACCOUNT):
            for j in group:
                minute += 1
                hh, mm = 8 + (minute // 60) % 14, minute % 60
                lines.append(f"0{1 + minute // 840 % 9}/11/26 {hh:02d}.{mm:02d} - {_phone(j)}: "
                             f"{TEXTS[(j + k) % len(TEXTS)]} (wa {j} #{k})")
        (inbox / f"WhatsApp Chat with Grup OPD {g // GROUP_SIZE}.txt").write_text(
            "\n".join(lines) + "\n", encoding="utf-8")
        files += 1
    return files


def _cached_linker() -> Callable[[], None]:
    """Patch pantau.pipeline to build the Linker once per night (proposed fix)."""
    import pantau.pipeline as pipeline
    from pantau.linking import Linker

    cache: dict[str, Any] = {}
    original = pipeline.Linker

    def factory(session: Any, privacy: Any) -> Linker:
        if "l" not in cache:
            cache["l"] = Linker(session, privacy)
        return cache["l"]

    pipeline.Linker = factory  # type: ignore[assignment,misc]

    def undo() -> None:
        pipeline.Linker = original  # type: ignore[misc]
    return undo


@contextlib.contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'bench.db'}"
    else:
        from tests.support.databases import temporary_pg_database

        with temporary_pg_database("pantau_bench") as url:
            yield url


@contextlib.contextmanager
def analyze_every(url: str, period_s: float = 60.0) -> Iterator[None]:
    """ANALYZE periodically while the tables grow, as autovacuum would (it is off on the
    development PostgreSQL here; with stale statistics the dedup lookups in
    ``pantau.store.store_posts`` turn into scans of the whole platform index)."""
    if not url.startswith("postgresql"):
        yield
        return
    import threading

    from sqlalchemy import create_engine, text

    stop = threading.Event()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")

    def loop() -> None:
        while not stop.wait(period_s):
            with contextlib.suppress(Exception), engine.connect() as conn:
                conn.execute(text("ANALYZE"))

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        engine.dispose()


@contextlib.contextmanager
def province_servers(n: int) -> Iterator[tuple[list[str], subprocess.Popen[str]]]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.ops.province", str(n),
                             str(POSTS_PER_ACCOUNT), "2"], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        urls = [proc.stdout.readline().strip() for _ in range(2)]
        yield urls, proc
    finally:
        proc.kill()
        proc.wait()


def run_night(n: int, db_kind: str, threads: int, cache_linker: bool,
              min_delay_s: float) -> dict[str, Any]:
    from pantau.config import reset_settings_cache

    stages: list[Stage] = []
    with tempfile.TemporaryDirectory(prefix="pantau-bench-") as tmpdir:
        tmp = Path(tmpdir)
        with database(db_kind, tmp) as url, province_servers(n) as (urls, server), \
                analyze_every(url):
            tg_url, masto_url = urls
            os.environ.update({
                "PANTAU_DATABASE_URL": url, "PANTAU_DATA_DIR": str(tmp / "var"),
                "PANTAU_HTTP__MIN_DELAY_S": "0",
                "PANTAU_HTTP__ALLOW_PRIVATE_HOSTS": '["127.0.0.1"]',
                "PANTAU_SOURCES__MASTODON__ENABLED": "true",
                "PANTAU_CONFIG": str(tmp / "absent.toml"),
            })
            reset_settings_cache()
            from pantau import pipeline
            from pantau.config import get_settings
            from pantau.db.migrate import upgrade
            from pantau.db.session import dispose_engines

            settings = get_settings()
            t0 = time.perf_counter()
            upgrade(settings)
            seed(settings, n, tg_url, masto_url)
            files = write_exports(settings.data_dir / "inbox" / "whatsapp", split(n)[2])
            setup_s = time.perf_counter() - t0
            undo = _cached_linker() if cache_linker else (lambda: None)
            started = __import__("pantau.db.types", fromlist=["utcnow"]).utcnow()
            try:
                with _measure(stages, "plan") as st:
                    run_id = pipeline.start_run(settings, "nightly")
                    plans = pipeline.plan_sources(settings)
                    st.extra["sources"] = len(plans)
                with _measure(stages, "collect") as st:
                    def one(plan: pipeline.PlannedSource) -> pipeline.SourceSummary:
                        try:
                            return pipeline.collect_source(settings, run_id, plan)
                        except Exception as exc:
                            return pipeline.SourceSummary(plan.label, plan.collector,
                                                          status="failed", errors=[str(exc)])
                    with ThreadPoolExecutor(threads) as pool:
                        sources = list(pool.map(one, plans))
                    st.extra["new"] = sum(x.new for x in sources)
                    st.extra["failed"] = sum(x.status == "failed" for x in sources)
                with _measure(stages, "import") as st:
                    imported = pipeline.import_inbox(settings, run_id)
                    st.extra["files"] = files
                    st.extra["new"] = sum(x.new for x in imported)
                with _measure(stages, "classify") as st:
                    cls = pipeline.classify_new(settings, run_id)
                    st.extra.update(classified=cls.classified, flagged=cls.flagged,
                                    model=cls.model_version)
                with _measure(stages, "finish"):
                    summary = pipeline.finish_run(settings, run_id, [*sources, *imported], cls,
                                                  started)
            finally:
                undo()
                pipeline.close_clients()
            stats = [httpx.get(f"{u}/_stats", timeout=10).json() for u in urls]
            dispose_engines()
    total_wall = sum(s.wall_s for s in stages)
    total_cpu = sum(s.cpu_s for s in stages)
    posts = summary["totals"]["new"]
    hosts = {"telegram": stats[0], "mastodon": stats[1]}
    return {
        "accounts": n, "db": db_kind, "threads": threads, "cache_linker": cache_linker,
        "setup_s": round(setup_s, 1), "posts_new": posts,
        "expected_posts": n * POSTS_PER_ACCOUNT,
        "failed_sources": summary["totals"]["failed_sources"],
        "stages": {s.name: {"wall_s": round(s.wall_s, 2), "cpu_s": round(s.cpu_s, 2), **s.extra}
                   for s in stages},
        "wall_s": round(total_wall, 1), "cpu_s": round(total_cpu, 1),
        "posts_per_s": round(posts / total_wall, 1) if total_wall else None,
        "cpu_ms_per_account": round(1000 * total_cpu / n, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "hosts": {k: {"requests": v["page_requests"],
                      "rate_per_s": round(v["rate_per_s"] or 0, 1),
                      "politeness_wait_h": round(v["page_requests"] * min_delay_s / 3600, 2)}
                  for k, v in hosts.items()},
    }


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPU ({cpu}), Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, nargs="+", default=[1000])
    ap.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--cache-linker", action="store_true")
    ap.add_argument("--min-delay", type=float, default=2.0,
                    help="politeness per host used for the separate estimate (settings default)")
    ap.add_argument("--json", type=Path, help="append one JSON line per run here")
    args = ap.parse_args()
    print(machine(), flush=True)
    for n in args.accounts:
        print(f"N = {n} accounts ({args.db}, cache_linker={args.cache_linker})", flush=True)
        result = run_night(n, args.db, args.threads, args.cache_linker, args.min_delay)
        result["machine"] = machine()
        print(json.dumps(result), flush=True)
        if args.json:
            with args.json.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
