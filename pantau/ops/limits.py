"""Politeness across workers: Prefect global concurrency limits, one set per fetched host.

``PoliteClient`` (``scrapers/http.py``) spaces requests to a host *inside one process*. When
several workers on several machines collect at once, only the Prefect server sees all of
them, so each request (or page fetch) also passes through ``host_slot(host)``:

* ``pantau-host-<host>``: a rate limit (``limit`` = burst, ``slot_decay_per_second`` =
  1 / min_delay_s). ``rate_limit`` blocks until a slot is free, so all workers together make
  at most one request per ``min_delay_s`` to that host.
* ``pantau-host-<host>-parallel`` (optional): a concurrency limit, at most ``max_parallel``
  requests to that host in flight across all workers.

Both are created (or updated) by ``ensure_limits(hosts, ...)`` — ``pantau deploy`` and the
nightly flow call it. Without a Prefect API (``PREFECT_API_URL`` unset: the one-office,
one-machine mode) ``host_slot`` does nothing and the client's own spacing is all there is.
A limit that does not exist is skipped (checked once per process and cached).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

PREFIX = "pantau-host-"
PARALLEL_SUFFIX = "-parallel"
_EXISTS_TTL_S = 60.0
_exists_cache: dict[str, tuple[float, bool]] = {}
_cache_lock = threading.Lock()


def host_of(url_or_host: str) -> str:
    """``https://Example.org:8443/x`` → ``example.org:8443``; a bare host is lower-cased."""
    if "://" in url_or_host:
        parts = urlsplit(url_or_host)
        host = (parts.hostname or "").lower()
        return f"{host}:{parts.port}" if parts.port else host
    return url_or_host.strip().lower()


def limit_name(host: str) -> str:
    """Name of the rate limit for ``host`` (characters Prefect forbids in names become ``_``)."""
    return PREFIX + re.sub(r"[/%&<>\s]", "_", host_of(host))


def parallel_limit_name(host: str) -> str:
    return limit_name(host) + PARALLEL_SUFFIX


def prefect_api_url() -> str | None:
    """The Prefect API URL: ``PREFECT_API_URL`` from the environment as it is now, else the
    active Prefect profile's (Prefect reads its settings once, at import)."""
    if "PREFECT_API_URL" in os.environ:
        return os.environ["PREFECT_API_URL"] or None
    try:
        from prefect.settings import get_current_settings

        return get_current_settings().api.url or None
    except Exception:  # pragma: no cover - prefect missing or broken settings
        return None


def prefect_api_configured() -> bool:
    """True when a Prefect API URL is set (a real server: distributed mode)."""
    return prefect_api_url() is not None


def _limit_exists(name: str) -> bool:
    now = time.monotonic()
    with _cache_lock:
        hit = _exists_cache.get(name)
        if hit and now - hit[0] < _EXISTS_TTL_S:
            return hit[1]
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            client.read_global_concurrency_limit_by_name(name)
        exists = True
    except ObjectNotFound:
        exists = False
    with _cache_lock:
        _exists_cache[name] = (now, exists)
    return exists


def clear_cache() -> None:
    with _cache_lock:
        _exists_cache.clear()


@contextmanager
def host_slot(host: str, *, timeout_s: float | None = None) -> Iterator[None]:
    """Wait for this host's shared rate limit (and hold a parallel slot) around one request.

    ``host`` may be a URL or a host name. No-op without a Prefect API. If the Prefect API
    fails, the request goes ahead with the per-process politeness of ``PoliteClient`` only
    (logged): collection must not stop because the orchestrator hiccups.
    """
    if not prefect_api_configured():
        yield
        return
    from prefect.concurrency.sync import concurrency, rate_limit

    name = limit_name(host)
    parallel = name + PARALLEL_SUFFIX
    use_parallel = False
    try:
        if _limit_exists(name):
            rate_limit(name, timeout_seconds=timeout_s, strict=False)
        use_parallel = _limit_exists(parallel)
    except TimeoutError:
        raise
    except Exception as exc:  # API down: degrade to per-process politeness
        log.warning("batas laju Prefect untuk %s tidak dapat dipakai: %s", host, exc)
    if use_parallel:
        with concurrency(parallel, timeout_seconds=timeout_s, strict=False, lease_duration=120):
            yield
    else:
        yield


@dataclass(frozen=True)
class LimitSpec:
    name: str
    limit: int
    slot_decay_per_second: float


def limit_specs(hosts: Iterable[str], *, min_delay_s: float, burst: int = 1,
                max_parallel: int | None = None) -> list[LimitSpec]:
    """The limits ``ensure_limits`` creates: one rate limit per host (skipped when
    ``min_delay_s`` is 0), plus a concurrency limit when ``max_parallel`` is given."""
    specs: list[LimitSpec] = []
    for host in sorted({host_of(h) for h in hosts if h}):
        if min_delay_s > 0:
            specs.append(LimitSpec(limit_name(host), max(1, burst), 1.0 / min_delay_s))
        if max_parallel:
            specs.append(LimitSpec(parallel_limit_name(host), max_parallel, 0.0))
    return specs


def ensure_limits(hosts: Iterable[str], *, min_delay_s: float = 2.0, burst: int = 1,
                  max_parallel: int | None = None) -> list[LimitSpec]:
    """Create or update the global limits for ``hosts`` on the Prefect server (idempotent).

    Returns the specs applied; ``[]`` without a Prefect API.
    """
    if not prefect_api_configured():
        return []
    from prefect.client.orchestration import get_client

    specs = limit_specs(hosts, min_delay_s=min_delay_s, burst=burst, max_parallel=max_parallel)
    with get_client(sync_client=True) as client:
        for spec in specs:
            client.upsert_global_concurrency_limit_by_name(
                spec.name, spec.limit,
                slot_decay_per_second=spec.slot_decay_per_second or None,
            )
    clear_cache()
    return specs


# Hosts the collectors reach when a source has no base_url of its own.
DEFAULT_HOSTS = {"telegram_web": "t.me", "x": "api.x.com", "youtube": "www.googleapis.com"}


def source_hosts(settings: Any) -> list[str]:
    """Every host tonight's collection may fetch from: per-source ``config.base_url`` in the
    database, ``sources.*.base_url`` in the settings, and each enabled collector's default."""
    hosts: set[str] = set()
    for name, src in settings.sources:
        if not src.enabled:
            continue
        if src.base_url:
            hosts.add(host_of(src.base_url))
        elif name in DEFAULT_HOSTS:
            hosts.add(DEFAULT_HOSTS[name])
    try:
        from sqlalchemy import select

        from pantau.db.models import Source
        from pantau.db.session import session_scope

        with session_scope(settings) as s:
            for config in s.execute(select(Source.config).where(Source.enabled.is_(True))).scalars():
                base = (config or {}).get("base_url")
                if base:
                    hosts.add(host_of(str(base)))
    except Exception as exc:  # database not reachable: settings hosts only
        log.warning("host sumber dari basis data tidak dapat dibaca: %s", exc)
    return sorted(h for h in hosts if h)


def ensure_source_limits(settings: Any) -> list[LimitSpec]:
    """``ensure_limits`` for every host in ``source_hosts`` with the ``[http]`` politeness
    settings. No-op without a Prefect API; call it at the start of a nightly run."""
    if not prefect_api_configured():
        return []
    return ensure_limits(source_hosts(settings), min_delay_s=settings.http.min_delay_s,
                         max_parallel=settings.http.per_host_concurrency)
