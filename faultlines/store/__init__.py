"""Store stage: the database (the only package that runs SQL). ``Store`` writes; the named reads sit beside it by
job: ``queries`` for the web UI, the CLI and the exports, ``resolution`` for incident resolution."""

from faultlines.store import queries, resolution
from faultlines.store.sqlite import Store, event_id

__all__ = ["Store", "event_id", "queries", "resolution"]
