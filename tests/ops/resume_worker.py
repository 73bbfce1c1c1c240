"""Child process for the kill-and-resume test: the nightly collection logic (the lead's
``pantau.pipeline`` functions, as ``flows/nightly.py`` calls them) without Prefect, so it can
be SIGKILLed at any page. Prints the summary as JSON when it finishes."""

from __future__ import annotations

import json

from pantau import pipeline
from pantau.config import get_settings
from pantau.db.types import utcnow


def main() -> None:
    settings = get_settings()
    started = utcnow()
    run_id = pipeline.start_run(settings, "nightly", shard_index=0, shard_count=1)
    sources = []
    for plan in pipeline.plan_sources(settings, 0, 1):
        try:
            sources.append(pipeline.collect_source(settings, run_id, plan))
        except Exception as exc:  # recorded by collect_source; keep going like the flow
            sources.append(pipeline.SourceSummary(label=plan.label, collector=plan.collector,
                                                  status="failed", errors=[str(exc)]))
    summary = pipeline.finish_run(settings, run_id, sources, None, started)
    pipeline.close_clients()
    print(json.dumps(summary, default=str))


if __name__ == "__main__":
    main()
