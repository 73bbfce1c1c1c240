"""Any transformers checkpoint folder (config.json) works through classifier.model_dir."""

from __future__ import annotations

from pathlib import Path

import pytest


def _tiny_checkpoint(folder: Path) -> None:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(0)
    words = ["[PAD]", "[UNK]", "ayo", "coblos", "nomor", "selamat", "pagi", "<", ">", "sign_2"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    folder.mkdir(parents=True, exist_ok=True)
    tok.save(str(folder / "tokenizer.json"))
    cfg = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, pad_token_id=0,
                     id2label={0: "partisan", 1: "not_partisan"},
                     label2id={"partisan": 0, "not_partisan": 1})
    BertForSequenceClassification(cfg).save_pretrained(folder)


def test_foreign_checkpoint_loads(tmp_path: Path) -> None:
    from classifier.model import PantauClassifier

    folder = tmp_path / "indobertweet-like"
    _tiny_checkpoint(folder)
    clf = PantauClassifier(folder, None)
    preds = clf.predict(["Ayo coblos nomor 2 ✌️", "", "selamat pagi"])
    assert len(preds) == 3
    assert all(0.0 <= p.score <= 1.0 for p in preds)
    assert preds[1].score == 0.0  # empty text stays defined
    assert clf.backend.pos_index == 0  # the label named "partisan", not blindly index 1
    assert clf.version == "indobertweet-like"


def test_missing_model_is_clear(tmp_path: Path) -> None:
    from classifier.model import ModelNotFoundError, PantauClassifier

    with pytest.raises(ModelNotFoundError, match="no model artifact"):
        PantauClassifier(tmp_path, None)
