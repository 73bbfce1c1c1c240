"""Assemble a shippable cascade model folder: TF-IDF stage + transformer (student).

``python -m classifier.build_default --neural var/finetune/student --out models/default``

The TF-IDF stage (trained here, same data) decides alone the posts it scores below
``cascade_low``: the largest of 0.005/0.01/0.02/0.05 below which at most 1 % of the dev
partisan posts fall. The decision threshold is chosen on dev for the combined scores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from classifier.data import PROJECT_ROOT, load_all
from classifier.evaluate import category_accuracy, per_slice
from classifier.train import data_fingerprint, pick_threshold, train_tfidf

NEURAL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "pantau_head.safetensors",
                "pantau.json")


def choose_cascade_low(p_tfidf: np.ndarray, y: np.ndarray, max_lost: float = 0.01,
                       candidates: tuple[float, ...] = (0.005, 0.01, 0.02, 0.05)) -> float:
    """The largest candidate below which at most ``max_lost`` of dev partisan posts fall."""
    pos = p_tfidf[y == 1]
    best = 0.0
    for c in candidates:
        if len(pos) and float(np.mean(pos < c)) <= max_lost:
            best = c
    return best


def build(neural: Path, out: Path, extra: Any = None, blend: float | None = None,
          quantize: str | None = "int8", torch_threads: int | None = 1) -> dict[str, Any]:
    """``extra``: reviewer rows (``classifier.reviews.rows_to_frame``) for the TF-IDF stage."""
    from classifier.neural import NeuralModel

    df = load_all(extra=extra)
    tr, dev, te = (df[df["split"] == s].reset_index(drop=True) for s in ("train", "dev", "test"))
    tmp = out.with_name(out.name + ".building")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for name in NEURAL_FILES:
        shutil.copy2(neural / name, tmp / name)
    tf_meta = train_tfidf(tmp, df)
    from classifier.tfidf import TfidfModel

    tfidf = TfidfModel.load(tmp)
    low = choose_cascade_low(tfidf.proba(dev["norm"].tolist()), dev["y"].to_numpy())
    pmeta = json.loads((tmp / "pantau.json").read_text())
    pmeta["cascade_low"] = low
    if blend is not None:
        pmeta["blend_tfidf"] = blend
    if quantize:
        pmeta["quantize"] = quantize
    if torch_threads:
        pmeta["torch_threads"] = torch_threads
    (tmp / "pantau.json").write_text(json.dumps(pmeta, indent=2))
    model = NeuralModel(tmp)
    p_dev, _, _ = model.predict_all(dev["norm"].tolist())
    threshold = pick_threshold(dev["y"].to_numpy(), p_dev)
    p_te, cats, _ = model.predict_all(te["norm"].tolist())
    metrics = per_slice(te, p_te, threshold)
    pos = te["y"].to_numpy() == 1
    metrics["category_accuracy_test_partisan"] = category_accuracy(
        te.loc[pos, "category"].tolist(), [c for c, m in zip(cats, pos, strict=True) if m])
    t_te = tfidf.proba(te["norm"].tolist())
    metrics["cascade_share_decided_by_tfidf_test"] = float(np.mean(t_te < low))
    version = f"{pmeta.get('kind', 'neural')}-cascade-{dt.date.today():%Y%m%d}-" \
              f"{data_fingerprint(tr)}"
    meta = {"kind": "cascade", "model_version": version, "threshold": threshold,
            "cascade_low": low, "blend_tfidf": pmeta.get("blend_tfidf", 0.0),
            "quantize": pmeta.get("quantize"), "torch_threads": pmeta.get("torch_threads"),
            "neural": pmeta.get("kind"), "tfidf": tf_meta["model_version"],
            "trained_on": tf_meta["trained_on"], "test_metrics": metrics}
    (tmp / "model.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    (tmp / "tfidf.json").unlink(missing_ok=True)
    if out.exists():
        keep = out / "MODEL_CARD.md"
        if keep.is_file():
            shutil.copy2(keep, tmp / "MODEL_CARD.md")
        shutil.rmtree(out)
    tmp.rename(out)
    return meta


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--neural", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=PROJECT_ROOT / "models" / "default")
    ap.add_argument("--blend", type=float, default=None, help="weight of the TF-IDF score")
    args = ap.parse_args()
    meta = build(args.neural, args.out, blend=args.blend)
    m = meta["test_metrics"]
    print(meta["model_version"], "threshold", meta["threshold"], "cascade_low",
          meta["cascade_low"], "share by tfidf", m["cascade_share_decided_by_tfidf_test"])
    for name, r in m.items():
        if isinstance(r, dict):
            print(f"{name:22s} n={r['n']:5d} F1={r['f1']} macroF1={r['macro_f1']} "
                  f"FFR={r['false_flag_rate']} ECE={r['ece']:.3f}")


if __name__ == "__main__":
    main()
