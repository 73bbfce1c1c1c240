"""The one polite HTTP client every network source uses.

``PoliteClient`` is the only place in pantau with retries. It provides:

* an honest ``User-Agent`` (``HttpSettings.user_agent``) and ``From`` header;
* per-host rate limiting (``min_delay_s`` between requests to one host, or the robots.txt
  ``Crawl-delay`` when larger) and a per-host concurrency cap; different hosts proceed in
  parallel when the client is used from several threads;
* robots.txt (``protego``), cached per host: 404/410 (any 4xx) means "allowed", an
  unreachable robots.txt or a 5xx means "disallowed" (RFC 9309 section 2.3.1);
* retries on transport errors, 429 and 5xx with exponential backoff and jitter (bounded by
  ``backoff_max_s``), honouring ``Retry-After`` (seconds or HTTP date) and
  ``X-RateLimit-Reset``/``x-rate-limit-reset`` (epoch seconds);
* timeouts (per read, and per whole transfer against slow-drip servers) and a response
  size cap (the body is streamed and the transfer aborted beyond ``max_response_bytes``,
  compressed or decompressed);
* an optional SSRF guard (citizen tips): http/https only, every address the host resolves
  to must be public unless the host is in ``allow_private_hosts``, each redirect hop is
  re-checked, redirects are limited;
* every response (retries and redirects included) archived into WARC via
  ``scrapers.warc.WarcArchive`` before it is returned.

Sleeping and the clock are injectable so that tests never wait for real backoffs.

Limitation: the SSRF check resolves the host name and httpx resolves it again when it
connects, so a DNS server that answers differently the second time (DNS rebinding) is not
caught. Run tip fetching on a host whose egress firewall blocks private ranges as well.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import logging
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx
from protego import Protego

from pantau.config import HttpSettings
from scrapers.base import sha256_bytes
from scrapers.warc import WarcArchive, read_warc_payload

__all__ = [
    "FetchError",
    "FetchedResponse",
    "HttpStatusError",
    "PoliteClient",
    "RateLimited",
    "ResponseTooLarge",
    "RobotsDisallowed",
    "UnsafeURL",
    "read_warc_payload",
]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 507, 508, 509, 520, 521, 522, 523, 524})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SECRET_PARAMS = frozenset({"key", "api_key", "apikey", "access_token", "token", "client_secret"})
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------
class FetchError(Exception):
    """A fetch that failed for good (after retries where retrying made sense)."""

    def __init__(self, message: str, *, url: str, response: FetchedResponse | None = None):
        self.url = url
        self.response = response
        super().__init__(f"{url}: {message}")


class RobotsDisallowed(FetchError):
    """robots.txt of the host forbids this URL for our user agent (or is unreachable)."""


class UnsafeURL(FetchError):
    """The SSRF guard refused the URL (scheme, private address, too many redirects)."""


class ResponseTooLarge(FetchError):
    """The body exceeded ``max_response_bytes``; the transfer was aborted."""


class HttpStatusError(FetchError):
    """A non-success status; ``response`` holds the archived response."""

    def __init__(self, message: str, *, url: str, response: FetchedResponse) -> None:
        self.status = response.status
        super().__init__(message, url=url, response=response)


class RateLimited(HttpStatusError):
    """The server asks us to wait longer than the client is willing to (``retry_at``)."""

    def __init__(self, message: str, *, url: str, response: FetchedResponse, retry_at: datetime) -> None:
        self.retry_at = retry_at
        super().__init__(message, url=url, response=response)


# --------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FetchedResponse:
    """One archived HTTP response. ``body`` is content-decoded; ``sha256`` is of ``body``.

    Maps 1:1 onto the ``capture`` table (url, sha256, status_code, content_type, size,
    warc_path, warc_record_id, warc_offset, fetched_at). Secret query parameters (``key``,
    ``access_token``, ...) are redacted in ``url``/``final_url`` and in the archive.
    """

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    sha256: str
    warc_path: str
    warc_offset: int
    warc_record_id: str
    fetched_at: datetime
    history: tuple[FetchedResponse, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def size(self) -> int:
        return len(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def text(self) -> str:
        charset = "utf-8"
        ctype = self.content_type or ""
        for part in ctype.split(";")[1:]:
            k, _, v = part.strip().partition("=")
            if k.lower() == "charset" and v:
                charset = v.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def raise_for_status(self) -> FetchedResponse:
        if not self.ok:
            raise HttpStatusError(f"HTTP {self.status}", url=self.final_url, response=self)
        return self


def redact_url(url: str) -> str:
    """Replace the values of secret query parameters (API keys, tokens) by ``REDACTED``."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k.lower() in SECRET_PARAMS for k, _ in pairs):
        return url
    query = urlencode([(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in pairs], safe=":/,@")
    return urlunsplit(parts._replace(query=query))


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def parse_reset_epoch(value: str | None, now: float) -> float | None:
    """Seconds to wait from an ``X-RateLimit-Reset`` value (epoch seconds or ISO date)."""
    if not value:
        return None
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return max(0.0, moment.timestamp() - now)
    # Some servers send a delta instead of an epoch; a value far below "now" is a delta.
    if number < 10**9:
        return max(0.0, number)
    return max(0.0, number - now)


def _default_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10"))
    )


