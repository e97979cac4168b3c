"""Analyze stage: sentences, actor mentions, places and time expressions of each document.

``Analyzer`` wires the services (spaCy pipeline, actor knowledge base, gazetteer) once and runs over
batches of documents with ``nlp.pipe``. Each component is a plain callable that can be used on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from faultlines.config import Settings
from faultlines.model import Analysis, Document, Sentence


class Analyzer:
    """Runs the analysis components over documents. Services are injected; defaults are built lazily."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        nlp: Any = None,
        kb: Any = None,
        gazetteer: Any = None,
    ) -> None:
        from faultlines.analyze.actors import ActorKB, ActorRecognizer
        from faultlines.analyze.dates import TimeResolver
        from faultlines.analyze.nlp import add_paragraph_boundaries, load_nlp
        from faultlines.analyze.places import Gazetteer, PlaceResolver

        self.settings = settings or Settings()
        self.nlp = nlp if nlp is not None else load_nlp(self.settings.model)
        self.kb = kb if kb is not None else ActorKB.load(self.settings.actor_files)
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()
        add_paragraph_boundaries(self.nlp)
        PlaceResolver.add_to_pipeline(self.nlp, self.gazetteer)
        self.recognize_actors = ActorRecognizer(self.kb, self.nlp, self.gazetteer)
        self.resolve_places = PlaceResolver(self.gazetteer)
        self.resolve_times = TimeResolver()

    def analyze(self, documents: Iterable[Document]) -> Iterator[Analysis]:
        """One Analysis per document, in order (batched through ``nlp.pipe``)."""
        docs = list(documents) if not isinstance(documents, list) else documents
        texts = (d.clean_text for d in docs)
        for document, sdoc in zip(docs, self.nlp.pipe(texts, batch_size=self.settings.batch_size), strict=True):
            yield self.analyze_parsed(document, sdoc)

    def __call__(self, document: Document) -> Analysis:
        return next(self.analyze([document]))

    def analyze_parsed(self, document: Document, sdoc: Any) -> Analysis:
        """The analysis of ``document`` from ``sdoc``, this analyzer's parse of ``document.clean_text``."""
        from faultlines.analyze.parsed import Parsed

        # the view every later reader uses, made once the pipeline has run; a spaCy Doc's text is the text it was
        # made from: no need to rebuild it from the tokens
        text = Parsed.attach(sdoc, document.clean_text).text
        sentences = [Sentence(s.start_char, s.end_char, text[s.start_char:s.end_char]) for s in sdoc.sents]
        actors = self.recognize_actors(sdoc, document)
        places = self.resolve_places(sdoc, document, actors)
        if places and any(m.how == "new" for m in actors):  # an unknown name resolved as a place is no actor
            placed = [(p.start, p.end) for p in places]
            actors = [m for m in actors if m.how != "new" or not any(a < m.end and m.start < b for a, b in placed)]
        times = self.resolve_times(sdoc, document)
        return Analysis(document, sdoc, sentences, actors, places, times)


__all__ = ["Analyzer"]
