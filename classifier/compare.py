"""One comparison table of candidate models: quality per slice (dev and test) and speed /
peak memory of the full classify path (CSV in -> CSV out, bench/classify.py child runs).

``python -m classifier.compare NAME=FOLDER[:N] ... [--json out.json]``
(N = posts for the speed run; slow models get fewer.)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from classifier.data import PROJECT_ROOT, load_all
from classifier.evaluate import per_slice
from classifier.train import pick_threshold


def quality(folder: Path) -> dict[str, Any]:
    from classifier.model import PantauClassifier

    clf = PantauClassifier(folder, None)
    df = load_all()
    dev, te = (df[df["split"] == s].reset_index(drop=True) for s in ("dev", "test"))
    p_dev, _, _ = clf.backend.predict_all(dev["norm"].tolist())
    p_te, _, _ = clf.backend.predict_all(te["norm"].tolist())
    thr = clf.meta.get("threshold") or pick_threshold(dev["y"].to_numpy(), p_dev)
    return {"threshold": thr, "dev": per_slice(dev, np.asarray(p_dev), thr),
            "test": per_slice(te, np.asarray(p_te), thr)}


def speed(folder: Path, n: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bench" / "classify.py"), "--child", "classify",
         "--model-dir", str(folder), "--n", str(n)],
        capture_output=True, text=True, check=True, cwd=PROJECT_ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fmt(v: Any) -> str:
    return "–" if v is None else f"{v:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    rows = {}
    for spec in args.models:
        name, rest = spec.split("=", 1)
        folder, _, n = rest.partition(":")
        q = quality(Path(folder))
        s = None if args.no_speed else speed(Path(folder), int(n or 2000))
        rows[name] = {"folder": folder, **q, "speed": s}
        print(f"done {name}", file=sys.stderr, flush=True)
    print("| model | dev macro-F1 | test macro-F1 | test hard-neg false flags | unseen-contest F1 "
          "| own partisan recall | tweets-2018 F1 | test ECE | posts/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        t = r["test"]
        sp = r["speed"]
        pps = f"{sp['posts_per_s']:.0f}" if sp else "–"
        rss = f"{sp['peak_rss_mib']:.0f}" if sp else "–"
        print(f"| {name} | {fmt(r['dev']['all']['macro_f1'])} | {fmt(t['all']['macro_f1'])} | "
              f"{fmt(t['hard_negatives']['false_flag_rate'])} | {fmt(t['unseen_contest']['f1'])} | "
              f"{fmt(t['own_partisan']['recall'])} | {fmt(t['weak_hatespeech2018']['f1'])} | "
              f"{fmt(t['all']['ece'])} | {pps} | {rss} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