class _Decoder:
    """Incremental content-decoding (gzip/deflate/identity) with an output cap."""

    def __init__(self, encoding: str | None) -> None:
        enc = (encoding or "identity").strip().lower()
        self.encoding = enc
        if enc in ("", "identity"):
            self._obj = None
        elif enc in ("gzip", "x-gzip"):
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif enc == "deflate":
            self._obj = zlib.decompressobj()
        else:
            raise ValueError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes, limit: int) -> bytes:
        if self._obj is None:
            return chunk
        # max_length=limit+1: when less comes out, all input was consumed
        return self._obj.decompress(chunk, max(limit, 0) + 1)

    def flush(self) -> bytes:
        return self._obj.flush() if self._obj is not None else b""


class _HostState:
    def __init__(self, concurrency: int) -> None:
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(concurrency)
        self.next_at = 0.0
        self.robots: Protego | None = None
        self.robots_checked = False
        self.robots_error: str | None = None
        self.crawl_delay: float | None = None


# --------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------
class PoliteClient:
    """Polite, archiving, retrying HTTP GET client. Use one instance per run (thread-safe)."""

    def __init__(
        self,
        settings: HttpSettings | None = None,
        *,
        warc_dir: str | Path | None = None,
        archive: WarcArchive | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        resolver: Callable[[str, int], list[str]] | None = None,
        max_redirects: int = 5,
        max_retry_wait_s: float = 900.0,
        total_timeout_s: float | None = None,
        host_slot: Callable[[str], AbstractContextManager[object]] | None = None,
    ) -> None:
        """``host_slot(url)``, when given, is entered around every request attempt after this
        process's own per-host turn: the hook for a limit shared by several processes or
        machines (``pantau.ops.limits.host_slot``, a Prefect global rate limit per host)."""
        self.settings = settings or HttpSettings()
        self._host_slot = host_slot or (lambda _url: nullcontext())
        if archive is None:
            if warc_dir is None:
                raise ValueError("PoliteClient needs warc_dir= or archive= (responses are archived)")
            archive = WarcArchive(warc_dir)
        self.archive = archive
        self._sleep = sleep
        self._clock = clock
        self._wallclock = wallclock
        self._rng = rng or random.Random()
        self._resolver = resolver or _default_resolver
        self.max_redirects = max_redirects
        self.max_retry_wait_s = max_retry_wait_s
        # timeout_s bounds each read; this bounds a whole transfer (slow-drip servers)
        self.total_timeout_s = total_timeout_s or max(3 * self.settings.timeout_s, 30.0)
        self._hosts: dict[str, _HostState] = {}
        self._hosts_lock = threading.Lock()
        self._allow_private = {h.lower() for h in self.settings.allow_private_hosts}
        self._http = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(self.settings.timeout_s),
            follow_redirects=False,
            headers={
                "User-Agent": self.settings.user_agent,
                "From": self.settings.contact,
                "Accept-Encoding": "gzip, deflate",
            },
        )

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API ------------------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        guard: bool = False,
        check_robots: bool | None = None,
        max_redirects: int | None = None,
    ) -> FetchedResponse:
        """GET ``url`` politely, following redirects; return the final archived response.

        Raises ``RobotsDisallowed``, ``UnsafeURL`` (``guard=True``), ``ResponseTooLarge``,
        ``RateLimited`` (server asks for a wait beyond ``max_retry_wait_s``),
        ``HttpStatusError`` (429/5xx still failing after retries) or ``FetchError``
        (transport errors after retries). Other statuses (e.g. 403, 404) are returned:
        call ``raise_for_status()`` or inspect ``status``.
        """
        if params:
            sep = "&" if urlsplit(url).query else "?"
            url = url + sep + urlencode(list(params.items()))
        robots = self.settings.respect_robots if check_robots is None else check_robots
        limit = self.max_redirects if max_redirects is None else max_redirects
        history: list[FetchedResponse] = []
        current = url
        for _hop in range(limit + 1):
            self._check_url(current, guard=guard)
            if robots:
                self._check_robots(current)
            resp = self._fetch_with_retries(current, headers or {})
            location = resp.headers.get("location")
            if resp.status in REDIRECT_STATUSES and location:
                history.append(resp)
                nxt = urljoin(current, location)
                if (headers and urlsplit(nxt).netloc != urlsplit(current).netloc) and any(
                    h.lower() in SECRET_HEADERS for h in headers
                ):
                    headers = {k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS}
                current = nxt
                continue
            return _with(resp, url=redact_url(url), history=tuple(history))
        raise UnsafeURL(f"more than {limit} redirects", url=redact_url(url))

    # -- guards ----------------------------------------------------------------------------
    def _check_url(self, url: str, *, guard: bool) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise UnsafeURL(f"scheme {parts.scheme!r} not allowed (http/https only)", url=url)
        host = (parts.hostname or "").lower()
        if not host:
            raise UnsafeURL("no host in URL", url=url)
        if not guard or host in self._allow_private:
            return
        if parts.username or parts.password:
            raise UnsafeURL("credentials in URL not allowed", url=url)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise UnsafeURL(f"invalid port: {exc}", url=url) from exc
        try:
            addresses = [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            try:
                addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self._resolver(host, port)]
            except (OSError, ValueError) as exc:
                raise UnsafeURL(f"cannot resolve host {host!r}: {exc}", url=url) from exc
        if not addresses:
            raise UnsafeURL(f"host {host!r} resolves to no address", url=url)
        for addr in addresses:
            if not _is_public(addr):
                raise UnsafeURL(f"host {host!r} resolves to non-public address {addr} (refused)", url=url)

    def _state(self, url: str) -> _HostState:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        with self._hosts_lock:
            state = self._hosts.get(key)
            if state is None:
                state = _HostState(self.settings.per_host_concurrency)
                self._hosts[key] = state
            return state

    def _check_robots(self, url: str) -> None:
        state = self._state(url)
        if not state.robots_checked:
            with state.lock:
                pending = not state.robots_checked
            if pending:
                self._load_robots(url, state)
        if state.robots_error:
            raise RobotsDisallowed(state.robots_error, url=redact_url(url))
        if state.robots is not None and not state.robots.can_fetch(url, self.settings.user_agent):
            raise RobotsDisallowed("disallowed by robots.txt", url=redact_url(url))

    def _load_robots(self, url: str, state: _HostState) -> None:
        parts = urlsplit(url)
        robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        error: str | None = None
        parser: Protego | None = None
        try:
            resp = self.get(robots_url, check_robots=False, max_redirects=5)
        except FetchError as exc:
            error = f"robots.txt unreachable ({exc}); treating host as disallowed"
        else:
            if 200 <= resp.status < 300:
                parser = Protego.parse(resp.body.decode("utf-8", errors="replace"))
            elif 400 <= resp.status < 500:
                parser = None  # 404/410 and other 4xx: no restrictions (RFC 9309)
            else:
                error = f"robots.txt answered HTTP {resp.status}; treating host as disallowed"
        delay: float | None = None
        if parser is not None:
            raw = parser.crawl_delay(self.settings.user_agent)
            delay = float(raw) if raw is not None else None
        with state.lock:
            state.robots = parser
            state.robots_error = error
            state.crawl_delay = delay
            state.robots_checked = True
            if delay:
                state.next_at = max(state.next_at, self._clock() + delay)

    # -- politeness --------------------------------------------------------------------------
    def _delay_for(self, state: _HostState) -> float:
        return max(self.settings.min_delay_s, state.crawl_delay or 0.0)

    def _wait_turn(self, state: _HostState) -> None:
        with state.lock:
            now = self._clock()
            start = max(now, state.next_at)
            state.next_at = start + self._delay_for(state)
        wait = start - now
        if wait > 0:
            self._sleep(wait)

    def _push_back(self, state: _HostState, seconds: float) -> None:
        with state.lock:
            state.next_at = max(state.next_at, self._clock() + seconds)

    def _backoff(self, attempt: int) -> float:
        base = self.settings.backoff_base_s * (2**attempt)
        capped = min(self.settings.backoff_max_s, base)
        return capped * (0.5 + self._rng.random() / 2)

    # -- fetching ----------------------------------------------------------------------------
    def _fetch_with_retries(self, url: str, headers: Mapping[str, str]) -> FetchedResponse:
        state = self._state(url)
        retries = self.settings.max_retries
        last_exc: Exception | None = None
        for attempt in range(retries + 1):
            state.slots.acquire()
            try:
                self._wait_turn(state)
                try:
                    with self._host_slot(url):
                        resp = self._fetch_once(url, headers)
                except ResponseTooLarge:
                    raise
                except (httpx.TransportError, httpx.StreamError) as exc:
                    last_exc = exc
                    resp = None
            finally:
                state.slots.release()
            if resp is None:
                if attempt >= retries:
                    break
                wait = self._backoff(attempt)
                self._push_back(state, wait)
                log.info("transport error on %s (%s); retry in %.1fs", redact_url(url), last_exc, wait)
                continue
            if resp.status not in RETRY_STATUSES:
                return resp
            server_wait = self._server_wait(resp)
            if server_wait is not None and server_wait > self.max_retry_wait_s:
                retry_at = datetime.fromtimestamp(self._wallclock() + server_wait, UTC)
                self._push_back(state, server_wait)
                raise RateLimited(
                    f"HTTP {resp.status}; server asks to wait {server_wait:.0f}s (until {retry_at.isoformat()})",
                    url=redact_url(url),
                    response=resp,
                    retry_at=retry_at,
                )
            if attempt >= retries:
                raise HttpStatusError(
                    f"HTTP {resp.status} after {retries + 1} attempts",
                    url=redact_url(url),
                    response=resp,
                )
            wait = server_wait if server_wait is not None else self._backoff(attempt)
            log.info("HTTP %s on %s; retry in %.1fs", resp.status, redact_url(url), wait)
            self._push_back(state, wait)  # _wait_turn sleeps it (other threads wait too)
        raise FetchError(f"transport error after {retries + 1} attempts: {last_exc!r}", url=redact_url(url))

    def _server_wait(self, resp: FetchedResponse) -> float | None:
        now = self._wallclock()
        wait = parse_retry_after(resp.headers.get("retry-after"), now)
        if wait is None:
            wait = parse_reset_epoch(
                resp.headers.get("x-ratelimit-reset") or resp.headers.get("x-rate-limit-reset"), now
            )
            if wait is not None and resp.status != 429:
                wait = None  # reset headers only matter when we are actually rate limited
        return wait

    def _fetch_once(self, url: str, headers: Mapping[str, str]) -> FetchedResponse:
        cap = self.settings.max_response_bytes
        started = time.monotonic()
        with self._http.stream("GET", url, headers=dict(headers)) as r:
            declared = r.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise ResponseTooLarge(
                    f"Content-Length {declared} exceeds max_response_bytes={cap}",
                    url=redact_url(url),
                )
            try:
                decoder = _Decoder(r.headers.get("content-encoding"))
            except ValueError as exc:
                raise FetchError(str(exc), url=redact_url(url)) from exc
            raw = bytearray()
            body = bytearray()
            pre_read = r.is_stream_consumed
            if pre_read:  # pre-read responses (httpx.MockTransport in tests): already decoded
                chunks: Iterable[bytes] = [r.content]
                decoder = _Decoder(None)
            else:
                chunks = r.iter_raw()
            for chunk in chunks:
                if time.monotonic() - started > self.total_timeout_s:
                    raise httpx.ReadTimeout(f"transfer exceeded total_timeout_s={self.total_timeout_s}")
                raw += chunk
                if len(raw) > cap:
                    raise ResponseTooLarge(
                        f"body exceeds max_response_bytes={cap}; transfer aborted",
                        url=redact_url(url),
                    )
                try:
                    body += decoder.feed(chunk, cap - len(body))
                except zlib.error as exc:
                    raise FetchError(f"corrupt {decoder.encoding} body: {exc}", url=redact_url(url)) from exc
                if len(body) > cap:
                    raise ResponseTooLarge(
                        f"decoded body exceeds max_response_bytes={cap}; transfer aborted",
                        url=redact_url(url),
                    )
            body += decoder.flush()
            fetched_at = datetime.now(UTC)
            peer = None
            stream = r.extensions.get("network_stream")
            if stream is not None:
                try:
                    addr = stream.get_extra_info("server_addr")
                    peer = str(addr[0]) if addr else None
                except Exception:  # pragma: no cover - transport specific
                    peer = None
            resp_headers = _archive_headers(r.headers.raw, decoded=pre_read)
            req_headers = _redact_headers(r.request.headers.raw)
            loc = self.archive.write_exchange(
                url=redact_url(url),
                method="GET",
                request_headers=req_headers,
                protocol=r.http_version or "HTTP/1.1",
                status=r.status_code,
                reason=r.reason_phrase,
                response_headers=resp_headers,
                raw_body=bytes(raw),
                fetched_at=fetched_at,
                peer_ip=peer,
            )
            headers_out: dict[str, str] = {}
            for k, v in r.headers.multi_items():
                key = k.lower()
                headers_out[key] = f"{headers_out[key]}, {v}" if key in headers_out else v
            data = bytes(body)
            return FetchedResponse(
                url=redact_url(url),
                final_url=redact_url(url),
                status=r.status_code,
                headers=headers_out,
                body=data,
                sha256=sha256_bytes(data),
                warc_path=loc.path,
                warc_offset=loc.offset,
                warc_record_id=loc.record_id,
                fetched_at=fetched_at,
            )


def _with(resp: FetchedResponse, *, url: str, history: tuple[FetchedResponse, ...]) -> FetchedResponse:
    return replace(resp, url=url, history=history)


def _decode_pairs(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw]


def _redact_headers(raw: Iterable[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k, "REDACTED" if k.lower() in SECRET_HEADERS else v) for k, v in _decode_pairs(raw)]


def _archive_headers(raw: Iterable[tuple[bytes, bytes]], *, decoded: bool = False) -> list[tuple[str, str]]:
    """Response headers as received, except that Transfer-Encoding is renamed.

    httpx removes the chunked framing, so the archived payload is not chunked: keeping the
    header would make WARC readers try to de-chunk it. Content-Encoding is kept (the payload
    is archived still encoded) except for pre-read responses whose content is already decoded.
    """
    out = []
    for k, v in _decode_pairs(raw):
        if k.lower() == "transfer-encoding" or (decoded and k.lower() == "content-encoding"):
            out.append((f"X-Archive-Orig-{k}", v))
        else:
            out.append((k, v))
    return out
