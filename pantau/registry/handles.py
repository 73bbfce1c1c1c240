"""Per-platform normalisation of handles and profile URLs.

Each platform maps whatever an office typed (``@Budi``, ``https://t.me/s/budi``,
``x.com/Budi?lang=id``) to one canonical handle and a canonical URL, so that the same account
is never registered twice under two spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


class HandleError(ValueError):
    pass


@dataclass(frozen=True)
class Handle:
    platform: str
    handle: str
    url: str


def _path_and_host(value: str) -> tuple[str, str, str]:
    v = value.strip()
    if re.match(r"^[a-z0-9.-]+\.[a-z]{2,}/", v, re.I) and "://" not in v:
        v = "https://" + v
    if "://" in v:
        parts = urlsplit(v)
        return parts.netloc.lower().removeprefix("www.").removeprefix("m."), parts.path, parts.query
    return "", v, ""


def _check(platform: str, handle: str, pattern: str, raw: str) -> str:
    if not re.fullmatch(pattern, handle):
        raise HandleError(f"{platform}: handle tidak valid: {raw!r}")
    return handle


def normalise_handle(platform: str, raw: str) -> Handle:
    raw = (raw or "").strip()
    if not raw:
        raise HandleError(f"{platform}: handle kosong")
    host, path, query = _path_and_host(raw)
    segs = [s for s in path.split("/") if s]
    p = platform.lower()
    if p == "telegram":
        if host and host not in {"t.me", "telegram.me"}:
            raise HandleError(f"telegram: bukan tautan t.me: {raw!r}")
        if segs and segs[0] == "s":
            segs = segs[1:]
        name = (segs[0] if segs else "").lstrip("@").lower()
        h = _check(p, name, r"[a-z][a-z0-9_]{3,31}", raw)
        return Handle(p, h, f"https://t.me/{h}")
    if p == "x":
        if host and host not in {"x.com", "twitter.com"}:
            raise HandleError(f"x: bukan tautan x.com/twitter.com: {raw!r}")
        name = (segs[0] if segs else "").lstrip("@").lower()
        h = _check(p, name, r"[a-z0-9_]{1,15}", raw)
        return Handle(p, h, f"https://x.com/{h}")
    if p == "instagram":
        name = (segs[0] if segs else "").lstrip("@").lower()
        h = _check(p, name, r"[a-z0-9_.]{1,30}", raw)
        return Handle(p, h, f"https://www.instagram.com/{h}/")
    if p == "tiktok":
        name = (segs[0] if segs else "").lstrip("@").lower()
        h = _check(p, name, r"[a-z0-9_.]{2,24}", raw)
        return Handle(p, h, f"https://www.tiktok.com/@{h}")
    if p == "facebook":
        if segs and segs[0] == "profile.php":
            fid = parse_qs(query).get("id", [""])[0]
            h = _check(p, fid, r"\d{5,20}", raw)
            return Handle(p, h, f"https://www.facebook.com/profile.php?id={h}")
        name = (segs[0] if segs else "").lower()
        h = _check(p, name, r"[a-z0-9.]{5,50}", raw)
        return Handle(p, h, f"https://www.facebook.com/{h}")
    if p == "mastodon":
        if host:  # https://instance/@user
            user = (segs[0] if segs else "").lstrip("@").lower()
            instance = host
        else:
            m = re.fullmatch(r"@?([^@\s]+)@([^@\s]+)", raw)
            if not m:
                raise HandleError(f"mastodon: tulis sebagai @nama@instance: {raw!r}")
            user, instance = m.group(1).lower(), m.group(2).lower()
        _check(p, user, r"[a-z0-9_]{1,30}", raw)
        _check(p, instance, r"[a-z0-9.-]+\.[a-z]{2,}", raw)
        return Handle(p, f"{user}@{instance}", f"https://{instance}/@{user}")
    if p == "youtube":
        if segs and segs[0] == "channel" and len(segs) > 1:
            cid = segs[1]
        elif segs and segs[0].startswith("@"):
            h = _check(p, segs[0].lower(), r"@[a-z0-9_.\-]{3,30}", raw)
            return Handle(p, h, f"https://www.youtube.com/{h}")
        else:
            cid = segs[0] if segs else ""
        if re.fullmatch(r"UC[A-Za-z0-9_-]{22}", cid):
            return Handle(p, cid, f"https://www.youtube.com/channel/{cid}")
        if cid.startswith("@"):
            h = _check(p, cid.lower(), r"@[a-z0-9_.\-]{3,30}", raw)
            return Handle(p, h, f"https://www.youtube.com/{h}")
        raise HandleError(f"youtube: harus ID kanal UC… atau @handle: {raw!r}")
    raise HandleError(f"platform tidak dikenal: {platform!r}")


PLATFORMS = ("telegram", "x", "instagram", "tiktok", "facebook", "mastodon", "youtube")
