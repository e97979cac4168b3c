"""Extract stage: events (type, participants, casualties, factuality, date, place), relations, claims, framing."""

from __future__ import annotations

from typing import Any

from faultlines.config import Settings
from faultlines.model import Analysis, Extraction


class Extractor:
    """Runs every extractor over one analysed document. Services (the actor KB) are injected."""

    def __init__(self, kb: object, settings: Settings | None = None) -> None:
        from faultlines.extract.claims import ClaimExtractor
        from faultlines.extract.events import EventExtractor
        from faultlines.extract.framing import FramingAnalyzer
        from faultlines.extract.relations import RelationExtractor

        self.settings = settings or Settings()
        self.kb = kb
        self.events = EventExtractor(kb)
        self.relations = RelationExtractor(kb)
        self.claims = ClaimExtractor()
        self.framing = FramingAnalyzer()

    def prepare(self, analyses: list[Analysis]) -> list[Any]:
        """Batch work shared by many documents (the causal classifier), passed back to ``__call__``."""
        return self.claims.probabilities(analyses)

    def __call__(self, analysis: Analysis, prepared: Any = None) -> Extraction:
        return Extraction(
            document=analysis.document,
            events=self.events(analysis),
            relations=self.relations(analysis),
            claims=self.claims(analysis, prepared),
            framing=self.framing(analysis),
            analysis=analysis,
        )


__all__ = ["Extractor"]
