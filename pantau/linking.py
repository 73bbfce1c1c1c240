"""Link collected posts to registered people, and minimise everyone else's data.

Order of evidence: the source itself belongs to a registered account (their own channel or
timeline) → the author's handle or platform id → the sender's phone number (group exports) →
the sender's display name, with a confidence score. Name matches below the configured
threshold are kept as ``pending`` for an analyst to confirm; they are never treated as
certain.

Messages from people outside the registry are not kept in full (UU 27/2022, minimisation):
depending on ``privacy.non_registry_messages`` they are dropped, or kept as pseudonymised
context (no name, no phone, no raw item) within ``privacy.context_window`` messages of a
registered person's message.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import Session

from pantau.config import PrivacySettings
from pantau.db.models import Account, Person
from pantau.registry.phones import try_normalise_phone
from scrapers.base import ParsedPost

# Titles and degrees people add to display names ("Drs. Budi Santoso, S.Kom").
_TITLES = re.compile(
    r"\b(dr|drs|dra|ir|h|hj|prof|s\.?\s?(kom|sos|pd|h|e|t|ip|ag|ked|farm|si|st|hut|pt)|m\.?\s?(si|m|pd|kom|t|h|ap|ag|sc|eng)"
    r"|a\.?\s?md|se|st|sh|mm|mh|mt|msi|mpd|ssos|spd|skom|ak|ssi|amd|pak|bu|ibu|bapak|kak|bang)\b\.?",
    re.I,
)
NAME_FLOOR = 0.75  # below this a name is not a candidate at all


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\(.*?\)", " ", text)  # "(Dinas Kominfo)"
    text = _TITLES.sub(" ", text.lower())
    text = re.sub(r"[^a-z\s]", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Match:
    person_id: int | None
    account_id: int | None
    method: str | None  # account | handle | phone | name
    confidence: float | None
    status: str  # matched | pending | unmatched | context


UNMATCHED = Match(None, None, None, None, "unmatched")


def account_match(account: Account) -> Match:
    """The source itself is a registered person's own account (their channel or timeline)."""
    return Match(account.person_id, account.id, "account", 1.0, "matched")


@dataclass(frozen=True)
class _Acc:
    id: int
    person_id: int


class Linker:
    """Registry lookups built once (per run or import); ``match`` is then cheap per post.

    It holds plain ids, not ORM objects, so one instance can serve many sessions and threads.
    """

    def __init__(self, session: Session, privacy: PrivacySettings) -> None:
        self.privacy = privacy
        self.by_handle: dict[tuple[str, str], _Acc] = {}
        self.by_external: dict[tuple[str, str], _Acc] = {}
        self.by_phone: dict[str, _Acc] = {}
        self.names: list[tuple[str, int]] = []
        rows = session.execute(select(Account.id, Account.person_id, Account.platform, Account.handle,
                                      Account.external_id, Account.phone))
        for acc_id, person_id, platform, handle, external_id, phone in rows:
            acc = _Acc(acc_id, person_id)
            self.by_handle[(platform, handle.lower())] = acc
            if external_id:
                self.by_external[(platform, external_id)] = acc
            if phone:
                self.by_phone[phone] = acc
        for pid, name in session.execute(select(Person.id, Person.name).where(Person.active.is_(True))):
            self.names.append((normalise_name(name), pid))

    def match(self, post: ParsedPost, *, source_account: Account | None = None,
              by_name: bool = False) -> Match:
        if source_account is not None:
            return account_match(source_account)
        if post.author_id and (acc := self.by_external.get((post.platform, post.author_id))):
            return Match(acc.person_id, acc.id, "handle", 1.0, "matched")
        if post.author_handle and (acc := self.by_handle.get((post.platform, post.author_handle.lower().lstrip("@")))):
            return Match(acc.person_id, acc.id, "handle", 1.0, "matched")
        phone = post.author_phone or (try_normalise_phone(post.author_name or "") if by_name else None)
        if phone and (acc := self.by_phone.get(phone)):
            return Match(acc.person_id, acc.id, "phone", 1.0, "matched")
        if by_name and post.author_name and not phone:
            return self._match_name(post.author_name)
        return UNMATCHED

    def _match_name(self, shown: str) -> Match:
        target = normalise_name(shown)
        if len(target) < 4:
            return UNMATCHED
        best, best_pid = 0.0, None
        shown_tokens = set(target.split())
        for name, pid in self.names:
            score = SequenceMatcher(None, target, name).ratio()
            tokens = set(name.split())
            if len(tokens) >= 2 and tokens <= shown_tokens:
                # the full registered name inside a longer display name ("Ahmad Fauzi Disdukcapil")
                score = max(score, 0.85 + 0.1 * len(tokens) / len(shown_tokens))
            elif len(shown_tokens) >= 1 and shown_tokens < tokens:
                # a shortened name ("Budi") is a candidate for an analyst, never certain
                score = max(score, min(0.8, 0.6 + 0.2 * len(shown_tokens) / len(tokens)))
            if score > best:
                best, best_pid = score, pid
        if best_pid is None or best < NAME_FLOOR:
            return UNMATCHED
        status = "matched" if best >= self.privacy.name_match_threshold else "pending"
        return Match(best_pid, None, "name", round(best, 3), status)


def pseudonym(group: str, author: str | None) -> str:
    digest = hashlib.sha256(f"{group}\x00{author or ''}".encode()).hexdigest()[:6]
    return f"Anggota grup #{digest}"


def minimise_group(posts: Sequence[ParsedPost], matches: Sequence[Match], privacy: PrivacySettings,
                   group: str) -> list[tuple[ParsedPost, Match]]:
    """Keep registered people's messages; drop or pseudonymise the rest (see module doc)."""
    keep_idx = [i for i, m in enumerate(matches) if m.status in ("matched", "pending")]
    out: list[tuple[ParsedPost, Match]] = []
    window = privacy.context_window if privacy.non_registry_messages == "pseudonymise" else 0
    near: set[int] = set()
    for i in keep_idx:
        near.update(range(max(0, i - window), min(len(posts), i + window + 1)))
    for i, (post, m) in enumerate(zip(posts, matches, strict=True)):
        if m.status in ("matched", "pending"):
            out.append((post, m))
        elif i in near:
            alias = pseudonym(group, post.author_name)
            raw = {"pseudonymised": True, "author": alias, "posted_at": post.posted_at.isoformat(),
                   "text": post.text}
            out.append((replace(post, author_name=alias, author_handle=None, author_id=None, author_phone=None,
                                raw=raw, extra={}), replace(UNMATCHED, status="context")))
    return out
