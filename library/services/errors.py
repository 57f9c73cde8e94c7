"""What library services raise when a request cannot be done; the API maps each to a status."""


class LibraryError(Exception):
    """Base class: the message is for the user, one sentence."""


class Conflict(LibraryError):
    """The thing already exists (HTTP 409); `existing_id` is the track that has it."""

    def __init__(self, message: str, existing_id: int) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class NotAllowed(LibraryError):
    """The user may not do this to a shared catalog row (HTTP 403)."""


class InvalidAudio(LibraryError):
    """An upload that is not audio we accept, or is cut short (HTTP 400)."""


class TooLarge(LibraryError):
    """An upload over UPLOAD_MAX_BYTES (HTTP 413)."""
