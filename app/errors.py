"""Errors meant for the user: the AppError family (defined in models/, re-exported here)."""

from models.errors import AppError, AudioError, ContextOverflowError, ModelError, ProvisioningError


class DataDirError(AppError):
    """The data directory cannot be created, read or written."""


class HistoryError(AppError):
    """The history database cannot be opened, upgraded or written."""


class CancelledError(AppError):
    """The user cancelled a long task."""


__all__ = [
    "AppError",
    "AudioError",
    "CancelledError",
    "ContextOverflowError",
    "DataDirError",
    "HistoryError",
    "ModelError",
    "ProvisioningError",
]
