"""TF-IDF (word + char n-grams) + logistic regression, Platt-calibrated on dev,
plus a NET-* category model trained on partisan rows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from classifier.textprep import TOKEN_RE

WORD_PATTERN = TOKEN_RE.pattern


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="word", token_pattern=WORD_PATTERN, lowercase=False, ngram_range=(1, 2),
        min_df=2, sublinear_tf=True, max_features=60000,
    )


CHAR_MIN, CHAR_MAX = 2, 5
_GRAM_CACHE: dict[str, list[str]] = {}


def _word_grams(word: str) -> list[str]:
    w = f" {word} "
    out: list[str] = []
    for n in range(CHAR_MIN, CHAR_MAX + 1):
        if len(w) <= n:  # as sklearn: the whole padded word once, then stop
            out.append(w)
            break
        out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


def char_wb_analyzer(doc: str) -> list[str]:
    """sklearn's ``char_wb`` (2..5) n-grams, memoised per word (posts repeat words a lot)."""
    out: list[str] = []
    cache = _GRAM_CACHE
    if len(cache) > 300_000:
        cache.clear()
    for word in doc.split():
        grams = cache.get(word)
        if grams is None:
            grams = cache[word] = _word_grams(word)
        out.extend(grams)
    return out


def _char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=char_wb_analyzer, min_df=3, sublinear_tf=True,
                           max_features=80000)


class TfidfModel:
    """Binary partisan model + category model over normalised texts."""

    kind = "tfidf-lr"

    def __init__(self) -> None:
        self.word = _word_vectorizer()
        self.char = _char_vectorizer()
        self.clf = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
        self.cat_clf: LogisticRegression | None = None
        self.calib: tuple[float, float] = (1.0, 0.0)  # Platt a, b over the decision value
        self.word_names: np.ndarray | None = None

    def _features(self, norm_texts: Sequence[str]) -> sp.csr_matrix:
        return sp.hstack([self.word.transform(norm_texts), self.char.transform(norm_texts)],
                         format="csr")

    def fit(self, norm_texts: Sequence[str], y: np.ndarray, weights: np.ndarray,
            cats: Sequence[str]) -> TfidfModel:
        self.word.fit(norm_texts)
        self.char.fit(norm_texts)
        x = self._features(norm_texts)
        self.clf.fit(x, y, sample_weight=weights)
        pos = [i for i, c in enumerate(cats) if y[i] == 1 and c]
        if pos:
            self.cat_clf = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced")
            self.cat_clf.fit(x[pos], [cats[i] for i in pos])
        self.word_names = self.word.get_feature_names_out()
        return self

    def calibrate(self, norm_texts: Sequence[str], y: np.ndarray) -> None:
        d = self.decision(norm_texts)
        platt = LogisticRegression(C=1e4, max_iter=1000)
        platt.fit(d.reshape(-1, 1), y)
        self.calib = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))

    def decision(self, norm_texts: Sequence[str]) -> np.ndarray:
        return self.clf.decision_function(self._features(norm_texts))

    def proba(self, norm_texts: Sequence[str]) -> np.ndarray:
        a, b = self.calib
        return 1.0 / (1.0 + np.exp(-(a * self.decision(norm_texts) + b)))

    def predict_all(
        self, norm_texts: Sequence[str], top_k: int = 5
    ) -> tuple[np.ndarray, list[str | None], list[list[list[Any]]]]:
        """Calibrated scores, categories and top word contributions per text."""
        x = self._features(norm_texts)
        a, b = self.calib
        scores = 1.0 / (1.0 + np.exp(-(a * self.clf.decision_function(x) + b)))
        cats: list[str | None] = [None] * len(norm_texts)
        if self.cat_clf is not None and len(norm_texts):
            cats = [str(c) for c in self.cat_clf.predict(x)]
        n_word = len(self.word_names) if self.word_names is not None else 0
        coef = self.clf.coef_[0][:n_word]
        xw = x[:, :n_word].tocsr()
        contrib = xw.data * coef[xw.indices]
        indptr, indices = xw.indptr, xw.indices
        names = self.word_names
        terms: list[list[list[Any]]] = []
        for i in range(xw.shape[0]):
            lo, hi = indptr[i], indptr[i + 1]
            if hi == lo:
                terms.append([])
                continue
            c = contrib[lo:hi]
            order = np.argsort(-np.abs(c))[:top_k] if hi - lo > top_k else \
                np.argsort(-np.abs(c))
            terms.append([[str(names[indices[lo + j]]), round(float(c[j]), 4)]
                          for j in order if abs(c[j]) > 1e-6])
        return scores, cats, terms

    def save(self, folder: Path, meta: dict[str, Any]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {"word": self.word, "char": self.char, "clf": self.clf, "cat_clf": self.cat_clf,
             "calib": self.calib, "word_names": self.word_names},
            folder / "tfidf.joblib", compress=3,
        )
        (folder / "tfidf.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> TfidfModel:
        blob = joblib.load(folder / "tfidf.joblib")
        m = cls.__new__(cls)
        for key, value in blob.items():
            setattr(m, key, value)
        return m
