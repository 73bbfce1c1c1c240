"""Daily retention flow (rules in ``pantau/ops/retention.py``)."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger

from pantau.ops.retention import format_report, run_retention


@flow(name="retention")
def retention(dry_run: bool = False) -> dict[str, Any]:
    report = run_retention(dry_run=dry_run)
    get_run_logger().info("%s", format_report(report))
    return {"dry_run": report.dry_run, "counts": report.counts(),
            "warc_files_kept": report.warc_files_kept, "file_errors": report.file_errors}
