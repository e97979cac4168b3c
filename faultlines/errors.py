"""The exception tree. Every error faultlines raises on purpose is a FaultlinesError with a stable code."""

from __future__ import annotations


class FaultlinesError(Exception):
    """Base class. ``code`` is a short stable identifier shown to users and used as the CLI exit reason."""

    code = "E000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code:
            self.code = code


class InputError(FaultlinesError):
    """An input (file, record, manifest) cannot be read."""

    code = "E100"


class ManifestError(InputError):
    code = "E110"


class ModelNotFound(FaultlinesError):
    """No spaCy pipeline could be loaded (nothing is downloaded at run time)."""

    code = "E200"


class StoreError(FaultlinesError):
    """The database cannot be opened, migrated or written."""

    code = "E300"


class NotFound(FaultlinesError):
    """An id (incident, actor, document) does not exist in the store."""

    code = "E404"


class OptionalDependencyMissing(FaultlinesError):
    """A feature needs an extra that is not installed; the message says which pip extra to add."""

    code = "E500"

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(f"{feature} needs the optional dependency set '{extra}': pip install 'faultlines[{extra}]'")
