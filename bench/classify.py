"""Benchmark of the full classify path (CSV in -> CSV out) on this machine.

``python bench/classify.py [--sizes 1000,5000,20000] [--model-dir models/default]``

Each measurement runs in its own subprocess so that peak memory (``ru_maxrss``) is that
run's alone. Reported: posts/s per size (linear growth check), peak RSS, model load time,
and the ratio against a BERT-base-sized encoder (12 layers x 768, random init, same
tokenizer and inputs, mean-pooled, batch 64) measured in the same run.

Inputs are the project's own training texts (data/training, never shared/eval), cycled
to the requested size.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_input(n: int, path: Path, seed: int = 0) -> None:
    texts: list[str] = []
    for name in ("own_posts.csv", "weak.csv"):
        with (ROOT / "data" / "training" / name).open(encoding="utf-8") as fh:
            texts += [r["text"] for r in csv.DictReader(fh)]
    rng = random.Random(seed)
    rng.shuffle(texts)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        for i in range(n):
            w.writerow([f"b{i}", texts[i % len(texts)]])


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child_classify(model_dir: str, n: int) -> dict[str, float]:
    from classifier import load_classifier
    from classifier.batch import classify_csv

    with tempfile.TemporaryDirectory() as tmp:
        src, dest = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        make_input(n, src)
        t0 = time.perf_counter()
        clf = load_classifier(model_dir=model_dir)
        load_s = time.perf_counter() - t0
        clf.predict(["pemanasan"] * 8)
        t0 = time.perf_counter()
        summary = classify_csv(src, dest, clf)
        secs = time.perf_counter() - t0
    return {"n": n, "seconds": secs, "posts_per_s": n / secs, "load_s": load_s,
            "peak_rss_mib": _peak_mib(), "classified": summary.classified,
            "model_version": clf.version}


def child_bert_base(model_dir: str, n: int) -> dict[str, float]:
    import torch
    from transformers import BertConfig, BertModel

    from classifier.neural import encode_batch, load_tokenizer, mean_pool
    from classifier.textprep import normalize

    torch.manual_seed(0)
    tok_dir = Path(model_dir)
    meta_path = tok_dir / "pantau.json"
    if meta_path.is_file():  # same torch thread setting as the model under test
        threads = json.loads(meta_path.read_text()).get("torch_threads")
        if threads:
            torch.set_num_threads(int(threads))
    tok = load_tokenizer(tok_dir)
    vocab = tok.get_vocab_size() if hasattr(tok, "get_vocab_size") else 30000
    model = BertModel(BertConfig(vocab_size=vocab, hidden_size=768, num_hidden_layers=12,
                                 num_attention_heads=12, intermediate_size=3072),
                      add_pooling_layer=False).eval()
    head = torch.nn.Linear(768, 2)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.csv"
        make_input(n, src)
        with src.open(encoding="utf-8") as fh:
            texts = [r["text"] for r in csv.DictReader(fh)]
    t0 = time.perf_counter()
    norm = [normalize(t) for t in texts]
    order = sorted(range(n), key=lambda i: len(norm[i]))
    with torch.inference_mode():
        for s in range(0, n, 64):
            idx = order[s:s + 64]
            ids, mask = encode_batch(tok, [norm[i] or "." for i in idx], 64, 1)
            h = model(input_ids=ids, attention_mask=mask).last_hidden_state
            head(mean_pool(h, mask)).softmax(-1)
    secs = time.perf_counter() - t0
    return {"n": n, "seconds": secs, "posts_per_s": n / secs, "peak_rss_mib": _peak_mib(),
            "torch_threads": torch.get_num_threads()}


def run_child(kind: str, model_dir: str, n: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--model-dir", model_dir, "--n", str(n)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", default=str(ROOT / "models" / "default"))
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("--bert-n", type=int, default=512)
    ap.add_argument("--bert-tokenizer-dir", default=None,
                    help="folder with tokenizer.json for the BERT-base run (default: model)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--child", default=None)
    ap.add_argument("--n", type=int, default=0)
    args = ap.parse_args()
    if args.child == "classify":
        print(json.dumps(child_classify(args.model_dir, args.n)))
        return
    if args.child == "bert":
        print(json.dumps(child_bert_base(args.model_dir, args.n)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    load_before = os.getloadavg()
    runs = [run_child("classify", args.model_dir, n) for n in sizes]
    tok_dir = args.bert_tokenizer_dir or args.model_dir
    bert = run_child("bert", tok_dir, args.bert_n)
    ours_same_n = run_child("classify", args.model_dir, args.bert_n)
    report = {
        "machine": f"{platform.machine()} {os.cpu_count()} CPU cores, "
                   f"Python {platform.python_version()}, load average "
                   f"{load_before[0]:.1f} before / {os.getloadavg()[0]:.1f} after",
        "model_dir": args.model_dir,
        "runs": runs,
        "bert_base_random_init": bert,
        "ours_at_bert_n": ours_same_n,
        "speedup_vs_bert_base": ours_same_n["posts_per_s"] / bert["posts_per_s"],
        "linear_growth_seconds_per_post": [r["seconds"] / r["n"] for r in runs],
    }
    print(f"{report['machine']} — model {runs[0]['model_version']}")
    print(f"{'posts':>7} {'seconds':>8} {'posts/s':>9} {'peak MiB':>9}")
    for r in runs:
        print(f"{r['n']:>7} {r['seconds']:>8.2f} {r['posts_per_s']:>9.0f} {r['peak_rss_mib']:>9.0f}")
    print(f"BERT-base (12x768, random init) on {args.bert_n} posts: "
          f"{bert['posts_per_s']:.1f} posts/s, peak {bert['peak_rss_mib']:.0f} MiB; "
          f"ours on the same posts {ours_same_n['posts_per_s']:.0f} posts/s "
          f"-> {report['speedup_vs_bert_base']:.1f}x")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
