"""Classifier commands: ``pantau classify`` and ``pantau model train|evaluate``.

Registered by ``pantau/cli/main.py``::

    app.command("classify")(model_cli.classify_command)
    app.add_typer(model_cli.model_app, name="model")
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)

model_app = typer.Typer(help="Model klasifikasi: latih dan evaluasi.", no_args_is_help=True)


def _fail(message: str) -> None:
    err_console.print(f"[bold red]Galat:[/] {message}", highlight=False)
    raise typer.Exit(2)


def _classifier(model_dir: Path | None) -> object:
    from classifier import load_classifier
    from classifier.model import ModelNotFoundError
    from classifier.watchlist import WatchlistError

    try:
        return load_classifier(model_dir=model_dir)
    except (ModelNotFoundError, WatchlistError) as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


def classify_command(
    input: Annotated[Path, typer.Option("--input", "-i", help="CSV dengan kolom id,text.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV hasil.")],
    model_dir: Annotated[Path | None, typer.Option(help="Folder model (bawaan: konfigurasi).")]
    = None,
) -> None:
    """Klasifikasikan teks dalam CSV (id,text) → id,label,score,category,explanation."""
    from classifier.batch import ClassifyInputError, classify_csv

    clf = _classifier(model_dir)
    try:
        summary = classify_csv(input, output, clf)  # type: ignore[arg-type]
    except ClassifyInputError as exc:
        _fail(str(exc))
        return
    console.print(
        f"Selesai: {summary.classified} dari {summary.rows} baris diklasifikasi, "
        f"{summary.partisan} diduga partisan (perlu ditinjau manusia). Hasil: {output}"
    )
    if summary.bad_rows:
        console.print(f"[yellow]{len(summary.bad_rows)} baris bermasalah[/] (tetap ditulis):")
        for msg in summary.bad_rows[:20]:
            console.print(f"  - {msg}")


@model_app.command("train")
def train_command(
    out: Annotated[Path | None, typer.Option(help="Folder keluaran model.")] = None,
    include_reviews: Annotated[
        bool, typer.Option("--include-reviews", help="Tambahkan keputusan peninjau dari DB.")
    ] = False,
) -> None:
    """Latih ulang model dari data/training (+ keputusan peninjau).

    Folder TF-IDF: dilatih ulang penuh. Folder kaskade (TF-IDF + transformer): tahap TF-IDF,
    ambang kaskade dan ambang keputusan dilatih ulang; bobot transformer tetap.
    """
    from classifier.build_default import build
    from classifier.data import load_all
    from classifier.train import train_tfidf
    from pantau.config import get_settings

    settings = get_settings()
    out = out or Path(settings.classifier.model_dir)
    extra = None
    if include_reviews:
        from classifier.reviews import review_rows, rows_to_frame
        from pantau.db.session import session_scope

        with session_scope() as session:
            rows = review_rows(session)
        extra = rows_to_frame(rows)
        console.print(f"Keputusan peninjau ditambahkan: {len(extra)} baris")
    if (out / "pantau.json").is_file() and (out / "config.json").is_file():
        meta = build(out, out, extra)
    else:
        meta = train_tfidf(out, load_all(extra=extra))
    allm = meta["test_metrics"]["all"]
    console.print(f"Model {meta['model_version']} disimpan di {out} "
                  f"(macro-F1 uji {allm['macro_f1']:.3f}, ambang {meta['threshold']})")


def _metrics_table(metrics: dict[str, dict[str, object]]) -> Table:
    table = Table(title="Evaluasi per irisan (data uji)")
    for col in ("irisan", "n", "presisi", "recall", "F1", "macro-F1", "salah tandai", "ECE"):
        table.add_column(col)

    def f(v: object) -> str:
        return "-" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))

    for name, m in metrics.items():
        if not isinstance(m, dict):
            continue
            table.add_row(name, f(m["n"]), f(m["precision"]), f(m["recall"]), f(m["f1"]),
                      f(m["macro_f1"]), f(m["false_flag_rate"]), f(m["ece"]))
    return table


@model_app.command("evaluate")
def evaluate_command(
    model_dir: Annotated[Path | None, typer.Option(help="Folder model.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Tulis metrik ke JSON.")]
    = None,
    input: Annotated[
        Path | None, typer.Option("--input", help="CSV id,source,text untuk diskor (tanpa label).")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", help="CSV id,label,score,category.")]
    = None,
) -> None:
    """Evaluasi per irisan pada data uji, atau skor CSV id,source,text."""
    import numpy as np

    from classifier.batch import ClassifyInputError, read_id_source_text
    from classifier.data import load_all
    from classifier.evaluate import per_slice

    clf = _classifier(model_dir)
    if input is not None:
        try:
            rows = read_id_source_text(input)
        except ClassifyInputError as exc:
            _fail(str(exc))
            return
        preds = clf.predict([r["text"] for r in rows])  # type: ignore[attr-defined]
        dest = output or input.with_name(input.stem + ".pred.csv")
        with dest.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "label", "score", "category"])
            for r, p in zip(rows, preds, strict=True):
                w.writerow([r["id"], p.label, f"{p.score:.4f}", p.category or ""])
        dist: dict[str, Counter[str]] = {}
        for r, p in zip(rows, preds, strict=True):
            dist.setdefault(r["source"] or "-", Counter())[p.label] += 1
        table = Table(title=f"Sebaran label: {input.name}")
        for col in ("sumber", "n", "partisan", "not_partisan"):
            table.add_column(col)
        for src, c in sorted(dist.items()):
            table.add_row(src, str(sum(c.values())), str(c["partisan"]), str(c["not_partisan"]))
        console.print(table)
        console.print(f"Prediksi ditulis ke {dest}")
        if json_out:
            json_out.write_text(json.dumps({k: dict(v) for k, v in dist.items()}, indent=2))
        return
    df = load_all()
    te = df[df["split"] == "test"].reset_index(drop=True)
    preds = clf.predict(te["text"].tolist())  # type: ignore[attr-defined]
    p = np.array([x.score for x in preds])
    threshold = float(getattr(clf, "threshold", 0.5))
    metrics = per_slice(te, p, threshold)
    console.print(_metrics_table(metrics))
    console.print(f"Ambang: {threshold}; model: {getattr(clf, 'version', '')}")
    if json_out:
        json_out.write_text(json.dumps(metrics, indent=2), encoding="utf-8")
        console.print(f"Metrik ditulis ke {json_out}")
