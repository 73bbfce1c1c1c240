from __future__ import annotations

from pathlib import Path

import pytest

from classifier.watchlist import Watchlist, WatchlistError, load_elections

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_elections() -> None:
    elections = {e.id: e for e in load_elections(ROOT / "data" / "elections")}
    assert {"pemilu-2024-pilpres", "pilgub-kalbar-2024"} <= set(elections)
    kalbar = elections["pilgub-kalbar-2024"]
    assert [c.number for c in kalbar.contestants] == [1, 2, 3]
    assert all(c.parties_unconfirmed for c in kalbar.contestants)
    import datetime as dt

    assert kalbar.stage_on(dt.date(2024, 11, 25)) == "quiet_period"
    assert kalbar.stage_on(dt.date(2024, 11, 27)) == "voting"


def test_matches() -> None:
    wl = Watchlist.load(ROOT / "data" / "elections")
    hits = wl.match("Hadir deklarasi relawan Bang Midji, #PrabowoGibran2024 juga")
    assert {(h["election"], h["number"]) for h in hits} == {
        ("pilgub-kalbar-2024", 1), ("pemilu-2024-pilpres", 2)}
    assert wl.match("aamiin ya Allah, semoga sehat") == []
    assert wl.match("") == []


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_bad_yaml_syntax(tmp_path: Path) -> None:
    with pytest.raises(WatchlistError, match=r"bad\.yaml.*invalid YAML"):
        load_elections(_write(tmp_path, "id: [unclosed\n"))


def test_bad_field_named(tmp_path: Path) -> None:
    text = "id: x\nname: X\ncontestants:\n  - number: dua\n    names: [A]\n"
    with pytest.raises(WatchlistError, match=r"bad\.yaml.*contestants\[0\]\.number"):
        load_elections(_write(tmp_path, text))


def test_bad_date_named(tmp_path: Path) -> None:
    text = ("id: x\nname: X\nstages:\n  voting: {start: 2024-13-01, end: 2024-11-27}\n"
            "contestants:\n  - number: 1\n    names: [A]\n")
    with pytest.raises(WatchlistError, match=r"bad\.yaml.*stages\.voting\.start"):
        load_elections(_write(tmp_path, text))


def test_unknown_field_named(tmp_path: Path) -> None:
    text = "id: x\nname: X\ncontestants:\n  - number: 1\n    names: [A]\n    partai: [B]\n"
    with pytest.raises(WatchlistError, match=r"contestants\[0\]\.partai"):
        load_elections(_write(tmp_path, text))
