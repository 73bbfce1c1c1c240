"""Parse throughput of the source parsers on synthetic large inputs built from the fixtures.

    .venv/bin/python bench/collect.py [--scale 1.0] [--repeat 3] [--json var/bench/collect.json]

Inputs (scale 1.0): 50k WhatsApp lines (Android and iOS), 5k t.me/s messages (250 pages of
20), 50k Telegram Desktop export messages, 5k Mastodon statuses / X posts / YouTube comments
(API-sized pages), 2k RSS entries, plus the PoliteClient + WARC archiving overhead on 500
in-memory responses (httpx.MockTransport, no network, no politeness delay). Prints a table
(best of ``--repeat`` runs) and writes JSON with the machine description.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from pantau.config import HttpSettings  # noqa: E402
from scrapers.http import PoliteClient  # noqa: E402
from scrapers.mastodon import parse_statuses  # noqa: E402
from scrapers.rss import parse_feed  # noqa: E402
from scrapers.telegram_export import parse_export as parse_tg_export  # noqa: E402
from scrapers.telegram_web import parse_page  # noqa: E402
from scrapers.whatsapp import parse_export as parse_wa  # noqa: E402
from scrapers.x_api import parse_tweets  # noqa: E402
from scrapers.youtube import parse_comment_threads  # noqa: E402

FIX = ROOT / "tests" / "fixtures" / "sources"
WIB = ZoneInfo("Asia/Jakarta")


# ------------------------------------------------------------------ synthetic inputs
def whatsapp_android(n_lines: int) -> bytes:
    bodies = [
        "Selamat pagi rekan-rekan ASN 🙏",
        "Jangan lupa coblos nomor 2 ya!\nAjak keluarga juga.",
        "<Media tidak disertakan>",
        "Pesan ini telah dihapus",
        "Rapat jam 19.00 <Pesan ini diedit>",
        "IMG-20250831-WA0001.jpg (file terlampir)\nFoto apel pagi",
    ]
    authors = ["Budi Santoso (Dinas Kominfo)", "Siti Rahmawati", "+62 812-0000-1234", "Agus Wibowo"]
    start = datetime(2024, 1, 1, 7, 0)
    out: list[str] = []
    i = 0
    while len(out) < n_lines:  # messages; multi-line bodies add lines, trimmed below
        t = start + timedelta(minutes=i)
        body = bodies[i % len(bodies)]
        out.append(f"{t:%d/%m/%y %H.%M} - {authors[i % len(authors)]}: {body}")
        if i % 50 == 0:
            out.append(f"{t:%d/%m/%y %H.%M} - Agus Wibowo keluar")
        i += 1
    physical = "\n".join(out).split("\n")[:n_lines]  # exactly n_lines lines in the file
    return ("\n".join(physical) + "\n").encode()


def whatsapp_ios(n_lines: int) -> bytes:
    start = datetime(2024, 1, 1, 7, 0)
    lines = []
    for i in range(n_lines):
        t = start + timedelta(seconds=37 * i)
        lines.append(f"[{t:%d/%m/%y %H.%M.%S}] Siti Rahmawati: Pesan nomor {i} tentang pemilu")
    return ("\n".join(lines) + "\n").encode()


def telegram_pages(n_messages: int, per_page: int = 20) -> list[bytes]:
    page = (FIX / "telegram_web" / "page_latest.html").read_text()
    head = page.partition('<div class="tgme_widget_message_wrap')[0]
    blocks = re.findall(r'<div class="tgme_widget_message_wrap.*?\n', page)
    tail = page[page.rindex("</section>") :]
    pages = []
    next_id = 10_000
    for _ in range(max(1, n_messages // per_page)):
        chunk = []
        for j in range(per_page):
            block = blocks[j % len(blocks)]
            chunk.append(re.sub(r"diskominfo_contoh/\d+", f"diskominfo_contoh/{next_id}", block))
            next_id += 1
        pages.append((head + "".join(chunk) + tail).encode())
    return pages


def telegram_export(n_messages: int) -> bytes:
    msgs: list[dict[str, Any]] = []
    base = 1704848400
    for i in range(n_messages):
        if i % 25 == 0:
            msgs.append(
                {"id": i + 1, "type": "service", "date": "2024-01-10T08:00:00", "date_unixtime": str(base + i),
                 "actor": "Budi", "actor_id": "user1", "action": "pin_message", "text": ""}
            )  # fmt: skip
            continue
        text: Any = (
            "Mari coblos nomor 2!"
            if i % 2
            else ["Info ", {"type": "link", "text": "https://contoh.example"}, " untuk ASN"]
        )
        msgs.append(
            {"id": i + 1, "type": "message", "date": "2024-01-10T08:00:00", "date_unixtime": str(base + i),
             "from": "Siti Rahmawati", "from_id": "user5000002", "text": text,
             **({"reply_to_message_id": i} if i % 7 == 0 else {})}
        )  # fmt: skip
    return json.dumps({"name": "Grup", "type": "private_supergroup", "id": 1, "messages": msgs}).encode()


def json_pages(fixture: Path, n_items: int, per_page: int, key: str | None) -> list[bytes]:
    data = json.loads(fixture.read_text())
    items = data[key] if key else data
    pages = []
    counter = 0
    for _ in range(max(1, n_items // per_page)):
        page_items = []
        for j in range(per_page):
            item = json.loads(json.dumps(items[j % len(items)]))
            counter += 1
            item["id"] = str(10**17 + counter)
            page_items.append(item)
        pages.append(json.dumps({**data, key: page_items} if key else page_items).encode())
    return pages


def rss_feed(n_entries: int) -> bytes:
    items = []
    for i in range(n_entries):
        items.append(
            f"<item><title>Berita {i}</title><link>https://berita.contoh.example/{i}</link>"
            f"<pubDate>Fri, 12 Jan 2024 08:00:00 +0700</pubDate>"
            f"<description>&lt;p&gt;ASN diminta netral, berita nomor {i}.&lt;/p&gt;</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Portal</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


# ------------------------------------------------------------------ timing
def best_of(repeat: int, fn: Callable[[], int]) -> tuple[float, float, int]:
    """Best wall-clock and best CPU (process) time over ``repeat`` runs; the CPU figure is the
    one to compare on a shared machine."""
    best_wall = best_cpu = float("inf")
    count = 0
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        count = fn()
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, count


def client_overhead(n: int) -> int:
    body = (FIX / "telegram_web" / "page_latest.html").read_bytes()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "text/html"})

    settings = HttpSettings(min_delay_s=0, respect_robots=False)
    with (
        tempfile.TemporaryDirectory() as tmp,
        PoliteClient(settings, warc_dir=tmp, transport=httpx.MockTransport(handler)) as client,
    ):
        for i in range(n):
            client.get(f"https://t.me/s/diskominfo_contoh?before={i}")
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "collect.json")
    args = ap.parse_args()
    s = args.scale

    wa_a = whatsapp_android(int(50_000 * s))
    wa_i = whatsapp_ios(int(50_000 * s))
    tg_pages = telegram_pages(int(5_000 * s))
    tg_exp = telegram_export(int(50_000 * s))
    ma_pages = json_pages(FIX / "mastodon" / "statuses_page1.json", int(5_000 * s), 40, None)
    x_pages = json_pages(FIX / "x" / "user_tweets_page1.json", int(5_000 * s), 100, "data")
    yt_pages = json_pages(FIX / "youtube" / "comment_threads_page1.json", int(5_000 * s), 100, "items")
    feed = rss_feed(int(2_000 * s))
    ma_url = "https://mastodon.contoh.example/api/v1/accounts/1/statuses"

    cases: list[tuple[str, str, int, Callable[[], int]]] = [
        ("whatsapp android", "lines", wa_a.count(b"\n"),
         lambda: len(parse_wa(wa_a, filename="a.txt", group="g", tz=WIB))),
        ("whatsapp ios", "lines", wa_i.count(b"\n"),
         lambda: len(parse_wa(wa_i, filename="i.txt", group="g", tz=WIB))),
        ("telegram_web t.me/s", "messages", 20 * len(tg_pages),
         lambda: sum(len(parse_page(p, "https://t.me/s/x")) for p in tg_pages)),
        ("telegram_export json", "messages", int(50_000 * s),
         lambda: len(parse_tg_export(tg_exp, filename="r.json", tz=WIB))),
        ("mastodon statuses", "statuses", 40 * len(ma_pages),
         lambda: sum(len(parse_statuses(p, ma_url)) for p in ma_pages)),
        ("x tweets", "posts", 100 * len(x_pages), lambda: sum(len(parse_tweets(p, "u")) for p in x_pages)),
        ("youtube comments", "comments", 100 * len(yt_pages),
         lambda: sum(len(parse_comment_threads(p, "u")) for p in yt_pages)),
        ("rss entries", "entries", feed.count(b"<item>"), lambda: len(parse_feed(feed, "u"))),
        ("client+warc (mock transport)", "responses", int(500 * s), lambda: client_overhead(int(500 * s))),
    ]  # fmt: skip

    rows = []
    print(
        f"{'format':30} {'input':>18} {'posts':>7} {'wall s':>8} {'cpu s':>8} {'items/s wall':>13} {'items/s cpu':>12}"
    )
    for name, unit, n_input, fn in cases:
        wall, cpu_s, posts = best_of(args.repeat, fn)
        rate_wall = n_input / wall if wall else float("inf")
        rate_cpu = n_input / cpu_s if cpu_s else float("inf")
        rows.append({"format": name, "unit": unit, "input": n_input, "posts": posts, "wall_s": round(wall, 4),
                     "cpu_s": round(cpu_s, 4), "per_second_wall": round(rate_wall),
                     "per_second_cpu": round(rate_cpu)})  # fmt: skip
        print(
            f"{name:30} {n_input:>8} {unit:>9} {posts:>7} {wall:>8.3f} {cpu_s:>8.3f} "
            f"{rate_wall:>13,.0f} {rate_cpu:>12,.0f}"
        )

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    result = {
        "when": datetime.now(UTC).isoformat(),
        "machine": {"arch": platform.machine(), "nproc": os.cpu_count(), "cpu": cpu,
                    "python": platform.python_version()},
        "scale": s,
        "repeat": args.repeat,
        "results": rows,
    }  # fmt: skip
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\n{result['machine']}  -> {args.json}")


if __name__ == "__main__":
    main()
