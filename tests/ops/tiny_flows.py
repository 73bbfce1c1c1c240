"""Tiny flows run by real Prefect workers in the integration test (a stand-in collector
with the nightly signature, sharding and the host politeness limit)."""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import UTC, datetime
from typing import Any

from prefect import flow
from sqlalchemy import select

from pantau.db.models import Post
from pantau.db.session import session_scope
from pantau.ops.limits import host_slot
from pantau.ops.sharding import select as shard_select

POSTS_PER_SOURCE = 4


@flow(name="tiny-nightly")
def tiny_nightly(shard_index: int = 0, shard_count: int = 1) -> dict[str, Any]:
    keys: list[str] = json.loads(os.environ["PANTAU_TEST_SOURCES"])
    mine = shard_select(keys, lambda k: k, shard_index, shard_count)
    summary: dict[str, Any] = {"shard_index": shard_index, "shard_count": shard_count,
                               "collected": 0, "new": 0, "duplicates": 0, "sources": {},
                               "errors": [], "pid": os.getpid()}
    for key in mine:
        with host_slot("http://fixture.test/"):
            fetched = time.time()
        new = dup = 0
        with session_scope() as s:
            for n in range(POSTS_PER_SOURCE):
                ext = f"{key}/{n}"
                if s.execute(select(Post.id).where(Post.platform == "tiny",
                                                   Post.external_id == ext)).first():
                    dup += 1
                    continue
                s.add(Post(platform="tiny", external_id=ext, posted_at=datetime.now(UTC),
                           text=f"pos {ext}", content_sha256=hashlib.sha256(ext.encode()).hexdigest(),
                           raw={"shard": shard_index, "t": fetched, "pid": os.getpid()}))
                new += 1
        summary["collected"] += POSTS_PER_SOURCE
        summary["new"] += new
        summary["duplicates"] += dup
        summary["sources"][key] = {"collected": POSTS_PER_SOURCE, "new": new, "errors": []}
    return summary
