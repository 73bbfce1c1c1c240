"""Stable sharding of sources across parallel nightly runs.

``shard_of`` must give the same answer in every process and on every machine, so it uses
SHA-256 of the key (Python's ``hash()`` is salted per process).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

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

