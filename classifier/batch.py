"""CSV in -> CSV out classification (the ``pantau classify`` path), streaming in chunks."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.api import Classifier

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
CHUNK = 2048


class ClassifyInputError(ValueError):
    """The input CSV cannot be used; the message names the file (and column)."""


@dataclass
class ClassifySummary:
    rows: int = 0
    classified: int = 0
    partisan: int = 0
    bad_rows: list[str] = field(default_factory=list)
    output: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "classified": self.classified, "partisan": self.partisan,
                "bad_rows": self.bad_rows, "output": self.output}


def _check_encoding(path: Path) -> None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            while fh.read(1 << 20):
                pass
    except UnicodeDecodeError as exc:
        raise ClassifyInputError(
            f"{path}: berkas bukan UTF-8 (byte {exc.start}); simpan ulang sebagai CSV UTF-8"
        ) from exc


def _rows(path: Path, need: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str | None], str]]:
    """(line number, row, problem) per data row; problem is "" when the row is fine."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        for col in need:
            if col not in header:
                raise ClassifyInputError(
                    f"{path}: kolom '{col}' tidak ada (kolom yang ada: {', '.join(header) or '-'})"
                )
        reader.fieldnames = header
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, {}, f"CSV rusak: {exc}"
                continue
            problem = ""
            if None in row:
                problem = "kolom berlebih"
            if row.get("text") is None:
                problem = "kolom text kosong/hilang"
            yield reader.line_num, row, problem


def classify_csv(src: Path, dest: Path, clf: Classifier,
                 with_explanation: bool = True) -> ClassifySummary:
    src, dest = Path(src), Path(dest)
    if not src.is_file():
        raise ClassifyInputError(f"{src}: berkas tidak ditemukan")
    _check_encoding(src)
    summary = ClassifySummary(output=str(dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    cols = ["id", "label", "score", "category"] + (["explanation"] if with_explanation else [])
    with dest.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(cols)
        chunk: list[tuple[str, str]] = []

        def flush() -> None:
            preds = clf.predict([t for _, t in chunk])
            for (rid, _), p in zip(chunk, preds, strict=True):
                row: list[Any] = [rid, p.label, f"{p.score:.4f}", p.category or ""]
                if with_explanation:
                    row.append(json.dumps(p.explanation, ensure_ascii=False))
                writer.writerow(row)
                summary.classified += 1
                summary.partisan += p.label == "partisan"
            chunk.clear()

        for line, row, problem in _rows(src, ("text",)):
            summary.rows += 1
            rid = str(row.get("id") or f"baris-{line}")
            if problem:
                summary.bad_rows.append(f"baris {line}: {problem}")
            text = row.get("text") or ""
            chunk.append((rid, text if isinstance(text, str) else ""))
            if len(chunk) >= CHUNK:
                flush()
        if chunk:
            flush()
    return summary


def read_id_source_text(path: Path) -> list[dict[str, str]]:
    """Rows of an ``id,source,text`` CSV (source optional), for ``pantau model evaluate``."""
    path = Path(path)
    if not path.is_file():
        raise ClassifyInputError(f"{path}: berkas tidak ditemukan")
    _check_encoding(path)
    out = []
    for line, row, _ in _rows(path, ("id", "text")):
        out.append({"id": str(row.get("id") or f"baris-{line}"),
                    "source": str(row.get("source") or ""), "text": str(row.get("text") or "")})
    return out
