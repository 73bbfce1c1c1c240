"""Kill-and-resume: the nightly collection is SIGKILLed in the middle of a channel's page walk,
then run again; every post ends up stored exactly once, none lost, cursors at the newest post.

The kill comes from the fixture server itself (on the N-th page request), so nothing in the
pipeline needs a test hook. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from pantau.config import PROJECT_ROOT, Settings
from pantau.db.models import CollectionRun, Post, Source
from pantau.db.session import session_scope
from tests.ops.province import Province, channel_name, seed, serve

CHANNELS = 5
POSTS = 50          # 3 pages of 20 per channel on the first night
KILL_AT = 8         # page 2 of the third channel: its first page is stored, its cursor not moved


def _run(env: dict[str, str], province: Province, kill_at: int | None) -> subprocess.CompletedProcess[str] | None:
    proc = subprocess.Popen([sys.executable, "-m", "tests.ops.resume_worker"], cwd=PROJECT_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def on_page(n: int) -> None:
        if kill_at is not None and n == kill_at:
            os.kill(proc.pid, signal.SIGKILL)

    province.on_page = on_page
    out, err = proc.communicate(timeout=120)
    province.on_page = None
    if kill_at is not None:
        assert proc.returncode == -signal.SIGKILL, err[-2000:]
        return None
    assert proc.returncode == 0, err[-3000:]
    return subprocess.CompletedProcess(proc.args, 0, out, err)


def _stored() -> list[str]:
    with session_scope() as s:
        return list(s.execute(select(Post.external_id).where(Post.platform == "telegram")).scalars())


def test_killed_run_resumes_exactly_once(db: Settings, tmp_path: Path) -> None:
    province = Province(CHANNELS, POSTS)
    env = {**os.environ, "PANTAU_DATABASE_URL": db.db_url, "PANTAU_DATA_DIR": str(tmp_path / "var"),
           "PANTAU_HTTP__MIN_DELAY_S": "0", "PANTAU_HTTP__ALLOW_PRIVATE_HOSTS": '["127.0.0.1"]',
           "PANTAU_SOURCES__MASTODON__ENABLED": "false", "PYTHONPATH": str(PROJECT_ROOT)}
    with serve(province) as base:
        seed(db, base, CHANNELS)
        _run(env, province, kill_at=KILL_AT)

        partial = _stored()
        assert 0 < len(partial) < CHANNELS * POSTS
        assert len(partial) == len(set(partial))
        with session_scope() as s:
            cursors = {k: c for k, c in s.execute(select(Source.key, Source.cursor)).all()}
        # channels walked completely before the kill have their cursor; the one in flight not
        done = [k for k, c in cursors.items() if c == str(POSTS)]
        assert 1 <= len(done) < CHANNELS and all(cursors[k] is None for k in cursors if k not in done)
        in_flight = [k for k in cursors if k not in done and any(p.startswith(k + "/") for p in partial)]
        assert len(in_flight) == 1  # killed mid-walk: page 1 stored, cursor not moved

        result = _run(env, province, kill_at=None)
        assert result is not None
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        by_label = {x["label"]: x for x in summary["sources"]}
        assert by_label[f"telegram_web:{in_flight[0]}"]["duplicates"] > 0  # re-walked, deduplicated

        province.newest += 4  # the next night: 4 new posts per channel, one page each
        _run(env, province, kill_at=None)

    stored = _stored()
    expected = {f"{channel_name(j)}/{i}" for j in range(CHANNELS) for i in range(1, POSTS + 5)}
    assert len(stored) == len(set(stored)) == len(expected)   # exactly once
    assert set(stored) == expected                             # none lost
    with session_scope() as s:
        assert set(s.execute(select(Source.cursor)).scalars()) == {str(POSTS + 4)}
        assert s.execute(select(func.count()).select_from(CollectionRun)).scalar_one() >= CHANNELS * 2
