"""``pantau doctor``: is this installation ready for tonight's run?

Each check yields a line OK / WARN / FAIL with what to do about it, in Bahasa Indonesia.
A FAIL means the nightly run would fail; ``pantau doctor`` then exits non-zero.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pantau.config import ConfigError, Settings, load_settings

MIN_FREE_BYTES = 5 * 1024**3


class Status(StrEnum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    message: str
    fix: str = ""

    def line(self) -> str:
        text = f"[{self.status.value:<4}] {self.name}: {self.message}"
        return text + (f"\n       → {self.fix}" if self.fix and self.status != Status.OK else "")


def check_config() -> tuple[Check, Settings | None]:
    try:
        settings = load_settings()
    except ConfigError as exc:
        return Check("konfigurasi", Status.FAIL, str(exc),
                     "Perbaiki atau hapus kunci yang disebut di pantau.toml / variabel PANTAU_*; "
                     "daftar kunci yang sah ada di pantau/config.py."), None
    return Check("konfigurasi", Status.OK, "pantau.toml dan PANTAU_* valid"), settings


def check_database(settings: Settings) -> list[Check]:
    from pantau.db.migrate import current_revision, head_revision, is_up_to_date
    from pantau.db.session import DatabaseError, check_connection, redact_url

    url = redact_url(settings.db_url)
    try:
        check_connection(settings)
    except DatabaseError as exc:
        return [Check("basis data", Status.FAIL, str(exc),
                      "Pastikan server basis data berjalan dan database_url benar "
                      "(PANTAU_DATABASE_URL).")]
    except Exception as exc:  # bad URL, missing driver
        return [Check("basis data", Status.FAIL, f"{url}: {exc.__class__.__name__}: {exc}",
                      "Periksa database_url (contoh: postgresql+psycopg://user@host/pantau).")]
    out = [Check("basis data", Status.OK, f"terhubung ke {url}")]
    try:
        if is_up_to_date(settings):
            out.append(Check("migrasi", Status.OK, f"skema pada revisi terbaru ({head_revision()})"))
        else:
            current = current_revision(settings) or "kosong (belum pernah dimigrasi)"
            out.append(Check("migrasi", Status.FAIL,
                             f"skema pada revisi {current}, terbaru {head_revision()}",
                             "Jalankan: pantau db upgrade"))
    except Exception as exc:
        out.append(Check("migrasi", Status.FAIL, f"revisi tidak dapat dibaca: {exc}",
                         "Jalankan: pantau db upgrade"))
    return out


def check_model(settings: Settings) -> Check:
    model_dir = settings.classifier.model_dir
    try:
        from classifier import load_classifier
    except ImportError as exc:
        return Check("model klasifikasi", Status.FAIL, f"modul classifier tidak dapat dimuat: {exc}",
                     "Pasang ulang paket: .venv/bin/pip install -e .")
    try:
        clf = load_classifier(model_dir)
    except ImportError as exc:
        return Check("model klasifikasi", Status.FAIL, f"pustaka model tidak terpasang: {exc}",
                     "Pasang dependensi: .venv/bin/pip install -e .")
    except Exception as exc:
        return Check("model klasifikasi", Status.FAIL,
                     f"model di {model_dir} tidak dapat dimuat: {exc.__class__.__name__}: {exc}",
                     "Salin artefak model ke classifier.model_dir atau latih ulang model.")
    version = getattr(clf, "version", None) or getattr(clf, "meta", {}).get("version", "")
    return Check("model klasifikasi", Status.OK, f"dimuat dari {model_dir} {version}".strip())


# source → (what it needs, how to check it, fix)
_NEEDS: dict[str, tuple[str, Callable[[object], bool], str]] = {
    "x": ("token API", lambda s: bool(getattr(s, "token", None)),
          "Isi sources.x.token (Bearer token API X) atau matikan: sources.x.enabled = false"),
    "youtube": ("kunci API", lambda s: bool(getattr(s, "token", None)),
                "Isi sources.youtube.token (kunci YouTube Data API) atau matikan sumbernya"),
    "mastodon": ("base_url", lambda s: bool(getattr(s, "base_url", None)),
                 "Isi sources.mastodon.base_url (contoh: https://mastodon.social) "
                 "atau matikan sumbernya"),
}


def check_sources(settings: Settings) -> list[Check]:
    out: list[Check] = []
    enabled = []
    for name, src in settings.sources:
        if not src.enabled:
            continue
        enabled.append(name)
        need = _NEEDS.get(name)
        if need and not need[1](src):
            out.append(Check(f"sumber {name}", Status.FAIL, f"aktif tetapi {need[0]} kosong", need[2]))
    if not enabled:
        out.append(Check("sumber", Status.WARN, "tidak ada sumber yang aktif",
                         "Aktifkan minimal satu sumber di [sources] pantau.toml."))
    else:
        ok = [n for n in enabled if not any(c.name == f"sumber {n}" for c in out)]
        if ok:
            out.insert(0, Check("sumber", Status.OK, "aktif dan lengkap: " + ", ".join(ok)))
    return out


def check_prefect(timeout_s: float = 5.0) -> Check:
    from pantau.ops.limits import prefect_api_url

    url = prefect_api_url()
    if not url:
        return Check("Prefect", Status.OK,
                     "mode lokal (PREFECT_API_URL tidak diisi: jadwal dan shard tidak tersedia)")
    import httpx

    try:
        resp = httpx.get(url.rstrip("/") + "/health", timeout=timeout_s)
        resp.raise_for_status()
    except Exception as exc:
        return Check("Prefect", Status.FAIL, f"server {url} tidak dapat dihubungi: {exc}",
                     "Jalankan `prefect server start` (lihat deploy/README.md) atau periksa "
                     "PREFECT_API_URL.")
    return Check("Prefect", Status.OK, f"server {url} sehat")


def check_disk(settings: Settings, min_free: int = MIN_FREE_BYTES) -> Check:
    path = Path(settings.data_dir)
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    gib = free / 1024**3
    if free < min_free:
        return Check("ruang disk", Status.WARN, f"sisa {gib:.1f} GiB di {path}",
                     f"Kosongkan ruang (minimal {min_free / 1024**3:.0f} GiB disarankan) atau "
                     "jalankan `pantau retention run`.")
    return Check("ruang disk", Status.OK, f"sisa {gib:.1f} GiB di {path}")


def run_checks(*, model: bool = True, prefect: bool = True) -> list[Check]:
    config, settings = check_config()
    checks = [config]
    if settings is None:
        return checks
    checks += check_database(settings)
    if model:
        checks.append(check_model(settings))
    checks += check_sources(settings)
    if prefect:
        checks.append(check_prefect())
    checks.append(check_disk(settings))
    return checks


def failed(checks: list[Check]) -> bool:
    return any(c.status == Status.FAIL for c in checks)
