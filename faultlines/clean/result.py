"""The value every cleaner returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from faultlines.model import OffsetMap


@dataclass(frozen=True)
class CleanResult:
    """Clean text, its map back to the raw input, the raw spans dropped (with the rule name) and page metadata.

    ``metadata`` may hold ``title``, ``author``, ``date`` (as written), ``outlet`` and ``url``.
    """

    text: str
    offset_map: OffsetMap
    removed: tuple[tuple[int, int, str], ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
