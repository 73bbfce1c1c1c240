"""Weak labels from rules over the shared Indonesian datasets (shared/datasets/).

- id-multilabel-hatespeech (tweets 2018, CC BY-NC-SA 4.0): tweets with explicit campaign
  cues (campaign hashtags, "coblos X", "pilih X", "X 2 periode") -> partisan/NET-KMS;
  tweets with no political vocabulary at all -> not_partisan. Political tweets without a
  campaign cue are ambiguous (criticism is allowed) and are left out.
- SmSA (CC BY-SA 4.0) and EmoT (CC BY-SA 4.0): everyday reviews/tweets -> not_partisan,
  after dropping texts with political vocabulary.

Candidate names, years and hashtags of partisan tweets are replaced by invented ones in
about half of the rows, so that the model cannot learn 2019 names/hashtags only.
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path

import pandas as pd

SHARED = Path("/work/shared/datasets")

POLITICAL = re.compile(
    r"jokowi|jkw|prabowo|bowo|ahok|anies|sandi|ma.?ruf|presiden|pilkada|pilpres|pemilu|"
    r"partai|capres|cawapres|cagub|paslon|kampanye|caleg|dpr|pilgub|koalisi|oposisi|"
    r"cebong|kampret|gubernur|bupati|walikota|menteri|pemerintah|politik|pdip|gerindra|pks|"
    r"demokrat|golkar|pan\b|pkb|nasdem|ppp|hanura|coblos|#\w*(2019|2018|2024)",
    re.IGNORECASE,
)
CAMPAIGN = re.compile(
    r"#\s*(2019gantipresiden|2019tetapjokowi|jokowi2periode|2019prabowo\w*|asalbukanjokowi|"
    r"2019presidenbaru|prabowosandi\w*|jokowiamin\w*|\w*2periode)|"
    r"\b(coblos|nyoblos|pilih|dukung|menangkan)\s+(jokowi|prabowo|ahok|anies|sandi|agus|"
    r"djarot|01|02|nomor|no\.?\s?\d)|(jokowi|jkw)\s*(2|dua)\s*periode|ganti ?presiden",
    re.IGNORECASE,
)
NAMES = re.compile(
    r"jokowi|jkw|prabowo|bowo|ahok|anies|sandiaga|sandi|ma.?ruf amin|agus|sylvi|djarot|"
    r"anis matta", re.IGNORECASE,
)
INVENTED = ["hendra", "yohana", "arief", "dewi", "bambang", "lukman", "nirwana", "rusdi",
            "samsul", "melati", "firman", "ratna", "gunawan", "aliong"]


def _mask(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return text
    name = rng.choice(INVENTED)
    other = rng.choice([n for n in INVENTED if n != name])
    out = NAMES.sub(lambda m: name if rng.random() < 0.7 else other, text)
    year = str(rng.choice([2027, 2029, 2030, 2034]))
    return re.sub(r"2019|2018|2017", year, out)


def _split(text: str, test_pct: int = 20) -> str:
    h = int(hashlib.sha1(text.encode()).hexdigest(), 16) % 100
    return "test" if h < test_pct else ("dev" if h < test_pct + 10 else "train")


def _clean_tweet(text: str) -> str:
    text = re.sub(r"\\n", " ", text)
    text = re.sub(r"\bRT\b", " ", text)
    text = re.sub(r"[^\x00-\x7f]+", " ", text)  # latin-1 decoding debris of emojis
    return re.sub(r"\s+", " ", text).strip(" '")


def build(seed: int = 7, neg_tweets: int = 1500, smsa: int = 1500, emot: int = 1200) -> pd.DataFrame:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    hs = pd.read_csv(SHARED / "id-multilabel-hatespeech" / "re_dataset.csv", encoding="latin-1")
    neg: list[str] = []
    for raw in hs["Tweet"].astype(str):
        text = _clean_tweet(raw)
        if len(text) < 15:
            continue
        if CAMPAIGN.search(text):
            rows.append({"text": _mask(text, rng), "label": "partisan", "category": "NET-KMS",
                         "source": "hatespeech2018", "kind": "weak_campaign",
                         "split": _split(text)})
        elif not POLITICAL.search(text):
            neg.append(text)
    rng.shuffle(neg)
    rows += [{"text": t, "label": "not_partisan", "category": "", "source": "hatespeech2018",
              "kind": "everyday", "split": _split(t)} for t in neg[:neg_tweets]]
    for name, n_train in (("train", smsa), ("valid", 150), ("test", 300)):
        df = pd.read_csv(SHARED / "indonlu-smsa" / f"{name}_preprocess.tsv", sep="\t",
                         header=None, names=["text", "sentiment"], quoting=3)
        texts = [t for t in df["text"].astype(str) if not POLITICAL.search(t)]
        rng.shuffle(texts)
        split = {"train": "train", "valid": "dev", "test": "test"}[name]
        rows += [{"text": t, "label": "not_partisan", "category": "", "source": "smsa",
                  "kind": "everyday", "split": split} for t in texts[:n_train]]
    for name, n_train in (("train", emot), ("valid", 150), ("test", 300)):
        df = pd.read_csv(SHARED / "indonlu-emot" / f"{name}_preprocess.csv")
        texts = [t for t in df["tweet"].astype(str) if not POLITICAL.search(t)]
        rng.shuffle(texts)
        split = {"train": "train", "valid": "dev", "test": "test"}[name]
        rows += [{"text": t, "label": "not_partisan", "category": "", "source": "emot",
                  "kind": "everyday", "split": split} for t in texts[:n_train]]
    # Emojis and hand signs are everyday decoration too: add some to weak negatives so that
    # "<emoji>" or a thumbs-up is not learnt as a partisan cue (the sources lost theirs).
    deco = ["😂", "🙏", "👍", "👌", "✌️", "☝️", "🔥", "😍", "🤲", "💪", "😁", "🤟", "😭"]
    for row in rows:
        if row["label"] == "not_partisan" and rng.random() < 0.35:
            row["text"] = f"{row['text']} {''.join(rng.sample(deco, rng.randint(1, 3)))}"
    out = pd.DataFrame(rows).drop_duplicates("text")
    out.insert(0, "id", [f"weak-{i:05d}" for i in range(len(out))])
    return out


if __name__ == "__main__":
    dest = Path(__file__).resolve().parent.parent / "data" / "training" / "weak.csv"
    df = build()
    df.to_csv(dest, index=False)
    print(df.groupby(["source", "split", "label"]).size())
