"""Prefect flow: re-check flagged and confirmed posts at their source (thin; logic in
``pantau.recheck``)."""

from __future__ import annotations

from collections import Counter

from prefect import flow

from pantau.db.session import session_scope
from pantau.recheck import Fetch, polite_fetch, recheck_all


@flow(name="recheck")
def recheck_flow(limit: int | None = None, fetch: Fetch | None = None) -> dict[str, int]:
    with session_scope() as session:
        results = recheck_all(session, fetch or polite_fetch(), limit=limit)
    return dict(Counter(r.outcome for r in results))


if __name__ == "__main__":
    recheck_flow()
