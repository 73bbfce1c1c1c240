"""CSV/XLSX export of any review-queue filter (``export_queue``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from pantau.config import Settings, get_settings
from pantau.db.models import Person, Post, ReviewItem, ReviewStatus
from pantau.errors import PantauError

Fmt = Literal["csv", "xlsx"]

COLUMNS = ["kasus", "status", "skor", "kategori", "pemilihan", "platform", "waktu_unggah",
           "diketahui", "batas_pelaporan", "nama", "nip", "jabatan", "unit_kerja", "instansi",
           "akun", "url", "diteruskan_ke", "nomor_referensi", "teks"]


class FilterError(PantauError):
    pass


@dataclass
class QueueFilters:
    status: list[str] | None = None
    category: list[str] | None = None
    platform: list[str] | None = None
    unit: str | None = None
    election: str | None = None
    since: date | None = None  # known_at, local date, inclusive
    until: date | None = None  # known_at, local date, inclusive

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | QueueFilters | None) -> QueueFilters:
        if data is None:
            return cls()
        if isinstance(data, QueueFilters):
            return data
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise FilterError(f"filter tidak dikenal: {', '.join(sorted(unknown))}")
        values = {k: v for k, v in data.items() if v not in (None, "", [])}
        for key in ("status", "category", "platform"):
            if isinstance(values.get(key), str):
                values[key] = [values[key]]
        for key in ("since", "until"):
            if isinstance(values.get(key), str):
                try:
                    values[key] = date.fromisoformat(values[key])
                except ValueError as exc:
                    raise FilterError(f"filter {key}: tanggal tidak valid "
                                      f"{values[key]!r} (YYYY-MM-DD)") from exc
        for s in values.get("status") or []:
            if s not in {m.value for m in ReviewStatus}:
                raise FilterError(f"filter status: {s!r} tidak dikenal "
                                  f"({', '.join(m.value for m in ReviewStatus)})")
        return cls(**values)


def _stmt(f: QueueFilters, settings: Settings) -> Select[Any]:
    person = aliased(Person)
    stmt = (select(ReviewItem).join(Post, ReviewItem.post_id == Post.id)
            .outerjoin(person, Post.person_id == person.id))
    if f.status:
        stmt = stmt.where(ReviewItem.status.in_([ReviewStatus(s) for s in f.status]))
    if f.category:
        stmt = stmt.where(ReviewItem.category.in_(f.category))
    if f.platform:
        stmt = stmt.where(Post.platform.in_(f.platform))
    if f.unit:
        stmt = stmt.where(person.unit == f.unit)
    if f.election:
        stmt = stmt.where(ReviewItem.election == f.election)
    tz = settings.tz
    if f.since:
        stmt = stmt.where(ReviewItem.known_at >= datetime.combine(f.since, time(), tz))
    if f.until:
        stmt = stmt.where(ReviewItem.known_at <
                          datetime.combine(f.until + timedelta(days=1), time(), tz))
    return stmt.order_by(ReviewItem.known_at, ReviewItem.id)


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text that came from the internet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def queue_rows(session: Session, filters: Mapping[str, Any] | QueueFilters | None,
               settings: Settings | None = None) -> list[list[Any]]:
    settings = settings or get_settings()
    f = QueueFilters.from_mapping(filters)
    tz = settings.tz
    days = settings.review.report_deadline_days
    rows = []
    for item in session.execute(_stmt(f, settings)).scalars():
        post, person = item.post, item.post.person

        def local(v: datetime | None) -> str:
            return "" if v is None else v.astimezone(tz).strftime("%Y-%m-%d %H:%M")

        rows.append([
            item.id, item.status.value, round(item.score, 4), item.category or "",
            item.election or "", post.platform, local(post.posted_at), local(item.known_at),
            local(item.known_at + timedelta(days=days)),
            person.name if person else "", (person.nip or "") if person else "",
            (person.position or "") if person else "", (person.unit or "") if person else "",
            person.agency if person else "", post.author_handle or post.author_name or "",
            post.url or "", item.routed_to or "", item.reference or "",
            _safe(post.text or ""),
        ])
    return [[_safe(v) for v in r] for r in rows]


def export_queue(session: Session, filters: Mapping[str, Any] | QueueFilters | None,
                 fmt: Fmt, settings: Settings | None = None) -> bytes:
    """The filtered queue as CSV (UTF-8 with BOM, for Excel) or XLSX bytes."""
    rows = queue_rows(session, filters, settings)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        wb = Workbook()
        ws = wb.active
        ws.title = "Antrean"
        ws.append(COLUMNS)
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="16325C")
        for r in rows:
            ws.append(r)
        ws.freeze_panes = "A2"
        for col, width in zip("ABCDEFGHIJKLMNOPQRS", [7, 18, 7, 10, 20, 11, 17, 17, 17, 26, 20,
                                                        24, 28, 28, 18, 36, 12, 20, 60],
                              strict=True):
            ws.column_dimensions[col].width = width
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    raise FilterError(f"format tidak dikenal: {fmt!r} (csv|xlsx)")
