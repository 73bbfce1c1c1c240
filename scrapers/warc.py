"""WARC archiving of every HTTP exchange, as received.

``warcio.capture_http`` only patches ``http.client`` and does not see httpx traffic, so the
polite client (``scrapers/http.py``) writes a ``response`` record (status line, headers and
the payload bytes as they came off the wire, content-encoding included) followed by a
``request`` record (``WARC-Concurrent-To`` the response) itself. Files are gzip-compressed
per record (standard ``.warc.gz``) and rotate once they exceed ``max_file_bytes``.

``read_warc_payload(path, offset)`` returns the (content-decoded) body of the response record
that starts at ``offset``: this is how captures are re-parsed later and how evidence is
exported from the archive.
"""

from __future__ import annotations

import io
import os
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024


class WarcReadError(Exception):
    """The archive record cannot be read back (missing file, wrong offset, corrupt data)."""


@dataclass(frozen=True)
class WarcLocation:
    path: str
    offset: int
    record_id: str


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcArchive:
    """Thread-safe writer of request/response pairs into rotating ``.warc.gz`` files."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        prefix: str = "pantau",
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        software: str = "pantau",
    ) -> None:
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_file_bytes = max_file_bytes
        self.software = software
        self._lock = threading.Lock()
        self._current: Path | None = None
        self._seq = 0

    # -- file rotation -------------------------------------------------------------------
    def _new_path(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self._seq += 1
        host = socket.gethostname().split(".")[0] or "host"
        name = f"{self.prefix}-{stamp}-{os.getpid()}-{host}-{self._seq:05d}.warc.gz"
        return self.directory / name

    def _target(self) -> tuple[Path, bool]:
        """Current file (and whether it is new and needs a warcinfo record)."""
        cur = self._current
        if cur is not None and cur.exists() and cur.stat().st_size < self.max_file_bytes:
            return cur, False
        self.directory.mkdir(parents=True, exist_ok=True)
        self._current = self._new_path()
        return self._current, True

    # -- writing ---------------------------------------------------------------------------
    def write_exchange(
        self,
        *,
        url: str,
        method: str,
        request_headers: Iterable[tuple[str, str]],
        protocol: str,
        status: int,
        reason: str,
        response_headers: Iterable[tuple[str, str]],
        raw_body: bytes,
        fetched_at: datetime,
        peer_ip: str | None = None,
        truncated: str | None = None,
    ) -> WarcLocation:
        """Append a response record and its request record; return where the response is."""
        protocol = protocol or "HTTP/1.1"
        with self._lock:
            path, is_new = self._target()
            with open(path, "ab") as out:
                writer = WARCWriter(out, gzip=True)
                if is_new:
                    info = writer.create_warcinfo_record(
                        path.name,
                        {"software": self.software, "format": "WARC File Format 1.1"},
                    )
                    writer.write_record(info)
                date = _warc_date(fetched_at)
                resp_headers = StatusAndHeaders(
                    f"{status} {reason}".strip(),
                    list(response_headers),
                    protocol=protocol,
                )
                warc_headers = {"WARC-Date": date}
                if peer_ip:
                    warc_headers["WARC-IP-Address"] = peer_ip
                if truncated:
                    warc_headers["WARC-Truncated"] = truncated
                response = writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(raw_body),
                    length=len(raw_body),
                    http_headers=resp_headers,
                    warc_headers_dict=warc_headers,
                )
                record_id = response.rec_headers.get_header("WARC-Record-ID")
                offset = out.tell()
                writer.write_record(response)

                split = url.split("/", 3)
                request_target = "/" + split[3] if len(split) > 3 else "/"
                req_headers = StatusAndHeaders(
                    f"{method} {request_target} {protocol}",
                    list(request_headers),
                    is_http_request=True,
                )
                request = writer.create_warc_record(
                    url,
                    "request",
                    payload=io.BytesIO(b""),
                    length=0,
                    http_headers=req_headers,
                    warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
                )
                writer.write_record(request)
        return WarcLocation(path=str(path), offset=offset, record_id=record_id)


def read_warc_payload(path: str | os.PathLike[str], offset: int) -> bytes:
    """Return the content-decoded HTTP body of the record starting at ``offset``."""
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            for record in ArchiveIterator(fh):
                if record.rec_type not in ("response", "resource"):
                    raise WarcReadError(f"{path}@{offset}: record is {record.rec_type!r}, not a response")
                return bytes(record.content_stream().read())
    except OSError as exc:
        raise WarcReadError(f"{path}@{offset}: {exc}") from exc
    except WarcReadError:
        raise
    except Exception as exc:  # warcio raises assorted errors on corrupt input
        raise WarcReadError(f"{path}@{offset}: unreadable WARC record: {exc}") from exc
    raise WarcReadError(f"{path}@{offset}: no WARC record at this offset")
