"""Many reviewers claiming from one queue at once: no item twice, no decision lost."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from pantau import audit
from pantau.config import Settings
from pantau.db.models import Decision, ReviewItem, ReviewStatus, Role, User
from pantau.db.session import session_factory, session_scope
from review import decisions as dec
from tests.review import factories as f


def test_concurrent_reviewers(db: Settings) -> None:
    is_pg = db.db_url.startswith("postgresql")
    reviewers = 20 if is_pg else 6
    n_items = 80 if is_pg else 24
    with session_scope(db) as s:
        for i in range(reviewers):
            f.user(s, f"analis{i:02d}", Role.ANALIS, agency="Kesbangpol")
        for i in range(n_items):
            f.flagged(s, f"butir {i}", score=(i % 17) / 17)
    factory = session_factory(db)
    claimed: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(reviewers)

    def work(username: str) -> None:
        mine: list[int] = []
        try:
            start.wait()
            while True:
                with factory() as s:
                    user = s.execute(select(User).where(User.username == username)).scalar_one()
                    got = dec.claim_next(s, user, claim_minutes=30)
                    s.commit()
                    if got is None:
                        break
                    mine.append(got.id)
                    status = (ReviewStatus.DUGAAN_PELANGGARAN if got.id % 2
                              else ReviewStatus.BUKAN_PELANGGARAN)
                    dec.decide(s, user, got.id, dec.DecisionInput(status, f"oleh {username}"))
                    s.commit()
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        claimed[username] = mine

    threads = [threading.Thread(target=work, args=(f"analis{i:02d}",)) for i in range(reviewers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]
    every = [i for ids in claimed.values() for i in ids]
    dupes = [i for i, n in Counter(every).items() if n > 1]
    assert not dupes, f"claimed twice: {dupes}"
    assert len(every) == n_items
    assert sum(1 for ids in claimed.values() if ids) > 1  # work was actually shared
    with session_scope(db) as s:
        assert s.execute(select(func.count()).select_from(Decision)).scalar() == n_items
        left = s.execute(select(func.count()).select_from(ReviewItem).where(
            ReviewItem.status.in_([ReviewStatus.BARU, ReviewStatus.DITINJAU]))).scalar()
        assert left == 0
        per_item = s.execute(select(Decision.item_id, func.count()).group_by(Decision.item_id))
        assert all(n == 1 for _, n in per_item)
        assert audit.verify(s) == []
