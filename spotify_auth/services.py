"""Account-level services: disconnect, describe, and re-encrypt tokens after a key change."""

from django.db import transaction

from . import crypto
from .auth import UNDECRYPTABLE, mark_needs_reconnect
from .models import SpotifyAccount


def describe(user) -> dict:
    """What GET /api/spotify/account/ shows: never a token."""
    account = SpotifyAccount.objects.filter(user=user).first()
    if account is None:
        return {
            "connected": False,
            "status": "disconnected",
            "spotify_user_id": None,
            "display_name": None,
            "scopes": [],
            "expires_at": None,
        }
    return {
        "connected": account.status == SpotifyAccount.Status.CONNECTED,
        "status": account.status,
        "spotify_user_id": account.spotify_user_id,
        "display_name": account.display_name,
        "scopes": account.scope_list,
        "expires_at": account.expires_at,
    }


def disconnect(user) -> bool:
    """Forget the account and its tokens (the imported library stays)."""
    return SpotifyAccount.objects.filter(user=user).delete()[0] > 0


def rotate_tokens() -> tuple[int, int]:
    """Re-encrypt every account's tokens with the first key; returns (rotated, unreadable)."""
    rotated = lost = 0
    for pk in SpotifyAccount.objects.values_list("pk", flat=True):
        with transaction.atomic():
            account = SpotifyAccount.objects.select_for_update().get(pk=pk)
            try:
                account.access_token_encrypted = crypto.rotate(account.access_token_encrypted)
                account.refresh_token_encrypted = crypto.rotate(account.refresh_token_encrypted)
            except crypto.UndecryptableToken:
                lost += 1
            else:
                account.save(update_fields=["access_token_encrypted", "refresh_token_encrypted"])
                rotated += 1
                continue
        mark_needs_reconnect(pk, UNDECRYPTABLE)
    return rotated, lost
