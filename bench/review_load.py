"""Load test of the review queue page.

Starts the review app with uvicorn (a separate process) on loopback, against a fresh
database holding N flagged items, signs in one analyst per worker and sends a bounded
number of concurrent GET /antrean requests. Prints requests/s and latency percentiles.

    .venv/bin/python bench/review_load.py --items 500 --workers 20 --requests 200
    .venv/bin/python bench/review_load.py --db postgresql+psycopg://postgres@127.0.0.1/bench

Without ``--db`` a temporary SQLite file is used. With ``--db`` the database must be empty
or disposable: the script migrates it and adds its own rows.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-sandi-panjang"
UNITS = ["Dinas Pendidikan", "Dinas Kesehatan", "BKPSDM", "Dinas PUPR", "Satpol PP",
         "Sekretariat Daerah", "Kecamatan Sungai Raya", "Bappeda"]
PLATFORMS = ["facebook", "x", "telegram", "whatsapp", "instagram", "rss"]
CATEGORIES = ["NET-KMS", "NET-INT", "NET-FTO", "NET-HDR", "NET-AJK", "NET-APK"]


def seed(db_url: str, data_dir: Path, items: int, users: int) -> None:
    from pantau.config import Settings
    from pantau.db.migrate import upgrade
    from pantau.db.models import (
        EmploymentType,
        Person,
        Post,
        Prediction,
        ReviewItem,
        Role,
        User,
    )
    from pantau.db.session import session_scope
    from pantau.db.types import utcnow
    from review.auth import hash_password

    settings = Settings(database_url=db_url, data_dir=data_dir)
    upgrade(settings)
    now = utcnow()
    pw = hash_password(PASSWORD)
    with session_scope(settings) as s:
        for i in range(users):
            s.add(User(username=f"bench{i:03d}", full_name=f"Analis {i}", password_hash=pw,
                       role=Role.ANALIS, agency="Kesbangpol", active=True, failed_logins=0))
        people = []
        for i in range(max(1, items // 3)):
            p = Person(name=f"Pegawai {i}", nip=f"1986010120100{i:05d}",
                       employment_type=EmploymentType.PNS, unit=UNITS[i % len(UNITS)],
                       agency="Pemerintah Kab. Contoh", position="Staf")
            s.add(p)
            people.append(p)
        s.flush()
        for i in range(items):
            text = (f"Ayo dukung paslon nomor {i % 4 + 1}, jangan lupa coblos tanggal 27! "
                    f"Salam dari {UNITS[i % len(UNITS)]} #{i}")
            post = Post(platform=PLATFORMS[i % len(PLATFORMS)], external_id=f"b{i}",
                        person_id=people[i % len(people)].id, match_status="matched",
                        posted_at=now - timedelta(hours=2 + i % 40), text=text, raw={},
                        content_sha256=hashlib.sha256(text.encode()).hexdigest())
            s.add(post)
            s.flush()
            score = 0.5 + (i * 37 % 50) / 100
            pred = Prediction(post_id=post.id, model_version="bench", label="partisan",
                              score=score, category=CATEGORIES[i % len(CATEGORIES)],
                              explanation={"terms": [["coblos", 0.7]]})
            s.add(pred)
            s.flush()
            s.add(ReviewItem(post_id=post.id, prediction_id=pred.id, score=score,
                             category=pred.category, election="Pilkada 2024",
                             known_at=now - timedelta(days=i % 9),
                             queued_at=now - timedelta(hours=1 + i % 30)))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def login(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30, follow_redirects=True)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    resp = client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token.group(1)})
    resp.raise_for_status()
    return client


def run(base: str, workers: int, requests: int, path: str) -> tuple[list[float], int, float]:
    clients = [login(base, f"bench{i:03d}") for i in range(workers)]
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()

    def worker(client: httpx.Client) -> None:
        nonlocal failures
        mine: list[float] = []
        bad = 0
        for _ in range(requests):
            t0 = time.perf_counter()
            resp = client.get(path)
            mine.append(time.perf_counter() - t0)
            if resp.status_code != 200 or "table" not in resp.text:
                bad += 1
        with lock:
            latencies.extend(mine)
            failures += bad

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(worker, clients))
    elapsed = time.perf_counter() - t0
    for c in clients:
        c.close()
    return latencies, failures, elapsed


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=500)
    ap.add_argument("--workers", type=int, default=20)
    ap.add_argument("--requests", type=int, default=200, help="per worker")
    ap.add_argument("--db", default="", help="database URL (default: temporary SQLite)")
    ap.add_argument("--path", default="/antrean")
    ap.add_argument("--server-workers", type=int, default=1, help="uvicorn processes")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pantau-bench-"))
    db_url = args.db or f"sqlite:///{tmp / 'bench.db'}"
    print(f"menyiapkan {args.items} butir di {db_url.split('@')[-1]} ...", flush=True)
    seed(db_url, tmp, args.items, args.workers)

    port = free_port()
    env = {**os.environ, "PANTAU_DATABASE_URL": db_url, "PANTAU_DATA_DIR": str(tmp),
           "PANTAU_CONFIG": str(tmp / "absent.toml"), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "review.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--workers", str(args.server_workers)], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("server tidak menyala", file=sys.stderr)
                return 1
            time.sleep(0.2)
        run(base, min(2, args.workers), 5, args.path)  # warm-up
        lat, failures, elapsed = run(base, args.workers, args.requests, args.path)
    finally:
        server.terminate()
        server.wait(timeout=10)

    lat.sort()
    n = len(lat)
    p95 = lat[min(n - 1, int(n * 0.95))]
    print(f"mesin: {os.cpu_count()} CPU ({cpu_model()}), Python {platform.python_version()}")
    print(f"basis data: {db_url.split(':')[0]}, butir: {args.items}, "
          f"uvicorn: {args.server_workers} proses")
    print(f"permintaan: {n} ({args.workers} pekerja x {args.requests}) ke {args.path}, "
          f"gagal: {failures}")
    print(f"throughput: {n / elapsed:.1f} permintaan/detik dalam {elapsed:.1f} dtk")
    print(f"latensi: p50 {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"maks {lat[-1] * 1000:.0f} ms")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
