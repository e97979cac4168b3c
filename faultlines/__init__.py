"""faultlines: news articles about armed conflict -> sourced incidents, actors, networks and causal claims.

The public API is what ``__all__`` lists; everything else is internal and may change.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from faultlines.config import Settings
from faultlines.errors import FaultlinesError
from faultlines.model import (
    Actor,
    Analysis,
    Claim,
    Count,
    Document,
    Event,
    Extraction,
    Incident,
    IngestFailure,
    Place,
    Relation,
    TimeExpression,
)
from faultlines.pipeline import IngestReport, Pipeline, extract_records, ingest
from faultlines.store import Store, queries

try:
    __version__ = version("faultlines")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Actor", "Analysis", "Claim", "Count", "Document", "Event", "Extraction", "FaultlinesError", "Incident",
    "IngestFailure", "IngestReport", "Pipeline", "Place", "Relation", "Settings", "Store", "TimeExpression",
    "__version__", "extract_records", "ingest", "queries",
]
