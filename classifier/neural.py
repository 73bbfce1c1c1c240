"""Transformer classifiers at inference time (any folder with ``config.json``).

Two kinds of folder work through the same ``classifier.model_dir`` setting:

- pantau's own (``pantau.json`` + ``pantau_head.safetensors``): a ``BertModel``-style encoder
  (``AutoModel``) + mean pooling + linear head, Platt-calibrated, with an optional TF-IDF
  cascade stage (``tfidf.joblib`` in the same folder: posts it scores below
  ``cascade_low`` are decided by it alone; for the others the score is
  ``(1 - blend_tfidf) * transformer + blend_tfidf * tfidf``; it also gives NET-* categories
  and term explanations);
- any other transformers checkpoint (e.g. an IndoBERTweet an operator fine-tuned):
  ``AutoModelForSequenceClassification``; the label named ``partisan`` (or index 1) is the
  positive class, scores are its softmax probability.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

MAX_LEN_DEFAULT = 64


def load_tokenizer(folder: Path) -> Any:
    """``tokenizer.json`` through ``tokenizers`` (keeps the e5 pipeline intact); otherwise
    ``AutoTokenizer`` for foreign checkpoints."""
    if (folder / "tokenizer.json").is_file():
        from tokenizers import Tokenizer

        return Tokenizer.from_file(str(folder / "tokenizer.json"))
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(folder))


def encode_batch(tok: Any, texts: Sequence[str], max_len: int, pad_id: int
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    if hasattr(tok, "encode_batch"):  # tokenizers.Tokenizer
        tok.no_padding()
        tok.enable_truncation(max_len)
        encs = tok.encode_batch(list(texts))
        ids = [e.ids for e in encs]
    else:
        ids = tok(list(texts), truncation=True, max_length=max_len)["input_ids"]
    width = max(1, max(len(x) for x in ids))
    arr = np.full((len(ids), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for i, x in enumerate(ids):
        arr[i, : len(x)] = x
        mask[i, : len(x)] = 1
    return torch.from_numpy(arr), torch.from_numpy(mask)


def mean_pool(h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(h.dtype)
    return (h * m).sum(1) / m.sum(1).clamp(min=1.0)


class MeanPoolClassifier(torch.nn.Module):
    def __init__(self, encoder: Any, hidden: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(hidden, 2)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        return self.head(mean_pool(h, mask))


class NeuralModel:
    """Binary scores from a transformer (+ optional TF-IDF cascade / categories)."""

    def __init__(self, folder: Path) -> None:
        from transformers import AutoConfig, AutoModel, AutoModelForSequenceClassification

        self.folder = folder
        meta_path = folder / "pantau.json"
        self.meta: dict[str, Any] = (
            json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        )
        self.max_len = int(self.meta.get("max_len", MAX_LEN_DEFAULT))
        self.calib = tuple(self.meta.get("calib", (1.0, 0.0)))
        self.cascade_low = self.meta.get("cascade_low")
        self.blend = float(self.meta.get("blend_tfidf", 0.0))  # weight of the TF-IDF score
        self.batch = int(self.meta.get("batch", 128))
        self.tok = load_tokenizer(folder)
        config = AutoConfig.from_pretrained(str(folder))
        self.pad_id = int(getattr(config, "pad_token_id", 0) or 0)
        self.own = (folder / "pantau_head.safetensors").is_file()
        if self.own:
            from safetensors.torch import load_file

            kwargs: dict[str, Any] = {"dtype": torch.float32}
            if config.model_type == "bert":
                kwargs["add_pooling_layer"] = False  # mean pooling; no pooler weights saved
            encoder = AutoModel.from_pretrained(str(folder), **kwargs)
            self.net: Any = MeanPoolClassifier(encoder, config.hidden_size)
            self.net.head.load_state_dict(load_file(str(folder / "pantau_head.safetensors")))
            self.pos_index = 1
        else:
            self.net = AutoModelForSequenceClassification.from_pretrained(str(folder))
            labels = {str(v).lower(): int(k) for k, v in (config.id2label or {}).items()}
            self.pos_index = labels.get("partisan", 1)
        self.net.eval()
        threads = self.meta.get("torch_threads")
        if threads:  # process-wide; 1 is faster than 2 on a busy 2-core machine
            torch.set_num_threads(int(threads))
        if self.meta.get("quantize") == "int8":  # dynamic int8 Linear layers (CPU), 2x faster
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self.net = torch.ao.quantization.quantize_dynamic(
                        self.net, {torch.nn.Linear}, dtype=torch.qint8)
            except (AttributeError, RuntimeError):  # a torch without it: stay fp32
                pass
        self.tfidf = None
        if (folder / "tfidf.joblib").is_file():
            from classifier.tfidf import TfidfModel

            self.tfidf = TfidfModel.load(folder)
        self.version = str(self.meta.get("model_version", folder.name))

    @torch.inference_mode()
    def neural_scores(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros(len(texts))
        for start in range(0, len(order), self.batch):
            idx = order[start:start + self.batch]
            ids, mask = encode_batch(self.tok, [texts[i] or "." for i in idx], self.max_len,
                                     self.pad_id)
            if self.own:
                logits = self.net(ids, mask).float()
            else:
                logits = self.net(input_ids=ids, attention_mask=mask).logits.float()
            if self.own:
                a, b = self.calib
                d = (logits[:, 1] - logits[:, 0]).numpy()
                p = 1.0 / (1.0 + np.exp(-(a * d + b)))
            else:
                p = torch.softmax(logits, -1)[:, self.pos_index].numpy()
            out[idx] = p
        return out

    def predict_all(
        self, norm_texts: Sequence[str]
    ) -> tuple[np.ndarray, list[str | None], list[list[list[Any]]]]:
        n = len(norm_texts)
        cats: list[str | None] = [None] * n
        terms: list[list[list[Any]]] = [[] for _ in range(n)]
        scores = np.zeros(n)
        todo = list(range(n))
        if self.tfidf is not None:
            t_scores, cats, terms = self.tfidf.predict_all(norm_texts)
            if self.cascade_low is not None:
                scores = t_scores.copy()
                todo = [i for i in range(n) if t_scores[i] >= float(self.cascade_low)]
        if todo:
            neural = self.neural_scores([norm_texts[i] for i in todo])
            if self.tfidf is not None and self.blend > 0:
                neural = (1 - self.blend) * neural + self.blend * t_scores[todo]
            scores[todo] = neural
        return scores, cats, terms


def load_neural(folder: Path) -> NeuralModel:
    return NeuralModel(folder)
