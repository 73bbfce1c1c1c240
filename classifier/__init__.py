"""pantau classifier: ``load_classifier()`` and ``predict(texts)``.

Results are suspicions for human review only ("dugaan"), never sanctions.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from classifier.api import Classifier, Prediction

__all__ = ["Classifier", "Prediction", "load_classifier", "predict"]


def _settings_dirs() -> tuple[Path, Path, float, int]:
    try:
        from pantau.config import get_settings

        s = get_settings().classifier
        return Path(s.model_dir), Path(s.elections_dir), s.threshold, s.batch_size
    except Exception:  # noqa: BLE001 - settings unavailable (e.g. bare checkout): defaults
        root = Path(__file__).resolve().parent.parent
        return root / "models" / "default", root / "data" / "elections", 0.5, 256


_load_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load(model_dir: str, elections_dir: str, threshold: float | None, batch: int) -> Classifier:
    from classifier.model import PantauClassifier

    return PantauClassifier(Path(model_dir), Path(elections_dir), threshold, batch)


def load_classifier(
    model_dir: Path | str | None = None, elections_dir: Path | str | None = None
) -> Classifier:
    """The classifier for ``model_dir`` (default: settings ``classifier.model_dir``), cached.

    The decision threshold is the model's own (chosen on dev data, in ``model.json``) unless
    ``classifier.threshold`` is set to something other than its default 0.5.
    """
    s_model, s_elections, s_threshold, s_batch = _settings_dirs()
    threshold = None if s_threshold == 0.5 else s_threshold
    with _load_lock:  # transformers' lazy imports are not thread-safe; load once
        return _load(
            str(Path(model_dir or s_model).resolve()),
            str(Path(elections_dir or s_elections).resolve()),
            threshold,
            s_batch,
        )


def predict(texts: Sequence[str]) -> list[Prediction]:
    """One ``Prediction`` per text, in order, with the default classifier."""
    return load_classifier().predict(texts)
