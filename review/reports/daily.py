"""Daily report for the head of Kesbangpol: flags, decisions and confirmed cases per OPD
(unit), category and platform, as XLSX (a sheet and a chart per breakdown) and PDF.

A *flag* is a review item queued that (local) day; a *decision* is a reviewer decision made
that day; *confirmed* counts decisions that day moving a case to ``terkonfirmasi``. The day
is the configured zone's calendar day (WIB/WITA/WIT).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.config import Settings, get_settings
from pantau.db.models import Decision, Post, ReviewItem, ReviewStatus
from review.evidence.case import MONTHS, STATUS_LABELS, zone_label
from review.evidence.legal import indication_for
from review.evidence.pdfbase import FONT, GREY, NAVY, WARN, OfficePDF

BREAKDOWNS = (("unit", "Per OPD"), ("category", "Per Kategori"), ("platform", "Per Platform"))
MEASURES = (("flags", "Ditandai"), ("decisions", "Keputusan"), ("confirmed", "Terkonfirmasi"))
UNLINKED = "(belum tertaut)"
NONE_CAT = "(tanpa kategori)"
OPEN = (ReviewStatus.BARU, ReviewStatus.DITINJAU, ReviewStatus.DUGAAN_PELANGGARAN)


@dataclass
class DailyStats:
    day: date
    zone: str
    totals: Counter[str] = field(default_factory=Counter)
    by: dict[str, dict[str, Counter[str]]] = field(default_factory=dict)
    decisions_by_status: Counter[str] = field(default_factory=Counter)
    open_items: int = 0
    due_soon: list[tuple[int, str, datetime]] = field(default_factory=list)

    def table(self, key: str) -> list[tuple[str, int, int, int]]:
        b = self.by[key]
        names = sorted(set(b["flags"]) | set(b["decisions"]) | set(b["confirmed"]),
                       key=lambda n: (-b["flags"][n], -b["confirmed"][n], n))
        return [(n, b["flags"][n], b["decisions"][n], b["confirmed"][n]) for n in names]


def _keys(post: Post, item: ReviewItem) -> dict[str, str]:
    unit = post.person.unit or post.person.agency if post.person else UNLINKED
    return {"unit": unit or UNLINKED, "category": item.category or NONE_CAT,
            "platform": post.platform}


def daily_stats(session: Session, day: date, settings: Settings | None = None,
                now: datetime | None = None) -> DailyStats:
    settings = settings or get_settings()
    tz = settings.tz
    start = datetime.combine(day, time(), tz)
    end = start + timedelta(days=1)
    st = DailyStats(day=day, zone=zone_label(tz))
    st.by = {k: {m: Counter() for m, _ in MEASURES} for k, _ in BREAKDOWNS}
    for item in session.execute(select(ReviewItem).where(ReviewItem.queued_at >= start,
                                                         ReviewItem.queued_at < end)).scalars():
        st.totals["flags"] += 1
        for k, v in _keys(item.post, item).items():
            st.by[k]["flags"][v] += 1
    for d in session.execute(select(Decision).where(Decision.created_at >= start,
                                                    Decision.created_at < end)).scalars():
        st.totals["decisions"] += 1
        st.decisions_by_status[d.to_status] += 1
        keys = _keys(d.item.post, d.item)
        for k, v in keys.items():
            st.by[k]["decisions"][v] += 1
        if d.to_status == ReviewStatus.TERKONFIRMASI.value:
            st.totals["confirmed"] += 1
            for k, v in keys.items():
                st.by[k]["confirmed"][v] += 1
    now = now or end
    deadline = timedelta(days=settings.review.report_deadline_days)
    for item in session.execute(select(ReviewItem).where(ReviewItem.status.in_(OPEN),
                                                         ReviewItem.queued_at < end)).scalars():
        st.open_items += 1
        due = item.known_at + deadline
        if due - now <= timedelta(days=2):
            st.due_soon.append((item.id, item.status.value, due))
    st.due_soon.sort(key=lambda t: t[2])
    return st


def _day_text(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def build_xlsx(st: DailyStats) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="16325C")
    ws.append([f"Laporan harian pemantauan netralitas ASN — {_day_text(st.day)} ({st.zone})"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(["Ukuran", "Jumlah"])
    for c in ws[3]:
        c.font, c.fill = head_font, head_fill
    for key, label in MEASURES:
        ws.append([label, st.totals[key]])
    ws.append(["Kasus terbuka (belum diputus)", st.open_items])
    ws.append(["Mendekati batas pelaporan (≤ 2 hari)", len(st.due_soon)])
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 12
    for key, title in BREAKDOWNS:
        sh = wb.create_sheet(title)
        label = {"unit": "OPD / unit kerja", "category": "Kategori", "platform": "Platform"}[key]
        sh.append([label] + [m for _, m in MEASURES])
        for c in sh[1]:
            c.font, c.fill = head_font, head_fill
        rows = st.table(key)
        for r in rows:
            sh.append(list(r))
        sh.column_dimensions["A"].width = 40
        for col in "BCD":
            sh.column_dimensions[col].width = 14
        if rows:
            chart = BarChart()
            chart.type = "bar"
            chart.title = f"{title}: ditandai, keputusan, terkonfirmasi"
            chart.y_axis.title = "jumlah"
            data = Reference(sh, min_col=2, max_col=4, min_row=1, max_row=len(rows) + 1)
            cats = Reference(sh, min_col=1, min_row=2, max_row=len(rows) + 1)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(cats)
            chart.height = max(7.5, 1.2 * len(rows) + 3)
            chart.width = 18
            sh.add_chart(chart, "F2")
    moment = datetime.combine(st.day, time(), UTC).replace(tzinfo=None)
    wb.properties.created = moment
    wb.properties.modified = moment
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_pdf(st: DailyStats, settings: Settings) -> bytes:
    tz = settings.tz
    as_of = datetime.combine(st.day + timedelta(days=1), time(), tz)
    pdf = OfficePDF(title=f"Laporan harian pemantauan netralitas ASN — {_day_text(st.day)}",
                    office=settings.office_name, as_of=as_of, doc_key=f"harian:{st.day}",
                    subtitle=f"Hari kalender {_day_text(st.day)} ({st.zone}). Semua temuan "
                             "berstatus dugaan sampai diputus peninjau.")
    pdf.add_page()
    pdf.h1("Laporan Harian Pemantauan Netralitas ASN")
    # summary tiles
    tiles = [(label, st.totals[key]) for key, label in MEASURES]
    tiles += [("Kasus terbuka", st.open_items), ("Batas ≤ 2 hari", len(st.due_soon))]
    w = (pdf.w - pdf.l_margin - pdf.r_margin - 4 * 3) / 5
    y = pdf.get_y()
    for i, (label, value) in enumerate(tiles):
        x = pdf.l_margin + i * (w + 3)
        pdf.set_fill_color(*(WARN if label.startswith("Batas") and value else NAVY))
        pdf.rect(x, y, w, 18, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_xy(x, y + 2)
        pdf.set_font(FONT, "B", 15)
        pdf.cell(w, 8, str(value), align="C")
        pdf.set_xy(x, y + 11)
        pdf.set_font(FONT, "", 7.5)
        pdf.cell(w, 4, label, align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(y + 23)
    for key, title in BREAKDOWNS:
        rows = st.table(key)
        pdf.section(title)
        if not rows:
            pdf.para("Tidak ada data pada hari ini.")
            continue
        named = [(_label(key, r[0]), r) for r in rows]
        pdf.bar_chart("Ditandai", [(n, r[1]) for n, r in named[:12]], color=NAVY)
        if any(r[3] for _, r in named):
            pdf.bar_chart("Terkonfirmasi", [(n, r[3]) for n, r in named[:12] if r[3]],
                          color=WARN)
        pdf.table(["Nama", "Ditandai", "Keputusan", "Terkonfirmasi"],
                  [[n, str(r[1]), str(r[2]), str(r[3])] for n, r in named], [96, 26, 26, 26])
    pdf.section("Kasus terbuka yang mendekati batas pelaporan")
    if st.due_soon:
        pdf.table(["Kasus", "Status", "Batas pelaporan"],
                  [[str(i), STATUS_LABELS.get(s, s),
                    due.astimezone(tz).strftime("%d-%m-%Y %H.%M ") + st.zone]
                   for i, s, due in st.due_soon], [30, 60, 84])
    else:
        pdf.para("Tidak ada.")
    pdf.set_font(FONT, "I", 7.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4, "Kategori NET-* bersifat indikatif; penilaian pelanggaran dan sanksi "
                   "menjadi kewenangan pejabat yang berwenang.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _label(key: str, value: str) -> str:
    if key == "category":
        ind = indication_for(value)
        return f"{value} {ind.name}" if ind else value
    return value


def build_daily(session: Session, day: date, out_dir: Path,
                settings: Settings | None = None) -> tuple[Path, Path]:
    settings = settings or get_settings()
    st = daily_stats(session, day, settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = out_dir / f"laporan-harian-{day.isoformat()}.xlsx"
    pdf = out_dir / f"laporan-harian-{day.isoformat()}.pdf"
    xlsx.write_bytes(build_xlsx(st))
    pdf.write_bytes(build_pdf(st, settings))
    return xlsx, pdf
