"""The stable classification interface used by the pipeline, the CLI and the review app.

Models change; this interface does not: ``predict(texts)`` returns one ``Prediction`` per
text, in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

Label = Literal["partisan", "not_partisan"]


@dataclass(frozen=True)
class Prediction:
    label: Label
    score: float  # calibrated probability that the text is partisan
    category: str | None  # NET-* code of shared/docs/annotation-guideline.md when partisan
    explanation: dict[str, Any] = field(default_factory=dict)
    # explanation keys: "terms": [[word, weight], ...] that drove the score,
    # "watchlist": [{"election", "contestant", "number", "match"}, ...] hits.
    model_version: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Classifier(Protocol):
    version: str

    def predict(self, texts: Sequence[str]) -> list[Prediction]: ...
