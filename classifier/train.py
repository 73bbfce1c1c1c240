"""Train the TF-IDF model: fit on train, Platt-calibrate and pick the threshold on dev,
report per-slice metrics on test. ``python -m classifier.train [--out models/default]``."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from classifier.data import PROJECT_ROOT, load_all
from classifier.evaluate import category_accuracy, per_slice
from classifier.tfidf import TfidfModel


def pick_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """Threshold maximising macro-F1 on dev, searched in [0.3, 0.8] (calibrated scores)."""
    from sklearn.metrics import f1_score

    best, best_t = -1.0, 0.5
    for t in np.arange(0.3, 0.81, 0.025):
        f = f1_score(y, (p >= t).astype(int), average="macro")
        if f > best + 1e-9:
            best, best_t = f, float(t)
    return round(best_t, 3)


def data_fingerprint(df: pd.DataFrame) -> str:
    h = hashlib.sha1()
    for t, lab in zip(df["text"], df["label"], strict=True):
        h.update(f"{lab}\t{t}\n".encode())
    return h.hexdigest()[:8]


def train_tfidf(out: Path, df: pd.DataFrame | None = None) -> dict[str, Any]:
    df = load_all() if df is None else df
    tr, dev, te = (df[df["split"] == s].reset_index(drop=True) for s in ("train", "dev", "test"))
    model = TfidfModel().fit(tr["norm"].tolist(), tr["y"].to_numpy(), tr["weight"].to_numpy(),
                             tr["category"].tolist())
    model.calibrate(dev["norm"].tolist(), dev["y"].to_numpy())
    threshold = pick_threshold(dev["y"].to_numpy(), model.proba(dev["norm"].tolist()))
    p_test, cats, _ = model.predict_all(te["norm"].tolist())
    metrics = per_slice(te, p_test, threshold)
    pos = te["y"].to_numpy() == 1
    metrics["category_accuracy_test_partisan"] = category_accuracy(
        te.loc[pos, "category"].tolist(), [c for c, m in zip(cats, pos, strict=True) if m]
    )
    version = f"tfidf-lr-{dt.date.today():%Y%m%d}-{data_fingerprint(tr)}"
    meta = {
        "kind": "tfidf-lr", "model_version": version, "threshold": threshold,
        "trained_on": {"train": len(tr), "dev": len(dev), "test": len(te)},
        "test_metrics": metrics,
    }
    model.save(out, meta)
    (out / "model.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return meta


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=PROJECT_ROOT / "models" / "default")
    args = ap.parse_args()
    meta = train_tfidf(args.out)
    m = meta["test_metrics"]
    print(meta["model_version"], "threshold", meta["threshold"])
    for name, r in m.items():
        if isinstance(r, dict):
            print(f"{name:22s} n={r['n']:5d} P={r['precision']} R={r['recall']} F1={r['f1']} "
                  f"macroF1={r['macro_f1']} FFR={r['false_flag_rate']} ECE={r['ece']:.3f}")
    print("category acc", m["category_accuracy_test_partisan"])


if __name__ == "__main__":
    main()
