"""The runtime classifier behind ``classifier.predict``: loads a model folder and turns
scores into ``Prediction`` objects (label, calibrated score, NET-* category, explanation)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from classifier.api import Prediction
from classifier.textprep import detect_language, normalize
from classifier.watchlist import Watchlist, WatchlistError, cached_watchlist


class ModelNotFoundError(FileNotFoundError):
    """The model folder has no usable artifact."""


class PantauClassifier:
    """Implements ``classifier.api.Classifier``."""

    def __init__(self, model_dir: Path, elections_dir: Path | None, threshold: float | None = None,
                 batch_size: int = 256) -> None:
        self.model_dir = Path(model_dir)
        meta_path = self.model_dir / "model.json"
        self.meta: dict[str, Any] = {}
        if meta_path.is_file():
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.batch_size = batch_size
        self.watchlist: Watchlist | None = None
        if elections_dir is not None:
            try:
                self.watchlist = cached_watchlist(str(Path(elections_dir).resolve()))
            except WatchlistError:
                raise
        self.backend = self._load_backend()
        own_threshold = self.meta.get("threshold",
                                      getattr(self.backend, "meta", {}).get("threshold", 0.5))
        self.threshold = float(threshold if threshold is not None else own_threshold)
        self.version = str(self.meta.get("model_version", getattr(self.backend, "version", "")))

    def _load_backend(self) -> Any:
        d = self.model_dir
        if (d / "tfidf.joblib").is_file() and self.meta.get("kind", "tfidf-lr") == "tfidf-lr":
            from classifier.tfidf import TfidfModel

            return TfidfModel.load(d)
        if (d / "config.json").is_file() or (d / "cascade.json").is_file():
            from classifier.neural import load_neural

            return load_neural(d)
        raise ModelNotFoundError(
            f"{d}: no model artifact (expected tfidf.joblib or config.json); "
            "run `pantau model train` first"
        )

    def _predict_batch(self, texts: Sequence[str]) -> list[Prediction]:
        raw = ["" if t is None else (t if isinstance(t, str) else str(t)) for t in texts]
        norms = [normalize(t) for t in raw]
        scores, cats, terms = self.backend.predict_all(norms)
        out: list[Prediction] = []
        for i, text in enumerate(raw):
            score = float(scores[i])
            if not norms[i] or not math.isfinite(score):
                score = 0.0 if not norms[i] else 0.5
            hits = self.watchlist.match(text, norms[i]) if self.watchlist else []
            partisan = score >= self.threshold
            explanation: dict[str, Any] = {"terms": terms[i] if norms[i] else [],
                                           "watchlist": hits, "lang": detect_language(text)}
            if not norms[i]:
                explanation["note"] = "teks kosong"
            out.append(Prediction(
                label="partisan" if partisan else "not_partisan",
                score=round(score, 6),
                category=(cats[i] or "NET-LNY") if partisan else None,
                explanation=explanation,
                model_version=self.version,
            ))
        return out

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if isinstance(texts, str):
            texts = [texts]
        out: list[Prediction] = []
        for start in range(0, len(texts), self.batch_size):
            out.extend(self._predict_batch(list(texts[start:start + self.batch_size])))
        return out
