"""RFC 3161 time-stamp for ``manifest.json`` (optional; only when a TSA URL is configured).

The request is a small DER structure built here (SHA-256 message imprint, random nonce,
``certReq`` true); the TSA's full ``TimeStampResp`` is stored as ``timestamp.tsr``, which
``openssl ts -reply -in timestamp.tsr -text`` reads and ``openssl ts -verify -data
manifest.json -in timestamp.tsr -CAfile <tsa-chain>`` verifies. ``check_timestamp`` here only
checks that the TSA granted the request and that the token covers this manifest's digest;
it does not validate the TSA's certificate chain.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from pantau.errors import PantauError

SHA256_OID = bytes.fromhex("0609608648016503040201")
Post = Callable[[str, bytes], tuple[int, bytes]]


class TimestampError(PantauError):
    pass


def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _len(len(content)) + content


def der_int(value: int) -> bytes:
    return tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def read_tlv(buf: bytes, pos: int = 0) -> tuple[int, int, int]:
    """(tag, content start, content end) of the element at ``pos``."""
    if pos + 2 > len(buf):
        raise TimestampError("DER terpotong")
    tag, first = buf[pos], buf[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        n = first & 0x7F
        if n == 0 or n > 4 or pos + n > len(buf):
            raise TimestampError("panjang DER tidak valid")
        length = int.from_bytes(buf[pos:pos + n], "big")
        pos += n
    if pos + length > len(buf):
        raise TimestampError("DER terpotong")
    return tag, pos, pos + length


def children(buf: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    pos = start
    while pos < end:
        tag, s, e = read_tlv(buf, pos)
        out.append((tag, s, e))
        pos = e
    return out


def build_request(data: bytes, nonce: int | None = None) -> bytes:
    digest = hashlib.sha256(data).digest()
    imprint = tlv(0x30, tlv(0x30, SHA256_OID + b"\x05\x00") + tlv(0x04, digest))
    nonce = secrets.randbits(63) if nonce is None else nonce
    return tlv(0x30, der_int(1) + imprint + der_int(nonce) + tlv(0x01, b"\xff"))


def check_timestamp(tsr: bytes, data: bytes) -> str | None:
    """None when the response grants a token covering ``data``; else what is wrong."""
    try:
        tag, s, e = read_tlv(tsr)
        parts = children(tsr, s, e)
        if tag != 0x30 or not parts or parts[0][0] != 0x30:
            return "bukan TimeStampResp"
        status_info = children(tsr, parts[0][1], parts[0][2])
        status = int.from_bytes(tsr[status_info[0][1]:status_info[0][2]], "big")
    except (TimestampError, IndexError):
        return "TimeStampResp tidak dapat dibaca"
    if status not in (0, 1):
        return f"TSA menolak permintaan (status {status})"
    if len(parts) < 2:
        return "tidak ada token cap waktu"
    token = tsr[parts[1][1]:parts[1][2]]
    if hashlib.sha256(data).digest() not in token:
        return "token cap waktu tidak mencakup manifest.json ini"
    return None


def _httpx_post(url: str, body: bytes) -> tuple[int, bytes]:
    import httpx

    r = httpx.post(url, content=body, timeout=30,
                   headers={"Content-Type": "application/timestamp-query"})
    return r.status_code, r.content


def request_timestamp(data: bytes, tsa_url: str, *, post: Post | None = None) -> bytes:
    """Ask the TSA for a token over SHA-256(``data``); returns the DER TimeStampResp."""
    status, body = (post or _httpx_post)(tsa_url, build_request(data))
    if status != 200:
        raise TimestampError(f"TSA {tsa_url} menjawab HTTP {status}")
    problem = check_timestamp(body, data)
    if problem:
        raise TimestampError(f"TSA {tsa_url}: {problem}")
    return body
