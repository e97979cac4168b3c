"""Store stage: the SQLite database (the only module that writes SQL) and the named read queries beside it."""

from faultlines.store import queries
from faultlines.store.sqlite import Store, event_id

__all__ = ["Store", "event_id", "queries"]
