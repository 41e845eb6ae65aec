"""Errors meant for the user: the AppError family (defined in models/, re-exported here)."""

from models.errors import AppError, AudioError, ContextOverflowError, ModelError, ProvisioningError


class DataDirError(AppError):
    """The data directory cannot be created, read or written."""


class HistoryError(AppError):
    """The history database cannot be opened, upgraded or written."""


class CancelledError(AppError):
    """The user cancelled a long task."""


def bug_sentence(error: BaseException) -> str:
    """What the user reads when Confide itself failed (a bug, not an AppError); the caller
    logs the traceback, which this sentence points to."""
    return f"Something went wrong ({type(error).__name__}: {error}); details are in the log."


__all__ = [
    "AppError",
    "AudioError",
    "CancelledError",
    "ContextOverflowError",
    "DataDirError",
    "HistoryError",
    "ModelError",
    "ProvisioningError",
    "bug_sentence",
]
