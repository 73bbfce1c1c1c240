"""End to end in a real browser (Debian chromium via Playwright): log in → claim → decide →
second review by a supervisor → forward. Hostile post content must never execute."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from pantau.config import Settings
from pantau.db.models import ReviewStatus, Role
from pantau.db.session import session_scope
from pantau.db.types import utcnow
from tests.review import factories as f
from tests.review.conftest import OFFICE, item

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="/usr/bin/chromium tidak ada (apt-get install -y chromium)"),
]

HOSTILE = ('<script>alert("xss")</script><img src=x onerror="alert(1)"> '
           '<svg onload="alert(2)"></svg> Ayo coblos nomor 1!')

SAMPLE = [  # (name, text, unit, platform, score, category, days since known)
    ("Hendra Saputra",
     "Alhamdulillah hadir di deklarasi relawan 02 Kab. Kubu Raya, insyaAllah menang!",
     "Dinas Pendidikan", "facebook", 0.97, "NET-HDR", 0),
    ("Siti Rahmawati", "Yang masih ragu, lihat rekam jejaknya. Nomor 3 paling layak pimpin Kalbar",
     "Dinas Kesehatan", "x", 0.93, "NET-KMS", 1),
    ("Agus Salim", "Bapak ibu staf, tolong arahkan keluarga ke paslon kita ya, besok rapat jam 9",
     "Kecamatan Sungai Raya", "whatsapp", 0.91, "NET-AJK", 2),
    ("Dewi Kartika", "Pasang twibbon dukungan di profil, link ada di bawah", "BKPSDM",
     "telegram", 0.84, "NET-APK", 3),
    ("Rudi Hartono", "Siap menangkan! Koordinator relawan kecamatan sudah terbentuk",
     "Dinas PUPR", "facebook", 0.78, "NET-TIM", 8),
    ("Yuliana", "Mohon doa restu, insyaAllah maju di pilkada tahun depan",
     "Sekretariat Daerah", "instagram", 0.71, "NET-PCL", 5),
    ("Bambang Irawan", "Hari ini rapat koordinasi persiapan pengamanan TPS bersama KPU",
     "Satpol PP", "telegram", 0.66, "NET-LNY", 1),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(db: Settings) -> Iterator[str]:
    import uvicorn

    from review.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _seed(db: Settings) -> tuple[int, int]:
    now = utcnow()
    with session_scope(db) as s:
        f.user(s, "ana", Role.ANALIS, agency=OFFICE, full_name="Ana Lestari")
        f.user(s, "sari", Role.SUPERVISOR, agency=OFFICE, full_name="Sari Wulandari")
        top = None
        for n, (name, text, unit, platform, score, cat, age_days) in enumerate(SAMPLE):
            who = f.person(s, name, unit=unit, agency="Pemerintah Kab. Kubu Raya")
            it = f.flagged(s, text, who, score=score, category=cat, platform=platform,
                           posted_at=now - timedelta(days=age_days, hours=5 + 3 * n, minutes=7 * n),
                           queued_at=now - timedelta(hours=10 + age_days),
                           known_at=now - timedelta(days=age_days, hours=3),
                           explanation={"terms": [[w, 0.5] for w in text.split()[:2]],
                                        "watchlist": []})
            top = top or it.id
        hostile = f.flagged(s, HOSTILE, score=0.6, category="NET-KMS").id
    assert top is not None
    return top, hostile


def _login(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/antrean")


def test_review_flow_in_browser(db: Settings, live_server: str, artifacts_dir: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    top, hostile = _seed(db)
    base = live_server
    backend = "pg" if db.db_url.startswith("postgresql") else "sqlite"
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
            page = ctx.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            _login(page, base, "ana")
            page.goto(f"{base}/antrean?skor_min=0.65")
            page.wait_for_selector("table.queue")
            page.screenshot(path=str(artifacts_dir / f"antrean-{backend}.png"), full_page=True)
            # filters swap the table in place (HTMX), and the URL follows
            page.select_option("select[name=platform]", "whatsapp")
            expect(page.locator("table.queue tbody tr")).to_have_count(1)
            assert "platform=whatsapp" in page.url
            assert "arahkan keluarga" in page.inner_text("table.queue")

            # hostile content renders inert
            page.goto(f"{base}/butir/{hostile}")
            page.wait_for_selector("#teks")
            assert "<script>" in page.inner_text("#teks")
            assert page.locator("#teks img, #teks svg, #teks script").count() == 0
            page.wait_for_timeout(300)

            # claim next with the keyboard shortcut, decide with b/d + Ctrl+Enter
            page.goto(f"{base}/antrean")
            page.keyboard.press("n")
            page.wait_for_url(f"{base}/butir/{top}")
            page.keyboard.press("d")
            assert page.is_checked("input[value=dugaan_pelanggaran]")
            page.keyboard.type("Menghadiri deklarasi relawan dan mengajak memilih.")
            page.screenshot(path=str(artifacts_dir / f"butir-{backend}.png"), full_page=True)
            page.keyboard.press("Control+Enter")
            page.wait_for_selector(".flash.ok")
            assert item(db, top).status == ReviewStatus.DUGAAN_PELANGGARAN

            # second review and forwarding by a supervisor in a separate session
            sup = browser.new_context(viewport={"width": 1024, "height": 768})  # tablet size
            spage = sup.new_page()
            spage.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            _login(spage, base, "sari")
            spage.goto(f"{base}/butir/{top}")
            spage.check("input[value=terkonfirmasi]")
            spage.fill("#form-tinjauan-kedua textarea[name=alasan]", "Foto dan teks cocok.")
            spage.click("#simpan-kedua")
            spage.wait_for_selector("#form-teruskan")
            spage.select_option("select[name=tujuan]", "Bawaslu")
            spage.fill("input[name=referensi]", "045/LP/PB/Kab/2024")
            spage.fill("#form-teruskan textarea[name=alasan]", "Diteruskan ke Bawaslu.")
            spage.click("#teruskan")
            spage.wait_for_selector(".status.s-diteruskan")
            spage.screenshot(path=str(artifacts_dir / f"diteruskan-{backend}.png"),
                             full_page=True)
            final = item(db, top)
            assert final.status == ReviewStatus.DITERUSKAN and final.routed_to == "Bawaslu"

            spage.goto(f"{base}/dasbor")
            spage.wait_for_selector("svg")
            spage.screenshot(path=str(artifacts_dir / f"dasbor-{backend}.png"), full_page=True)
        finally:
            browser.close()
    assert dialogs == [], f"a dialog fired: {dialogs}"
