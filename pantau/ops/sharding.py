"""Stable sharding of sources across parallel nightly runs.

``shard_of`` must give the same answer in every process and on every machine, so it uses
SHA-256 of the key (Python's ``hash()`` is salted per process).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def shard_of(key: str, count: int) -> int:
    """Shard (``0 .. count-1``) that owns ``key``: first 8 bytes of SHA-256, modulo ``count``."""
    if count < 1:
        raise ValueError(f"shard_count harus >= 1 (diberikan {count})")
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def source_key(platform: str, key: str) -> str:
    """The key that is hashed for a source: ``platform:key`` (both are unique together)."""
    return f"{platform}:{key}"


def in_shard(key: str, shard_index: int, shard_count: int) -> bool:
    if not 0 <= shard_index < shard_count:
        raise ValueError(f"shard_index {shard_index} di luar rentang 0..{shard_count - 1}")
    return shard_of(key, shard_count) == shard_index


def partition(keys: Iterable[str], count: int) -> list[list[str]]:
    """Split keys into ``count`` shards (for planning and tests)."""
    out: list[list[str]] = [[] for _ in range(count)]
    for key in keys:
        out[shard_of(key, count)].append(key)
    return out


def select(items: Iterable[T], key: Callable[[T], str], shard_index: int, shard_count: int) -> list[T]:
    """Items whose ``key(item)`` belongs to the given shard."""
    return [item for item in items if in_shard(key(item), shard_index, shard_count)]



def _add_counts(into: dict[str, Any], data: dict[str, Any]) -> None:
    for k, v in data.items():
        if isinstance(v, int | float) and not isinstance(v, bool) and k not in _NOT_SUMMED:
            into[k] = into.get(k, 0) + v


_NOT_SUMMED = {"shard_index", "shard_count", "pipeline_run_id", "run_id", "duration_s", "pid"}


def aggregate(shards: list[dict[str, Any]]) -> dict[str, Any]:
    """One summary for a sharded night.

    Each element is ``{"shard_index", "state", "summary" (the shard's dict or None),
    "error" (str or None)}``. Numeric top-level counts are summed, ``sources`` merged
    (dict or list form), errors prefixed with their shard; status ``selesai`` only when
    every shard completed without error.
    """
    total: dict[str, Any] = {"shard_count": len(shards)}
    totals: dict[str, Any] = {}
    sources: dict[str, Any] = {}
    errors: list[str] = []
    for entry in sorted(shards, key=lambda e: e.get("shard_index", 0)):
        i = entry.get("shard_index")
        summary = entry.get("summary")
        if entry.get("error"):
            errors.append(f"shard {i}: {entry['error']}")
        if not isinstance(summary, dict):
            continue
        _add_counts(total, summary)
        if isinstance(summary.get("totals"), dict):  # pantau.pipeline.finish_run's shape
            _add_counts(totals, summary["totals"])
        src = summary.get("sources")
        if isinstance(src, dict):
            sources.update({str(k): v for k, v in src.items()})
        elif isinstance(src, list):
            for n, row in enumerate(src):
                if isinstance(row, dict):
                    key = row.get("label") or row.get("source") or row.get("key") or f"{i}-{n}"
                    sources[str(key)] = row
                    if row.get("status") == "failed" and not row.get("errors"):
                        errors.append(f"shard {i}: {key}: gagal")
        for err in summary.get("errors") or []:
            msg = err.get("message", err) if isinstance(err, dict) else err
            errors.append(f"shard {i}: {msg}")
    if totals:
        total["totals"] = totals
    total["sources"] = sources
    total["errors"] = errors
    total["shards"] = [{"shard_index": e.get("shard_index"), "state": e.get("state"),
                        "error": e.get("error")} for e in shards]
    ok = all(e.get("state") == "COMPLETED" and not e.get("error") for e in shards)
    total["status"] = "selesai" if ok and not errors else ("gagal" if not ok else "selesai dengan galat")
    return total
