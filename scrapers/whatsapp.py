"""WhatsApp "Export chat" ``.txt`` files (Android and iOS, Indonesian and English).

Pure: ``parse_export(data, filename=..., group=..., tz=...)`` -> ``list[ParsedPost]``;
``parse_export_detailed`` returns a ``WhatsAppParseResult`` with counts as well.

Formats (detected from the file, not from the user):

* Android: ``30/08/25 18.00 - Nama: pesan`` (also ``,`` after the date, ``:`` in times,
  4-digit years, ``AM/PM``/``a. m.``, ``yyyy/mm/dd``);
* iOS: ``[12/01/24 14.05.33] Nama: pesan``.

Day/month order is resolved over the whole file (any first field > 12 means day first; any
second field > 12 means month first; otherwise day first, the Indonesian locale). Lines
without a timestamp continue the previous message. System lines (no ``Nama:``, or iOS lines
whose body starts with U+200E) are skipped and counted. Placeholders are stripped from the
text and become flags in ``extra``: ``media_omitted`` (+``media_kind``), ``deleted``,
``edited``, ``attachment`` (file name). U+200E/U+200F/U+202A-E/U+2066-9 are removed and
U+00A0/U+202F become spaces. UTF-8 (with or without BOM), UTF-16 (BOM) and a ZIP export
containing one ``.txt`` are read; other bytes fall back to cp1252 (noted in the result).

``external_id`` = sha256(group, ISO local timestamp, author as shown, message text as shown,
occurrence index among identical tuples)[:32]: stable across re-imports of the same or a
longer export of the same chat. ``thread_key`` = group. ``author_phone`` is E.164 when the
sender is shown as a phone number (``+62 812-0000-1234`` or ``0812...``).

Limits: an export has no message ids, no reply links and minute (Android) or second (iOS)
resolution; the same chat exported "with media" and "without media" yields different text
for media messages and therefore different ids. WhatsApp has no collection API: exports are
handed over by members of the group. No credentials.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers

from scrapers.base import ParsedPost, ParseError

PLATFORM = "whatsapp"
MAX_ZIP_MEMBER_BYTES = 512 * 1024 * 1024

_JUNK = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"))
_SPACES = {0x00A0: " ", 0x202F: " ", 0x2007: " ", 0x2011: "-"}

_DATE = r"(?P<d1>\d{1,4})[./-](?P<d2>\d{1,2})[./-](?P<d3>\d{1,4})"
_TIME = r"(?P<h>\d{1,2})[.:](?P<mi>\d{2})(?:[.:](?P<s>\d{2}))?"
_AMPM = r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
_ANDROID = re.compile(rf"^{_DATE},?\s+{_TIME}{_AMPM}\.?\s+[-\u2013]\s(?P<rest>.*)$")
_IOS = re.compile(rf"^\[{_DATE},?\s+{_TIME}{_AMPM}\]\s(?P<rest>.*)$")
_AUTHOR = re.compile(r"^(?P<author>[^:]{1,100}?):(?P<msg>(?: .*)?|[^ ].*)$", re.DOTALL)
_PHONE_LIKE = re.compile(r"^\+?[\d][\d\s\-().]{6,}\d$")

_SYSTEM_HINT = re.compile(
    r"(terenkripsi|end-to-end|bergabung|menambahkan|mengeluarkan|keluar$|membuat grup|"
    r"mengubah (subjek|ikon|deskripsi|nomor|setelan)|telah mengganti|"
    r"joined using|created group|added|removed|left$|changed (the|this|their|to)|"
    r"you were added|anda ditambahkan|pesan sementara|disappearing messages)",
    re.IGNORECASE,
)

_MEDIA_OMITTED = re.compile(
    r"^\s*(?:<\s*(?:media tidak disertakan|media omitted)\s*>|"
    r"(?P<kind>gambar|image|video|audio|stiker|sticker|gif|dokumen|document|kontak|contact)"
    r"\s+(?:tidak disertakan|omitted))\s*$",
    re.IGNORECASE,
)
_DELETED = re.compile(
    r"^\s*(pesan ini telah dihapus|this message was deleted|anda menghapus pesan ini|"
    r"you deleted this message)\.?\s*$",
    re.IGNORECASE,
)
_EDITED = re.compile(r"\s*<\s*(pesan ini diedit|this message was edited)\s*>\s*$", re.IGNORECASE)
_ATTACH_ANDROID = re.compile(r"^\s*(?P<name>.+?\.\w{1,5})\s+\((?:file terlampir|file attached)\)\s*$")
_ATTACH_IOS = re.compile(r"^\s*<(?:terlampir|attached):\s*(?P<name>[^>]+)>\s*$", re.IGNORECASE)
_MEDIA_KIND = {
    "gambar": "image", "image": "image", "video": "video", "audio": "audio",
    "stiker": "sticker", "sticker": "sticker", "gif": "gif", "dokumen": "document",
    "document": "document", "kontak": "contact", "contact": "contact",
}  # fmt: skip


@dataclass
class WhatsAppParseResult:
    posts: list[ParsedPost]
    format: str  # "android" | "ios"
    date_order: str  # "dmy" | "mdy" | "ymd"
    encoding: str
    system_lines: int = 0
    skipped_lines: int = 0  # text before the first timestamped line
    system_samples: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    line_no: int
    groups: dict[str, str | None]
    author: str | None
    lines: list[str]
    system: bool


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        data = _from_zip(data, filename)
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(enc), enc
            except UnicodeDecodeError as exc:
                raise ParseError(f"invalid {enc} at byte {exc.start}", location=filename) from exc
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        try:
            return data.decode("utf-16-le"), "utf-16-le"
        except UnicodeDecodeError:
            pass
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ParseError("binary data (NUL byte), not a WhatsApp text export", location=f"{filename}:{line}")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _from_zip(data: bytes, filename: str) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            txts = [i for i in zf.infolist() if i.filename.lower().endswith(".txt")]
            if len(txts) != 1:
                raise ParseError(
                    f"ZIP archive has {len(txts)} .txt files; expected one chat export",
                    location=filename,
                )
            if txts[0].file_size > MAX_ZIP_MEMBER_BYTES:
                raise ParseError(f"{txts[0].filename} too large in ZIP", location=filename)
            return zf.read(txts[0])
    except zipfile.BadZipFile as exc:
        raise ParseError(f"corrupt ZIP archive: {exc}", location=filename) from exc


def _clean(line: str) -> str:
    return line.translate(_JUNK).translate(_SPACES)


def normalise_phone(shown: str) -> str | None:
    """'+62 812-0000-1234' / '0812 0000 1234' -> '+6281200001234'; None if not a phone."""
    s = shown.strip()
    if not _PHONE_LIKE.match(s):
        return None
    try:
        num = phonenumbers.parse(s, "ID")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(num):
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


def _date_order(entries: list[_Entry], filename: str) -> str:
    if entries and len(entries[0].groups["d1"] or "") == 4:
        return "ymd"
    first_big = next((e for e in entries if int(e.groups["d1"] or 0) > 12), None)
    second_big = next((e for e in entries if int(e.groups["d2"] or 0) > 12), None)
    if first_big and second_big:
        raise ParseError(
            f"inconsistent day/month order: line {first_big.line_no} has day first, "
            f"line {second_big.line_no} has month first",
            location=f"{filename}:{second_big.line_no}",
        )
    if first_big:
        return "dmy"
    if second_big:
        return "mdy"
    return "dmy"  # ambiguous throughout: the Indonesian locale writes day first


def _timestamp(g: dict[str, str | None], order: str, tz: ZoneInfo, where: str) -> datetime:
    a, b, c = int(g["d1"] or 0), int(g["d2"] or 0), int(g["d3"] or 0)
    if order == "ymd" or len(g["d1"] or "") == 4:
        year, month, day = a, b, c
    elif order == "mdy":
        month, day, year = a, b, c
    else:
        day, month, year = a, b, c
    if year < 100:
        year += 2000
    hour, minute, second = int(g["h"] or 0), int(g["mi"] or 0), int(g["s"] or 0)
    ampm = (g.get("ampm") or "").lower().replace(".", "").replace(" ", "")
    if ampm:
        if not 0 <= hour <= 12:
            raise ParseError(f"hour {hour} with {g['ampm']!r}", location=where)
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError as exc:
        raise ParseError(f"invalid date/time ({exc}; order {order})", location=where) from exc


def _placeholders(text: str) -> tuple[str, dict[str, Any]]:
    flags: dict[str, Any] = {}
    m = _EDITED.search(text)
    if m:
        flags["edited"] = True
        text = text[: m.start()]
    lines = text.split("\n")
    first = lines[0]
    if m := _MEDIA_OMITTED.match(first):
        flags["media_omitted"] = True
        if m.group("kind"):
            flags["media_kind"] = _MEDIA_KIND[m.group("kind").lower()]
        lines = lines[1:]
    elif _DELETED.match(text):
        flags["deleted"] = True
        lines = []
    elif m := (_ATTACH_ANDROID.match(first) or _ATTACH_IOS.match(first)):
        flags["attachment"] = m.group("name").strip()
        lines = lines[1:]
    return "\n".join(lines).strip("\n"), flags


def parse_export_detailed(
    data: bytes, *, filename: str, group: str, tz: ZoneInfo, dayfirst: bool | None = None
) -> WhatsAppParseResult:
    if not data.strip():
        raise ParseError("empty file", location=filename)
    text, encoding = _decode(data, filename)
    raw_lines = text.splitlines()

    # Detect the format from the first timestamped lines.
    fmt: str | None = None
    for line in raw_lines[:200]:
        c = _clean(line)
        if _IOS.match(c):
            fmt = "ios"
            break
        if _ANDROID.match(c):
            fmt = "android"
            break
    if fmt is None:
        first = next((i for i, line in enumerate(raw_lines, 1) if line.strip()), 1)
        raise ParseError(
            f"no WhatsApp message lines recognised (line {first}: {raw_lines[first - 1][:60]!r})",
            location=f"{filename}:{first}",
        )
    pattern = _IOS if fmt == "ios" else _ANDROID

    entries: list[_Entry] = []
    skipped = 0
    for no, line in enumerate(raw_lines, 1):
        c = _clean(line)
        m = pattern.match(c)
        if m is None:
            if entries:
                entries[-1].lines.append(c)
            elif c.strip():
                skipped += 1
            continue
        rest = m.group("rest")
        body_starts_junk = False
        am = _AUTHOR.match(rest)
        author: str | None = None
        body = rest
        system = True
        if am is not None:
            cand = am.group("author").strip()
            raw_rest = line[line.find("]") + 1 :] if fmt == "ios" else line
            raw_msg = raw_rest.split(":", 1)[1] if ":" in raw_rest else ""
            body_starts_junk = raw_msg.lstrip(" ").startswith("\u200e")
            if cand and '"' not in cand and "\u201c" not in cand:
                author = cand
                body = am.group("msg")[1:] if am.group("msg").startswith(" ") else am.group("msg")
                system = False
        if fmt == "ios" and not system and body_starts_junk:
            # iOS marks system events ("X added Y") with U+200E; placeholders also carry it.
            probe = body.strip()
            if not (
                _MEDIA_OMITTED.match(probe)
                or _DELETED.match(probe)
                or _ATTACH_IOS.match(probe)
                or _EDITED.search(probe)
            ):
                system = True
        if not system and author is not None and _SYSTEM_HINT.search(author) and len(author) > 40:
            system = True
        entries.append(_Entry(no, m.groupdict(), author, [body], system))

    if dayfirst is None:
        order = _date_order(entries, filename)
    elif entries and len(entries[0].groups["d1"] or "") == 4:
        order = "ymd"
    else:
        order = "dmy" if dayfirst else "mdy"

    posts: list[ParsedPost] = []
    seen: Counter[tuple[str, str, str]] = Counter()
    system_lines = 0
    samples: list[str] = []
    for e in entries:
        where = f"{filename}:{e.line_no}"
        ts = _timestamp(e.groups, order, tz, where)
        if e.system or e.author is None:
            system_lines += 1
            if len(samples) < 5:
                samples.append(e.lines[0][:120])
            continue
        shown = "\n".join(e.lines).rstrip()
        iso = ts.replace(tzinfo=None).isoformat()
        key = (iso, e.author, shown)
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256(
            "\x1f".join([group, iso, e.author, shown, str(occurrence)]).encode("utf-8")
        ).hexdigest()[:32]
        clean_text, flags = _placeholders(shown)
        extra: dict[str, Any] = {"line": e.line_no, "format": fmt, **flags}
        posts.append(
            ParsedPost(
                platform=PLATFORM,
                external_id=digest,
                posted_at=ts,
                text=clean_text,
                raw={  # no file name or line number: stable across re-imports/longer exports
                    "group": group,
                    "timestamp": iso,
                    "author": e.author,
                    "text": shown,
                    "occurrence": occurrence,
                },
                author_name=e.author,
                author_phone=normalise_phone(e.author),
                thread_key=group,
                extra=extra,
            )
        )
    return WhatsAppParseResult(
        posts=posts,
        format=fmt,
        date_order=order,
        encoding=encoding,
        system_lines=system_lines,
        skipped_lines=skipped,
        system_samples=samples,
    )


def parse_export(
    data: bytes, *, filename: str, group: str, tz: ZoneInfo, dayfirst: bool | None = None
) -> list[ParsedPost]:
    """Parse a WhatsApp text export into posts (see module docstring)."""
    return parse_export_detailed(data, filename=filename, group=group, tz=tz, dayfirst=dayfirst).posts
