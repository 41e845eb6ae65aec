"""The one family of errors whose messages are meant for the user.

It lives in the lowest layer (models/) so that every layer can raise it without importing
upwards; app/errors.py re-exports it and adds the application's own kinds. Anything that is
not an AppError is a bug and is reported with its traceback.
"""


class AppError(Exception):
    """A problem the user can act on. str(error) is one clear sentence."""


class ModelError(AppError):
    """A model file or folder is missing, corrupt, unverified or unsupported."""


class ProvisioningError(ModelError):
    """Installing a catalog model failed (registry, hash, corrupt wheel)."""


class AudioError(AppError):
    """Audio that cannot be read, or a microphone that cannot be used."""


class ContextOverflowError(ModelError):
    """A prompt does not fit the model's context window."""
