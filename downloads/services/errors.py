"""What the download services refuse, in words the API, admin and commands pass on."""


class NotFound(LookupError):
    """A playlist or rule set that does not exist or is not the user's."""


class Busy(Exception):
    """Another job is downloading this track right now."""
