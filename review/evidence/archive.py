"""Reading a capture back out of the WARC archive, as stored.

``raw_records`` copies the stored (gzip-member) bytes of the response record at the
capture's offset and of the request record concurrent to it — byte for byte, so the copy in
a packet has the same digest as the archive. ``payload`` returns the decoded HTTP body.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from pantau.errors import PantauError


class ArchiveError(PantauError):
    pass


@dataclass(frozen=True)
class ArchivedResponse:
    raw: bytes  # stored bytes of the record(s), ready to be written as a .warc.gz
    payload: bytes  # decoded HTTP body
    status: int | None
    content_type: str | None
    target_uri: str | None
    warc_date: str | None


def read_capture(warc_path: str | Path, offset: int) -> ArchivedResponse:
    path = Path(warc_path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, offsets needed while iterating
    except OSError as exc:
        raise ArchiveError(f"arsip WARC tidak dapat dibuka: {path}: {exc}") from exc
    with fh:
        try:
            fh.seek(offset)
            it = ArchiveIterator(fh)
            ranges: list[tuple[int, int]] = []
            payload = b""
            status = ctype = uri = date = None
            record_id = None
            for record in it:
                kind = record.rec_type
                if not ranges:
                    if kind not in ("response", "resource"):
                        raise ArchiveError(f"{path}@{offset}: rekaman {kind!r}, bukan response")
                    payload = bytes(record.content_stream().read())
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    date = record.rec_headers.get_header("WARC-Date")
                    if record.http_headers is not None:
                        code = record.http_headers.get_statuscode()
                        status = int(code) if code and code.isdigit() else None
                        ctype = record.http_headers.get_header("Content-Type")
                    it.read_to_end(record)
                    ranges.append((it.get_record_offset(), it.get_record_length()))
                    continue
                concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
                if kind == "request" and concurrent == record_id:
                    it.read_to_end(record)
                    ranges.append((it.get_record_offset(), it.get_record_length()))
                break
        except ArchiveError:
            raise
        except Exception as exc:  # warcio raises assorted errors on corrupt input
            raise ArchiveError(f"{path}@{offset}: rekaman WARC tidak terbaca: {exc}") from exc
        if not ranges:
            raise ArchiveError(f"{path}@{offset}: tidak ada rekaman WARC pada posisi ini")
        raw = b""
        for start, length in ranges:
            fh.seek(start)
            raw += fh.read(length)
    return ArchivedResponse(raw=raw, payload=payload, status=status, content_type=ctype,
                            target_uri=uri, warc_date=date)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
