"""Fine-tune the converted multilingual-e5-small (teacher), distil it into a small student,
and train a same-sized transformer from scratch, all on CPU.

``python -m classifier.finetune --work var/finetune`` writes, under ``--work``:
``teacher/``, ``student/``, ``scratch/`` (model folders readable by ``classifier.neural``)
and ``results.json`` (per-slice test metrics of each). Inputs are textprep-normalised.

Budget choices for a 2-core CPU: max_len 64; teacher layers 0..K-1 frozen (their outputs
are computed once and cached), only the top layers + head are trained; the student keeps
e5's (pruned) word embeddings frozen and 2 of its layers, and learns from the teacher's
logits on the training texts.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from classifier.convert_e5 import SPECIALS, build_bert, build_tokenizer, read_e5
from classifier.data import PROJECT_ROOT, load_all
from classifier.evaluate import per_slice
from classifier.neural import MeanPoolClassifier, mean_pool
from classifier.textprep import normalize
from classifier.train import pick_threshold

SHARED = Path("/work/shared/datasets")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def vocab_corpus() -> list[str]:
    """Indonesian text used only to choose which e5 pieces to keep (no labels)."""
    texts: list[str] = []
    for name in ("train", "valid", "test"):
        df = pd.read_csv(SHARED / "indonlu-smsa" / f"{name}_preprocess.tsv", sep="\t",
                         header=None, names=["text", "l"], quoting=3)
        texts += df["text"].astype(str).tolist()
        df = pd.read_csv(SHARED / "indonlu-emot" / f"{name}_preprocess.csv")
        texts += df["tweet"].astype(str).tolist()
    hs = pd.read_csv(SHARED / "id-multilabel-hatespeech" / "re_dataset.csv", encoding="latin-1")
    texts += hs["Tweet"].astype(str).tolist()
    col = pd.read_csv(PROJECT_ROOT / "classifier" / "resources" / "indocollex-dict.tsv",
                      sep="\t", quoting=3, dtype=str, keep_default_na=False)
    texts += (col["informal"] + " " + col["formal"]).tolist()
    return [normalize(t) for t in texts]


def choose_vocab(e5: Any, texts: list[str], max_pieces: int) -> list[int]:
    tok = build_tokenizer(e5)
    counts: Counter[int] = Counter()
    for enc in tok.encode_batch(texts):
        counts.update(enc.ids)
    keep = set(SPECIALS.values())
    for i, piece in enumerate(e5.pieces):  # every ASCII character, alone or after "▁"
        core = piece[1:] if piece.startswith("▁") else piece
        if len(core) <= 1 and all(ord(c) < 128 for c in core):
            keep.add(i)
    for i, _ in counts.most_common():
        if len(keep) >= max_pieces:
            break
        keep.add(i)
    return sorted(keep)


def tokenize(tok: Any, texts: list[str], max_len: int) -> list[list[int]]:
    tok.no_padding()
    tok.enable_truncation(max_len)
    return [e.ids for e in tok.encode_batch([t or "." for t in texts])]


def pad(seqs: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


def batches(n: int, size: int, lengths: list[int], shuffle: bool, rng: random.Random
            ) -> list[list[int]]:
    """Length-bucketed batches (less padding), shuffled between buckets."""
    order = sorted(range(n), key=lambda i: lengths[i])
    if shuffle:
        order = sorted(range(n), key=lambda i: lengths[i] + rng.random() * 6)
    out = [order[i:i + size] for i in range(0, n, size)]
    if shuffle:
        rng.shuffle(out)
    return out


def ext_mask(bert: Any, mask: torch.Tensor, h: torch.Tensor) -> Any:
    m, _ = bert._create_attention_masks(attention_mask=mask, encoder_attention_mask=None,
                                        embedding_output=h, encoder_hidden_states=None,
                                        past_key_values=None)
    return m


def pad_cached(cache: list[torch.Tensor], lengths: list[int], b: list[int],
               hidden: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Batch of cached per-text hidden states, zero-padded, with its attention mask."""
    width = max(lengths[i] for i in b)
    h = torch.zeros(len(b), width, hidden)
    mask = torch.zeros(len(b), width, dtype=torch.long)
    for j, i in enumerate(b):
        h[j, : lengths[i]] = cache[i]
        mask[j, : lengths[i]] = 1
    return h, mask


