"""Screenshots for evidence packets, rendered with headless Debian chromium.

A web capture is rendered *from the archive*, never from the live site: the archived HTML is
stripped of scripts, frames and redirects, given a Content-Security-Policy that forbids any
network request or script, and chromium runs with DNS and proxy blackholed, so the page
renders inert. A group-export message is rendered as a message card (HTML → PNG) with its
thread context; so is a post whose capture is not an HTML page (API JSON) or that has no
capture. All carry a header band with account, time and URL.

Screenshots are not byte-deterministic by nature (fonts, rasteriser versions). Each case is
therefore rendered once and the PNG cached at ``settings.data_dir/evidence/<case>/
screenshot.png``; later exports reuse those exact bytes, so re-exporting a case yields the
same packet. Delete the cached file to force a new rendering (it will then hash differently).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

from pantau.config import Settings, get_settings
from pantau.errors import PantauError
from review.evidence.archive import read_capture, sha256_hex
from review.evidence.case import CaseData, fmt_dt

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
]
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
       "script-src 'none'; frame-src 'none'; form-action 'none'")
WINDOW = (1280, 1600)
CARD_WINDOW = (1000, 800)
_STRIP_TAGS = ("script", "iframe", "frame", "frameset", "object", "embed", "base", "applet",
               "portal")


class ScreenshotError(PantauError):
    pass


def find_chromium() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def cache_path(case_id: int, settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / "evidence" / str(case_id) / "screenshot.png"


def _band(case: CaseData, source_label: str) -> str:
    post = case.post
    rows = [
        ("Akun", case.account_label + (f" ({post.author_name})" if post.author_name else "")),
        ("Waktu unggah", fmt_dt(post.posted_at, case.tz)),
        ("URL", post.url or "-"),
        ("Sumber", source_label),
    ]
    cells = "".join(
        f"<div><b>{html.escape(k)}:</b> {html.escape(str(v))}</div>" for k, v in rows)
    return (
        '<div id="pantau-band" style="all:initial;display:block;box-sizing:border-box;'
        "width:100%;background:#16325c;color:#fff;font:14px 'DejaVu Sans',sans-serif;"
        'padding:10px 16px;line-height:1.5;word-break:break-all;position:relative;z-index:2147483647">'
        '<div style="font-weight:bold;font-size:15px">pantau — tangkapan bukti kasus '
        f"{case.case_id} (dugaan, untuk ditinjau)</div>{cells}</div>"
    )


def sanitize_html(raw: str, band: str) -> str:
    """Archived HTML made inert, with the header band inserted at the top of the body."""
    soup = BeautifulSoup(raw, "lxml")
    for tag in soup.find_all(_STRIP_TAGS):
        tag.decompose()
    for meta in soup.find_all("meta"):
        if str(meta.get("http-equiv", "")).lower() in ("refresh", "content-security-policy"):
            meta.decompose()
    for link in soup.find_all("link"):
        link.decompose()  # external stylesheets/preloads could not load anyway
    for tag in soup.find_all(True):
        for attr in list(tag.attrs):
            if attr.lower().startswith("on"):
                del tag.attrs[attr]
    if soup.html is None:
        soup.append(soup.new_tag("html"))
    if soup.head is None:
        soup.html.insert(0, soup.new_tag("head"))
    if soup.body is None:
        soup.html.append(soup.new_tag("body"))
    csp = soup.new_tag("meta", attrs={"http-equiv": "Content-Security-Policy", "content": CSP})
    soup.head.insert(0, csp)
    soup.head.insert(0, soup.new_tag("meta", charset="utf-8"))
    soup.body.insert(0, BeautifulSoup(band, "html.parser"))
    return str(soup)


def _decode(body: bytes, content_type: str | None) -> str:
    charset = "utf-8"
    m = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    if m:
        charset = m.group(1)
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def capture_page_html(case: CaseData) -> str:
    cap = case.capture
    if cap is None or not cap.warc_path or cap.warc_offset is None:
        raise ScreenshotError(f"kasus {case.case_id}: tidak ada tangkapan arsip untuk dirender")
    archived = read_capture(cap.warc_path, cap.warc_offset)
    label = (f"salinan arsip (WARC), diambil {fmt_dt(cap.fetched_at, case.tz)}, "
             f"SHA-256 muatan {sha256_hex(archived.payload)[:16]}…")
    return sanitize_html(_decode(archived.payload, archived.content_type), _band(case, label))


def _card_source(case: CaseData) -> str:
    imp, cap = case.import_file, case.capture
    if imp is not None:
        return f"ekspor grup {imp.filename} (SHA-256 {imp.sha256[:16]}…)"
    if cap is not None:
        return (f"data {cap.content_type or 'tanpa jenis'} yang diarsipkan "
                f"{fmt_dt(cap.fetched_at, case.tz)} (SHA-256 {cap.sha256[:16]}…), "
                "ditampilkan sebagai kartu pesan")
    return "teks tersimpan di basis data (tidak ada arsip halaman)"


def _is_html(case: CaseData) -> bool:
    cap = case.capture
    return (cap is not None and bool(cap.warc_path) and cap.warc_offset is not None
            and "html" in (cap.content_type or "text/html").lower())


def message_card_html(case: CaseData) -> str:
    """A message (group export, API item, or stored text) with its thread context, as an
    HTML card."""
    label = _card_source(case)
    posts = case.context_posts or [case.post]
    items = []
    for p in posts:
        focus = p.id == case.post.id
        style = ("border:2px solid #b02e0c;background:#fff6f2" if focus
                 else "border:1px solid #ccd;background:#fff")
        who = html.escape(p.author_name or p.author_handle or "(anonim)")
        text = html.escape(p.text or "(teks telah dihapus sesuai retensi)").replace("\n", "<br>")
        mark = ('<div style="color:#b02e0c;font-weight:bold;font-size:12px">PESAN YANG '
                "DILAPORKAN</div>") if focus else ""
        items.append(
            f'<div style="{style};border-radius:8px;padding:10px 14px;margin:10px 0">{mark}'
            f'<div style="font-weight:bold">{who} <span style="color:#667;font-weight:normal">'
            f"{html.escape(fmt_dt(p.posted_at, case.tz))}</span></div>"
            f'<div style="margin-top:4px;white-space:normal">{text}</div></div>')
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        "<style>body{margin:0;font:15px 'DejaVu Sans',sans-serif;background:#e9edf3}"
        "</style></head><body>" + _band(case, label) +
        '<div style="padding:8px 20px;max-width:900px">'
        f'<div style="color:#445;margin-top:6px">Percakapan: '
        f"{html.escape(case.post.thread_key or '-')}</div>" + "".join(items) +
        "</div></body></html>")


def render_html(page: str, out: Path, *, timeout_s: float = 90,
                window: tuple[int, int] = WINDOW) -> None:
    exe = find_chromium()
    if exe is None:
        raise ScreenshotError("chromium tidak ditemukan: pasang dengan 'apt-get install -y "
                              "chromium' untuk membuat tangkapan layar")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pantau-shot-") as tmp:
        page_path = Path(tmp) / "page.html"
        page_path.write_text(page, encoding="utf-8")
        profile = Path(tmp) / "profile"
        profile.mkdir()
        target = Path(tmp) / "shot.png"
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
               f"--window-size={window[0]},{window[1]}", f"--screenshot={target}",
               page_path.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ScreenshotError(f"chromium tidak selesai dalam {timeout_s:g} detik") from exc
        if not target.exists() or target.stat().st_size == 0:
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ScreenshotError(f"chromium gagal membuat tangkapan layar (kode "
                                  f"{proc.returncode}): {' | '.join(tail)}")
        tmp_out = out.with_suffix(".tmp")
        shutil.copyfile(target, tmp_out)
        tmp_out.replace(out)


def case_screenshot(case: CaseData, settings: Settings | None = None, *,
                    refresh: bool = False) -> Path:
    """The case's screenshot, rendered on first use and cached (see module docstring)."""
    path = cache_path(case.case_id, settings)
    if path.exists() and not refresh:
        return path
    if case.post.import_id is not None or not _is_html(case):
        render_html(message_card_html(case), path, window=CARD_WINDOW)
    else:
        render_html(capture_page_html(case), path)
    return path
