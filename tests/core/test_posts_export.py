from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.config import Settings
from pantau.db.models import ImportFile
from pantau.db.session import session_scope
from pantau.imports import import_export
from pantau.registry.importer import import_registry

ROOT = Path(__file__).resolve().parents[2]


def test_posts_export_one_row_per_post_with_filters(db: Settings, tmp_path: Path) -> None:
    with session_scope(db) as s:
        import_registry(s, ROOT / "data" / "samples" / "registri-asn-contoh.csv")
        import_export(s, ROOT / "data" / "demo" / "whatsapp" / "Chat WhatsApp dengan Koordinasi ASN Kubu Raya.txt",
                      "whatsapp", db)
        import_export(s, ROOT / "data" / "demo" / "telegram" / "result.json", "telegram", db)
        wa_sha = s.execute(select(ImportFile.sha256).where(ImportFile.platform == "whatsapp")).scalar_one()
    runner = CliRunner()
    out = tmp_path / "semua.csv"
    assert runner.invoke(app, ["posts", "export", "--out", str(out)]).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 19
    assert list(rows[0]) == ["id", "platform", "source", "author", "person", "posted_at", "text", "capture_sha256"]
    fauzi = next(r for r in rows if "coblos no 2" in r["text"])
    assert fauzi["person"].startswith("Ahmad Fauzi") and fauzi["capture_sha256"] == wa_sha
    assert fauzi["posted_at"] == "2024-11-12T19:02:00+07:00" and "\n" in fauzi["text"]  # multi-line kept

    wa = tmp_path / "wa.csv"
    res = runner.invoke(app, ["posts", "export", "--out", str(wa), "--source", "whatsapp", "--since", "2024-11-14"])
    assert res.exit_code == 0
    assert {r["platform"] for r in csv.DictReader(wa.open(encoding="utf-8"))} == {"whatsapp"}
    assert len(list(csv.DictReader(wa.open(encoding="utf-8")))) == 5
    bad = runner.invoke(app, ["posts", "export", "--out", str(wa), "--since", "14-11-2024"])
    assert bad.exit_code == 2