def run_layers(layers: Any, h: torch.Tensor, m: Any) -> torch.Tensor:
    for layer in layers:
        out = layer(h, attention_mask=m)
        h = out[0] if isinstance(out, tuple) else out
    return h


def class_weights(y: np.ndarray) -> torch.Tensor:
    pos = max(1, int(y.sum()))
    neg = max(1, len(y) - pos)
    return torch.tensor([len(y) / (2 * neg), len(y) / (2 * pos)], dtype=torch.float32)


def train_teacher(e5: Any, keep: list[int], tok: Any, tr: pd.DataFrame, max_len: int,
                  frozen: int, epochs: int, seed: int) -> tuple[MeanPoolClassifier, np.ndarray]:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    bert = build_bert(e5, keep)
    pad_id = bert.config.pad_token_id
    seqs = tokenize(tok, tr["norm"].tolist(), max_len)
    lengths = [len(s) for s in seqs]
    log(f"teacher: caching layer-{frozen} states for {len(seqs)} texts")
    cache: list[torch.Tensor] = [torch.empty(0)] * len(seqs)
    with torch.inference_mode():
        for b in batches(len(seqs), 64, lengths, False, rng):
            ids, mask = pad([seqs[i] for i in b], pad_id)
            h = bert.embeddings(input_ids=ids)
            h = run_layers(bert.encoder.layer[:frozen], h, ext_mask(bert, mask, h))
            for j, i in enumerate(b):
                cache[i] = h[j, : lengths[i]].clone()
    top = torch.nn.ModuleList(bert.encoder.layer[frozen:])
    head = torch.nn.Linear(bert.config.hidden_size, 2)
    opt = torch.optim.AdamW([
        {"params": top.parameters(), "lr": 4e-5},
        {"params": head.parameters(), "lr": 1e-3},
    ], weight_decay=0.01)
    y = torch.tensor(tr["y"].to_numpy())
    w = torch.tensor(tr["weight"].to_numpy(), dtype=torch.float32)
    cw = class_weights(tr["y"].to_numpy())
    top.train()
    for ep in range(epochs):
        t0, total = time.time(), 0.0
        for b in batches(len(seqs), 32, lengths, True, rng):
            h, mask = pad_cached(cache, lengths, b, bert.config.hidden_size)
            out = run_layers(top, h, ext_mask(bert, mask, h))
            logits = head(mean_pool(out, mask))
            loss = (F.cross_entropy(logits, y[b], weight=cw, reduction="none") * w[b]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(b)
        log(f"teacher epoch {ep + 1}/{epochs}: loss {total / len(seqs):.4f} "
            f"({time.time() - t0:.0f}s)")
    top.eval()
    train_logits = np.zeros((len(seqs), 2), dtype=np.float32)
    with torch.inference_mode():
        for b in batches(len(seqs), 64, lengths, False, rng):
            h, mask = pad_cached(cache, lengths, b, bert.config.hidden_size)
            out = run_layers(top, h, ext_mask(bert, mask, h))
            train_logits[b] = head(mean_pool(out, mask)).numpy()
    model = MeanPoolClassifier(bert, bert.config.hidden_size)
    model.head = head
    model.eval()
    return model, train_logits


@torch.inference_mode()
def logits_of(model: MeanPoolClassifier, tok: Any, texts: list[str], max_len: int,
              pad_id: int) -> np.ndarray:
    model.eval()
    seqs = tokenize(tok, texts, max_len)
    lengths = [len(s) for s in seqs]
    out = np.zeros((len(texts), 2), dtype=np.float32)
    for b in batches(len(seqs), 128, lengths, False, random.Random(0)):
        ids, mask = pad([seqs[i] for i in b], pad_id)
        out[b] = model(ids, mask).float().numpy()
    return out


def make_student(e5: Any, keep: list[int], layers: list[int], scratch: bool, hidden: int
                 ) -> MeanPoolClassifier:
    from transformers import BertConfig, BertModel

    base = build_bert(e5, keep)
    if scratch:
        cfg = BertConfig(vocab_size=len(keep), hidden_size=hidden, num_hidden_layers=len(layers),
                         num_attention_heads=max(1, hidden // 64), intermediate_size=hidden * 4,
                         max_position_embeddings=128, pad_token_id=base.config.pad_token_id)
        return MeanPoolClassifier(BertModel(cfg, add_pooling_layer=False), hidden)
    cfg = BertConfig(**{**base.config.to_dict(), "num_hidden_layers": len(layers),
                        "max_position_embeddings": 128})
    student = BertModel(cfg, add_pooling_layer=False)
    sd = base.state_dict()
    new_sd = {}
    for k, v in sd.items():
        if k.startswith("encoder.layer."):
            idx = int(k.split(".")[2])
            if idx in layers:
                new_sd[k.replace(f"encoder.layer.{idx}.", f"encoder.layer.{layers.index(idx)}.",
                                 1)] = v
        elif k == "embeddings.position_embeddings.weight":
            new_sd[k] = v[:128]
        else:
            new_sd[k] = v
    student.load_state_dict(new_sd, strict=False)
    return MeanPoolClassifier(student, cfg.hidden_size)


def train_student(model: MeanPoolClassifier, tok: Any, texts: list[str], y: np.ndarray,
                  w: np.ndarray, teacher_logits: np.ndarray | None, max_len: int, pad_id: int,
                  epochs: int, lr: float, seed: int, name: str,
                  freeze_embeddings: bool) -> None:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    if freeze_embeddings:
        model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    seqs = tokenize(tok, texts, max_len)
    lengths = [len(s) for s in seqs]
    yt = torch.tensor(y)
    wt = torch.tensor(w, dtype=torch.float32)
    has_label = yt >= 0
    tl = None if teacher_logits is None else torch.tensor(teacher_logits)
    cw = class_weights(y[y >= 0])
    steps = epochs * ((len(seqs) + 31) // 32)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps,
                                                pct_start=0.1)
    model.train()
    for ep in range(epochs):
        t0, total = time.time(), 0.0
        for b in batches(len(seqs), 32, lengths, True, rng):
            ids, mask = pad([seqs[i] for i in b], pad_id)
            logits = model(ids, mask)
            loss = torch.zeros(())
            lab = has_label[b]
            if lab.any():
                ce = F.cross_entropy(logits[lab], yt[b][lab], weight=cw, reduction="none")
                loss = loss + (ce * wt[b][lab]).mean()
            if tl is not None:
                temp = 2.0
                kd = F.kl_div(F.log_softmax(logits / temp, -1),
                              F.softmax(tl[b] / temp, -1), reduction="batchmean") * temp * temp
                loss = loss + kd
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(b)
        log(f"{name} epoch {ep + 1}/{epochs}: loss {total / len(seqs):.4f} "
            f"({time.time() - t0:.0f}s)")
    model.eval()


def platt(d: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e4, max_iter=1000).fit(d.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def save_model(model: MeanPoolClassifier, tok: Any, folder: Path, meta: dict[str, Any],
               fp16: bool) -> None:
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    enc = model.encoder
    if fp16:
        enc = enc.half()
    enc.save_pretrained(folder)
    if fp16:
        model.encoder = enc.float()
    save_file({k: v.contiguous() for k, v in model.head.state_dict().items()},
              str(folder / "pantau_head.safetensors"))
    tok.no_padding()
    tok.no_truncation()
    tok.save(str(folder / "tokenizer.json"))
    (folder / "pantau.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")


def evaluate_logits(name: str, dev_l: np.ndarray, te_l: np.ndarray, dev: pd.DataFrame,
                    te: pd.DataFrame) -> dict[str, Any]:
    a, b = platt(dev_l[:, 1] - dev_l[:, 0], dev["y"].to_numpy())
    p_dev = 1 / (1 + np.exp(-(a * (dev_l[:, 1] - dev_l[:, 0]) + b)))
    thr = pick_threshold(dev["y"].to_numpy(), p_dev)
    p_te = 1 / (1 + np.exp(-(a * (te_l[:, 1] - te_l[:, 0]) + b)))
    m = per_slice(te, p_te, thr)
    log(f"{name}: test macro-F1 {m['all']['macro_f1']:.3f}, hard-neg FFR "
        f"{m['hard_negatives']['false_flag_rate']:.3f}, unseen F1 {m['unseen_contest']['f1']}")
    return {"calib": [a, b], "threshold": thr, "metrics": m, "p_test": p_te.tolist(),
            "p_dev": p_dev.tolist()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, default=PROJECT_ROOT / "var" / "finetune")
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--max-pieces", type=int, default=16000)
    ap.add_argument("--frozen", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--weak-neg-cap", type=int, default=1200,
                    help="weak everyday negatives kept in train (CPU budget)")
    ap.add_argument("--teacher-epochs", type=int, default=3)
    ap.add_argument("--student-epochs", type=int, default=6)
    ap.add_argument("--student-layers", default="0,1")
    ap.add_argument("--skip-teacher", action="store_true")
    ap.add_argument("--student-lr", type=float, default=1e-4)
    ap.add_argument("--only", default="student,scratch")
    ap.add_argument("--suffix", default="")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--limit", type=int, default=0, help="smoke test: rows per split")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    df = load_all()
    tr, dev, te = (df[df["split"] == s].reset_index(drop=True) for s in ("train", "dev", "test"))
    weak_neg = tr[(tr["source"] != "own") & (tr["y"] == 0)]
    if len(weak_neg) > args.weak_neg_cap:
        drop = weak_neg.sample(len(weak_neg) - args.weak_neg_cap, random_state=args.seed).index
        tr = tr.drop(index=drop).reset_index(drop=True)
    log(f"train rows {len(tr)} (partisan {int(tr['y'].sum())}), dev {len(dev)}, test {len(te)}")
    if args.limit:
        tr, dev, te = (x.sample(min(len(x), args.limit), random_state=0).reset_index(drop=True)
                       for x in (tr, dev, te))
    e5 = read_e5()
    keep_path = work / "keep_ids.json"
    if keep_path.is_file():
        keep = json.loads(keep_path.read_text())
    else:
        keep = choose_vocab(e5, vocab_corpus() + tr["norm"].tolist() + dev["norm"].tolist(),
                            args.max_pieces)
        keep_path.write_text(json.dumps(keep))
    log(f"vocabulary: {len(keep)} pieces kept of {len(e5.pieces)}")
    tok = build_tokenizer(e5, keep)
    pad_id = keep.index(SPECIALS["pad"])
    results: dict[str, Any] = {}
    res_path = work / "results.json"
    if res_path.is_file():
        results = json.loads(res_path.read_text())

    t_path = work / "teacher_logits.npz"
    if not args.skip_teacher or not t_path.is_file():
        t0 = time.time()
        teacher, tr_l = train_teacher(e5, keep, tok, tr, args.max_len, args.frozen,
                                      args.teacher_epochs, args.seed)
        train_time = time.time() - t0
        dev_l = logits_of(teacher, tok, dev["norm"].tolist(), args.max_len, pad_id)
        te_l = logits_of(teacher, tok, te["norm"].tolist(), args.max_len, pad_id)
        np.savez(t_path, tr=tr_l, dev=dev_l, te=te_l)
        r = evaluate_logits("teacher", dev_l, te_l, dev, te)
        r["train_seconds"] = train_time
        results["teacher"] = r
        save_model(teacher, tok, work / "teacher", {
            "kind": "e5-finetuned", "max_len": args.max_len, "calib": r["calib"],
            "threshold": r["threshold"], "model_version": "e5small-ft",
        }, fp16=True)
        del teacher
    z = np.load(t_path)
    tr_l, dev_l, te_l = z["tr"], z["dev"], z["te"]
    layers = [int(x) for x in args.student_layers.split(",")]
    for name, scratch in (("student", False), ("scratch", True)):
        if name not in args.only.split(","):
            continue
        name = name + args.suffix
        t0 = time.time()
        model = make_student(e5, keep, layers, scratch, hidden=256)
        train_student(model, tok, tr["norm"].tolist(), tr["y"].to_numpy(),
                      tr["weight"].to_numpy(), None if scratch else tr_l, args.max_len, pad_id,
                      args.student_epochs, 5e-4 if scratch else args.student_lr, args.seed, name,
                      freeze_embeddings=not scratch)
        s_dev = logits_of(model, tok, dev["norm"].tolist(), args.max_len, pad_id)
        s_te = logits_of(model, tok, te["norm"].tolist(), args.max_len, pad_id)
        r = evaluate_logits(name, s_dev, s_te, dev, te)
        r["train_seconds"] = time.time() - t0
        results[name] = r
        save_model(model, tok, work / name, {
            "kind": "e5-student" if not scratch else "scratch-transformer",
            "max_len": args.max_len, "calib": r["calib"], "threshold": r["threshold"],
            "model_version": name,
        }, fp16=True)
        res_path.write_text(json.dumps(results), encoding="utf-8")
    log("done")


if __name__ == "__main__":
    main()
