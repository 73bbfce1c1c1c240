"""Metrics: per-slice precision/recall/F1, confusion, false-flag rate, calibration (ECE)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support


def ece(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of P(partisan) with equal-width bins."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    if len(y) == 0:
        return float("nan")
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.mean() * abs(y[m].mean() - p[m].mean())
    return float(total)


def binary_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, Any]:
    y = np.asarray(y, dtype=int)
    pred = (np.asarray(p) >= threshold).astype(int)
    pr, rc, f1, _ = precision_recall_fscore_support(y, pred, labels=[1], zero_division=0)
    cm = confusion_matrix(y, pred, labels=[0, 1])
    n_neg = int((y == 0).sum())
    out: dict[str, Any] = {
        "n": int(len(y)), "n_partisan": int(y.sum()),
        "precision": float(pr[0]), "recall": float(rc[0]), "f1": float(f1[0]),
        "macro_f1": float(f1_score(y, pred, average="macro", labels=[0, 1], zero_division=0)),
        "false_flag_rate": float(cm[0, 1] / n_neg) if n_neg else None,
        "confusion": {"tn": int(cm[0, 0]), "fp": int(cm[0, 1]), "fn": int(cm[1, 0]),
                      "tp": int(cm[1, 1])},
        "ece": ece(y, p),
    }
    if y.sum() == 0:  # a pure-negative slice: only the false-flag rate is meaningful
        out["precision"] = out["recall"] = out["f1"] = None
    if y.sum() in (0, len(y)):
        out["macro_f1"] = None
    return out


def per_slice(df: pd.DataFrame, p: np.ndarray, threshold: float) -> dict[str, Any]:
    """``df`` needs columns y and slice; returns {"all": ..., slice: ...}."""
    res: dict[str, Any] = {"all": binary_metrics(df["y"].to_numpy(), p, threshold)}
    hard = df["slice"].isin(["own_hard_negative"]) | (
        (df["slice"] == "unseen_contest") & (df["y"] == 0)
    )
    res["hard_negatives"] = binary_metrics(df.loc[hard, "y"].to_numpy(), p[hard.to_numpy()],
                                           threshold)
    for name, idx in df.groupby("slice").groups.items():
        mask = df.index.isin(idx)
        res[str(name)] = binary_metrics(df.loc[mask, "y"].to_numpy(), p[mask], threshold)
    return res


def category_accuracy(true: list[str], pred: list[str | None]) -> float | None:
    pairs = [(t, p) for t, p in zip(true, pred, strict=True) if t]
    if not pairs:
        return None
    return float(np.mean([t == p for t, p in pairs]))
