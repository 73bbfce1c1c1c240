from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from pantau.config import Settings
from pantau.db.models import ReviewStatus
from review.reports.daily import build_daily
from review.reports.forms import build_form
from review.reports.queue import export_queue
from tests.evidence.conftest import needs_poppler
from tests.evidence.factory import NIP, make_export_case, make_person, make_users, make_web_case


def _three_cases(session: Session, s: Settings) -> None:
    users = make_users(session)
    make_web_case(session, s.warc_dir, users=users)  # Diskominfo, NET-KMS, telegram, confirmed
    other = make_person(session, nip="199001012019031002", name="Dewi Lestari",
                        unit="Badan Pendapatan Daerah")
    make_web_case(session, s.warc_dir, person=other, users=users, external_id="77",
                  url="https://x.example/dewi/77", text="=HYPERLINK(\"http://x\") ayo pilih 1",
                  category="NET-INT", status=ReviewStatus.DUGAAN_PELANGGARAN, platform="x")
    make_export_case(session, s.data_dir / "exports", users=users)  # whatsapp, NET-AJK
    # a flag from another day and not decided
    make_web_case(session, s.warc_dir, person=other, users=users, external_id="78",
                  url="https://x.example/dewi/78", category="NET-KMS", status=ReviewStatus.BARU,
                  platform="x", known=datetime(2024, 10, 14, 2, 0, tzinfo=UTC), decide=False)
    session.commit()


def test_daily_report_counts(session: Session, db: Settings, tmp_path: Path) -> None:
    _three_cases(session, db)
    xlsx, pdf = build_daily(session, date(2024, 10, 13), tmp_path, db)
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Ringkasan", "Per OPD", "Per Kategori", "Per Platform"]
    summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(min_row=4, values_only=True)}
    assert summary["Ditandai"] == 3
    assert summary["Keputusan"] == 4  # 2 + 1 + 1
    assert summary["Terkonfirmasi"] == 1
    opd = {r[0]: r[1:] for r in wb["Per OPD"].iter_rows(min_row=2, values_only=True)}
    assert opd["Dinas Komunikasi dan Informatika"] == (2, 3, 1)
    assert opd["Badan Pendapatan Daerah"] == (1, 1, 0)
    cats = {r[0]: r[1:] for r in wb["Per Kategori"].iter_rows(min_row=2, values_only=True)}
    assert cats == {"NET-KMS": (1, 2, 1), "NET-INT": (1, 1, 0), "NET-AJK": (1, 1, 0)}
    plats = {r[0]: r[1] for r in wb["Per Platform"].iter_rows(min_row=2, values_only=True)}
    assert plats == {"telegram": 1, "x": 1, "whatsapp": 1}
    assert all(len(wb[n]._charts) == 1 for n in ("Per OPD", "Per Kategori", "Per Platform"))
    assert pdf.read_bytes().startswith(b"%PDF")
    next_day = load_workbook(build_daily(session, date(2024, 10, 14), tmp_path, db)[0])
    assert {r[0]: r[1] for r in next_day["Ringkasan"].iter_rows(min_row=4, values_only=True)
            }["Ditandai"] == 1


def test_queue_export_csv_and_xlsx(session: Session, db: Settings) -> None:
    _three_cases(session, db)
    data = export_queue(session, {"status": ["terkonfirmasi"]}, "csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["kasus", "status", "skor"]
    assert len(rows) == 2 and rows[1][1] == "terkonfirmasi" and rows[1][10] == NIP
    rows = list(csv.reader(io.StringIO(
        export_queue(session, {"platform": "x", "category": ["NET-INT"]}, "csv")
        .decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][-1].startswith("'=HYPERLINK")  # spreadsheet formula neutralised
    everything = load_workbook(io.BytesIO(export_queue(session, None, "xlsx")))["Antrean"]
    assert everything.max_row == 1 + 4
    since = export_queue(session, {"since": "2024-10-14"}, "csv").decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(since)))) == 2


@needs_poppler
def test_bawaslu_and_bkn_forms(session: Session, db: Settings, tmp_path: Path) -> None:
    built = make_web_case(session, db.warc_dir)
    session.commit()
    pdf, js = build_form(session, built.item_id, "bawaslu", tmp_path, db)
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["terlapor"]["nip"] == NIP
    assert data["pelapor"]["nama"] == db.office_name
    assert data["waktu_kejadian"] == "2024-10-12T10:05:00+07:00"
    assert data["batas_pelaporan"] == (datetime(2024, 10, 13, 1, 30, tzinfo=UTC)
                                       + timedelta(days=7)).astimezone(db.tz).isoformat()
    assert len(data["saksi"]) == 2 and data["saksi"][0]["nama"] is None
    assert any("capture.warc.gz" in b for b in data["bukti"])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for needle in ["Saksi 1", NIP, "Uraian kejadian", "NET-KMS", "Pernyataan pelapor"]:
        assert needle in text, needle
    pdf2, js2 = build_form(session, built.item_id, "bkn", tmp_path, db)
    bkn = json.loads(js2.read_text(encoding="utf-8"))
    assert bkn["terlapor"]["jabatan"] == "Pranata Komputer Ahli Muda"
    assert "saksi" not in bkn
    assert "Budi Santoso" in subprocess.run(["pdftotext", str(pdf2), "-"], capture_output=True,
                                            text=True, check=True).stdout
