"""Prefect flows: thin orchestration over ``pantau.pipeline`` (no parsing, no SQL here).

Importing this package configures Prefect for an offline office machine before Prefect is
imported: a project-local PREFECT_HOME and no telemetry. Values already set win.
"""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("PREFECT_HOME", str(Path(os.environ.get("PANTAU_DATA_DIR", _ROOT / "var")) / "prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
