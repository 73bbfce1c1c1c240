"""Election watchlists (``data/elections/*.yaml``): contests, stages and contestants.

Watchlist hits are explanations (and a weak feature); they never decide a label alone:
a neutral news post that names a candidate is not partisan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from classifier.textprep import normalize

ELECTION_KEYS = {"id", "name", "level", "region", "stages", "contestants"}
CONTESTANT_KEYS = {
    "number", "names", "nicknames", "parties", "parties_unconfirmed", "hashtags", "taglines",
    "gestures",
}
SIGN_FOR_NUMBER = {1: "<sign_1>", 2: "<sign_2>", 3: "<sign_3>"}


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, so a bad date is reported with its field."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class WatchlistError(ValueError):
    """A watchlist file is invalid; the message names the file and the field."""


@dataclass(frozen=True)
class Stage:
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Contestant:
    number: int
    names: tuple[str, ...]
    nicknames: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    parties_unconfirmed: bool = False
    hashtags: tuple[str, ...] = ()
    taglines: tuple[str, ...] = ()
    gestures: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return " – ".join(self.names)


@dataclass(frozen=True)
class Election:
    id: str
    name: str
    level: str
    region: str
    stages: tuple[Stage, ...]
    contestants: tuple[Contestant, ...]
    source: Path | None = None

    def stage_on(self, day: dt.date) -> str | None:
        for stage in self.stages:
            if stage.start <= day <= stage.end:
                return stage.name
        return None


@dataclass
class _Pattern:
    election: str
    contestant: str
    number: int
    kind: str
    surface: str
    regex: re.Pattern[str] = field(repr=False)


def _err(path: Path, where: str, msg: str) -> WatchlistError:
    return WatchlistError(f"{path}: field '{where}': {msg}")


def _str_list(path: Path, where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise _err(path, where, "must be a list of strings")
    return tuple(str(v) for v in value)


def _date(path: Path, where: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _err(path, where, f"not a date (YYYY-MM-DD): {value!r}")


def parse_election(path: Path, data: Any) -> Election:
    if not isinstance(data, dict):
        raise _err(path, "(root)", "must be a mapping with id, name, stages, contestants")
    unknown = set(data) - ELECTION_KEYS
    if unknown:
        raise _err(path, sorted(unknown)[0], "unknown field")
    for key in ("id", "name", "contestants"):
        if key not in data:
            raise _err(path, key, "missing")
    if not isinstance(data["id"], str) or not data["id"].strip():
        raise _err(path, "id", "must be a non-empty string")
    stages_raw = data.get("stages") or {}
    if not isinstance(stages_raw, dict):
        raise _err(path, "stages", "must be a mapping of stage name -> {start, end}")
    stages = []
    for name, span in stages_raw.items():
        if not isinstance(span, dict) or "start" not in span or "end" not in span:
            raise _err(path, f"stages.{name}", "needs start and end")
        start = _date(path, f"stages.{name}.start", span["start"])
        end = _date(path, f"stages.{name}.end", span["end"])
        if end < start:
            raise _err(path, f"stages.{name}", "end is before start")
        stages.append(Stage(str(name), start, end))
    contestants_raw = data["contestants"]
    if not isinstance(contestants_raw, list) or not contestants_raw:
        raise _err(path, "contestants", "must be a non-empty list")
    contestants = []
    numbers: set[int] = set()
    for i, item in enumerate(contestants_raw):
        where = f"contestants[{i}]"
        if not isinstance(item, dict):
            raise _err(path, where, "must be a mapping")
        unknown = set(item) - CONTESTANT_KEYS
        if unknown:
            raise _err(path, f"{where}.{sorted(unknown)[0]}", "unknown field")
        number = item.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise _err(path, f"{where}.number", f"must be a positive integer, got {number!r}")
        if number in numbers:
            raise _err(path, f"{where}.number", f"duplicate ballot number {number}")
        numbers.add(number)
        names = _str_list(path, f"{where}.names", item.get("names"))
        if not names:
            raise _err(path, f"{where}.names", "needs at least one name")
        contestants.append(
            Contestant(
                number=number,
                names=names,
                nicknames=_str_list(path, f"{where}.nicknames", item.get("nicknames")),
                parties=_str_list(path, f"{where}.parties", item.get("parties")),
                parties_unconfirmed=bool(item.get("parties_unconfirmed", False)),
                hashtags=_str_list(path, f"{where}.hashtags", item.get("hashtags")),
                taglines=_str_list(path, f"{where}.taglines", item.get("taglines")),
                gestures=_str_list(path, f"{where}.gestures", item.get("gestures")),
            )
        )
    return Election(
        id=data["id"].strip(),
        name=str(data["name"]),
        level=str(data.get("level", "")),
        region=str(data.get("region", "")),
        stages=tuple(stages),
        contestants=tuple(contestants),
        source=path,
    )


def load_election_file(path: Path) -> Election:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except (yaml.YAMLError, ValueError) as exc:
        raise WatchlistError(f"{path}: invalid YAML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError(f"{path}: cannot read file: {exc}") from exc
    return parse_election(path, data)


class Watchlist:
    """All elections of a folder, with phrase matching over normalised text."""

    def __init__(self, elections: list[Election]) -> None:
        self.elections = elections
        self._patterns: list[_Pattern] = []
        for election in elections:
            for c in election.contestants:
                surfaces: list[tuple[str, str]] = []
                for name in c.names:
                    surfaces.append(("name", name))
                    parts = name.split()
                    if len(parts) > 1:  # family / first names are how people write them
                        surfaces.append(("name", parts[0] if len(parts[0]) > 3 else parts[-1]))
                surfaces += [("nickname", n) for n in c.nicknames]
                surfaces += [("hashtag", h) for h in c.hashtags]
                surfaces += [("tagline", t) for t in c.taglines]
                seen: set[str] = set()
                for kind, surface in surfaces:
                    norm = normalize(surface)
                    if len(norm) < 3 or norm in seen:
                        continue
                    seen.add(norm)
                    if kind == "hashtag":  # "#AMIN" must not match the prayer "amin"
                        raw = surface.lower().lstrip("#")
                        rx = re.compile(r"#" + re.escape(raw) + r"\b", re.IGNORECASE)
                    else:
                        rx = re.compile(r"(?<![\w<])" + re.escape(norm) + r"(?![\w>])")
                    self._patterns.append(
                        _Pattern(election.id, c.label, c.number, kind, surface, rx)
                    )
        # One combined regex per kind (one pass per post instead of one per pattern).
        self._norm_index: dict[str, list[_Pattern]] = {}
        self._tag_index: dict[str, list[_Pattern]] = {}
        for p in self._patterns:
            if p.kind == "hashtag":
                self._tag_index.setdefault(p.surface.lower().lstrip("#"), []).append(p)
            else:
                self._norm_index.setdefault(normalize(p.surface), []).append(p)
        never = r"(?!x)x"
        alt = "|".join(re.escape(k) for k in sorted(self._norm_index, key=len, reverse=True))
        self._norm_rx = re.compile(r"(?<![\w<])(" + (alt or never) + r")(?![\w>])")
        alt = "|".join(re.escape(k) for k in sorted(self._tag_index, key=len, reverse=True))
        self._tag_rx = re.compile(r"#(" + (alt or never) + r")\b", re.IGNORECASE)

    @classmethod
    def load(cls, folder: Path) -> Watchlist:
        return cls(load_elections(folder))

    def match(self, text: str, norm: str | None = None) -> list[dict[str, Any]]:
        """Hits of contestants in a raw text: ``{"election", "contestant", "number", "match"}``.

        ``norm`` is ``normalize(text)`` when the caller already has it.
        """
        text = text or ""
        norm = normalize(text) if norm is None else norm
        hits: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        found: list[_Pattern] = []
        if "#" in text:
            for m in self._tag_rx.finditer(text):
                found += self._tag_index.get(m.group(1).lower(), [])
        for m in self._norm_rx.finditer(norm):
            found += self._norm_index.get(m.group(1), [])
        for p in found:
            if (p.election, p.contestant) in seen:
                continue
            seen.add((p.election, p.contestant))
            hits.append({"election": p.election, "contestant": p.contestant,
                         "number": p.number, "match": p.surface})
        return hits


def load_elections(folder: Path) -> list[Election]:
    folder = Path(folder)
    if not folder.is_dir():
        raise WatchlistError(f"{folder}: elections folder does not exist")
    elections = [load_election_file(p) for p in sorted(folder.glob("*.y*ml"))]
    ids: dict[str, Path] = {}
    for e in elections:
        if e.id in ids:
            raise WatchlistError(f"{e.source}: field 'id': duplicate of {ids[e.id]}")
        ids[e.id] = e.source or folder
    return elections


@lru_cache(maxsize=8)
def cached_watchlist(folder: str) -> Watchlist:
    return Watchlist.load(Path(folder))
