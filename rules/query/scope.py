"""Whose library a rule reads: shared by every part of the compiler."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q


@dataclass(frozen=True)
class Scope:
    """Whose library a rule reads, and which playlist (its own target) it never sees."""

    owner_id: int
    exclude_playlist_id: int | None = None


SAVED = "tf_saved"  # the alias of the owner's like of the track, joined
MEMBER = "tf_member"  # the alias of the track's LibraryTrack row (the target left out), joined
Holds = Callable[[F], Q]  # a test on one value, as a Q
