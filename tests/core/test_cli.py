"""The ``pantau`` command as an operator runs it (a real subprocess, real exit codes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "data" / "samples" / "registri-asn-contoh.csv"


def pantau(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pantau.cli.main", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", **(env or {})}, cwd=ROOT, timeout=120)


def test_registry_import_reports_rows_and_exit_codes(tmp_path: Path) -> None:
    ok = pantau("registry", "import", str(REGISTRY))
    assert ok.returncode == 0, ok.stderr
    assert "6 baru" in ok.stdout
    again = pantau("registry", "import", str(REGISTRY))
    assert "0 baru" in again.stdout and "6 tetap" in again.stdout
    bad = tmp_path / "r.csv"
    bad.write_text("NIP,Nama,Instansi\n12345,Salah,Pemprov\n198609262015051001,Budi,Pemprov\n")
    partial = pantau("registry", "import", str(bad))
    assert partial.returncode == 1
    assert "2" in partial.stderr and "nip" in partial.stderr and "18 angka" in partial.stderr


def test_not_a_registry_and_missing_file_are_one_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    res = pantau("registry", "import", str(f))
    assert res.returncode == 2 and "bukan berkas registri ASN" in res.stderr and "Traceback" not in res.stderr
    res = pantau("registry", "import", str(tmp_path / "tidak-ada.csv"))
    assert res.returncode == 2 and "tidak ditemukan" in res.stderr


def test_unreachable_database_fails_cleanly() -> None:
    res = pantau("registry", "import", str(REGISTRY),
                 env={"PANTAU_DATABASE_URL": "postgresql+psycopg://pantau:rahasia@127.0.0.1:1/pantau"})
    assert res.returncode == 2
    assert "tidak dapat dihubungi" in res.stderr and "rahasia" not in res.stderr and "Traceback" not in res.stderr


def test_config_error_names_the_key() -> None:
    res = pantau("db", "upgrade", env={"PANTAU_HTTP__MIN_DELAY": "3"})
    assert res.returncode == 2 and "http.min_delay" in res.stderr.replace("\n", "")
