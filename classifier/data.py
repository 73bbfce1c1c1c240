"""Training/evaluation data of the classifier (data/training/), with splits and slices."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from classifier.textprep import normalize

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TRAINING_DIR = PROJECT_ROOT / "data" / "training"
HARD_NEG_KINDS = {"reminder", "news", "civic", "service", "policy", "chatter", "congrats"}
OWN_WEIGHT = 6.0  # hand-written posts weigh more than weak labels (chosen on dev)


def load_all(folder: Path = TRAINING_DIR, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """All rows: id, text, label, category, source, kind, split, slice, y, weight, norm.

    ``extra``: reviewer decisions (``classifier.reviews.rows_to_frame``), added to train.
    """
    own = pd.read_csv(folder / "own_posts.csv", dtype=str, keep_default_na=False)
    own["source"] = "own"
    weak = pd.read_csv(folder / "weak.csv", dtype=str, keep_default_na=False)
    frames = [own, weak]
    if extra is not None and len(extra):
        rv = extra.copy()
        rv["source"], rv["kind"], rv["split"] = "review", "review", "train"
        frames.append(rv)
    df = pd.concat(frames, ignore_index=True)
    df["category"] = df["category"].fillna("")
    df["y"] = (df["label"] == "partisan").astype(int)
    df["weight"] = df["source"].map(lambda s: OWN_WEIGHT if s in {"own", "review"} else 1.0)
    df["contest_group"] = df["contest_group"].fillna("")
    df["split"] = df["split"].replace({"test_unseen": "test"})
    df["slice"] = [_slice(r) for r in df.itertuples()]
    df["norm"] = [normalize(t) for t in df["text"]]
    return _dedup_across_splits(df)


def _slice(row: object) -> str:
    source = getattr(row, "source", "")
    kind = getattr(row, "kind", "")
    group = getattr(row, "contest_group", "")
    if source == "own":
        if group == "unseen":
            return "unseen_contest"
        if kind in HARD_NEG_KINDS:
            return "own_hard_negative"
        return "own_partisan"
    return f"weak_{source}"


def _dedup_across_splits(df: pd.DataFrame) -> pd.DataFrame:
    """Drop dev/test rows whose normalised text (digits and names ignored) is in train."""
    def key(s: str) -> str:
        return " ".join(w for w in s.split() if not w.isdigit())[:120]

    train_keys = {key(s) for s in df.loc[df["split"] == "train", "norm"]}
    mask = (df["split"] == "train") | ~df["norm"].map(key).isin(train_keys)
    return df[mask].reset_index(drop=True)
