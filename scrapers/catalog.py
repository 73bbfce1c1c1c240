"""Network collectors by their settings name (``[sources.<name>]``).

The pipeline does ``COLLECTORS[name]`` for each enabled source. Export importers
(``telegram_export``, ``whatsapp_export``) and citizen tips are not collectors: they are
called directly (``scrapers.telegram_export.parse_export``, ``scrapers.whatsapp.parse_export``,
``scrapers.tips.fetch_tip``); ``IMPORTERS`` lists them for completeness.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scrapers import mastodon, rss, telegram_export, telegram_web, whatsapp, x_api, youtube
from scrapers.collector import Collector

COLLECTORS: dict[str, Collector] = {
    telegram_web.collector.name: telegram_web.collector,
    mastodon.collector.name: mastodon.collector,
    x_api.collector.name: x_api.collector,
    youtube.collector.name: youtube.collector,
    rss.collector.name: rss.collector,
}

IMPORTERS: dict[str, Callable[..., Any]] = {
    "telegram_export": telegram_export.parse_export,
    "whatsapp_export": whatsapp.parse_export,
}

# platform written by each source into ParsedPost.platform
PLATFORMS: dict[str, str] = {
    "telegram_web": "telegram",
    "telegram_export": "telegram",
    "whatsapp_export": "whatsapp",
    "mastodon": "mastodon",
    "x": "x",
    "youtube": "youtube",
    "rss": "web",
    "tips": "web",
}
