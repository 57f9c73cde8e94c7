"""Account-level services: disconnect, describe, and re-encrypt tokens after a key change."""

from typing import NamedTuple

from django.db import transaction

from library.models import Playlist
from library.services.catalog import INT_MAX, flag, spotify_id, text, whole

from . import crypto
from .auth import UNDECRYPTABLE, mark_needs_reconnect
from .client import PAGE_SIZE, for_user
from .importer.sources import PLAYLIST_PREFIX
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


class Rotation(NamedTuple):
    rotated: int  # accounts whose tokens are now under the first key
    reconnected: int  # of those, accounts marked for unreadable tokens and connected again
    lost: int  # accounts whose tokens no configured key opens


def rotate_tokens() -> Rotation:
    """Re-encrypt every account's tokens with the first key.

    An account marked 'needs reconnect' only because no key opened its tokens is connected
    again once one does (the old key is back in the list); one marked for another reason
    (Spotify revoked access) stays marked: only a new sign-in mends that.
    """
    rotated = reconnected = lost = 0
    for pk in SpotifyAccount.objects.values_list("pk", flat=True):
        with transaction.atomic():
            account = SpotifyAccount.objects.select_for_update().get(pk=pk)
            try:
                account.access_token_encrypted = crypto.rotate(account.access_token_encrypted)
                account.refresh_token_encrypted = crypto.rotate(account.refresh_token_encrypted)
            except crypto.UndecryptableToken:
                lost += 1
            else:
                fields = ["access_token_encrypted", "refresh_token_encrypted"]
                if _lost_only_its_key(account):
                    account.status, account.status_reason = SpotifyAccount.Status.CONNECTED, ""
                    fields += ["status", "status_reason", "updated_at"]
                    reconnected += 1
                account.save(update_fields=fields)
                rotated += 1
                continue
        mark_needs_reconnect(pk, UNDECRYPTABLE)
    return Rotation(rotated, reconnected, lost)


def _lost_only_its_key(account: SpotifyAccount) -> bool:
    # the reason is the one auth.py records when no key opens the tokens, word for word
    return (
        account.status == SpotifyAccount.Status.NEEDS_RECONNECT
        and account.status_reason == UNDECRYPTABLE[:300]
    )


def live_playlists(user, offset: int, limit: int) -> tuple[int, list[dict]]:
    """The user's playlists as Spotify lists them now, from `offset`: (total, rows)."""
    client = for_user(user)
    me = SpotifyAccount.objects.values_list("spotify_user_id", flat=True).get(user=user)
    found, total = [], 0
    for page in client.pages("me/playlists", offset=offset, limit=min(limit, PAGE_SIZE)):
        total = page["total"]
        found.extend(p for p in page["items"] if isinstance(p, dict) and spotify_id(p.get("id")))
        if len(found) >= limit:
            break
    found = found[:limit]
    imported = dict(
        Playlist.objects.filter(
            owner=user, spotify_id__in=[p["id"] for p in found], imported_at__isnull=False
        ).values_list("spotify_id", "snapshot_id")
    )
    return total, [_live_row(p, me, imported.get(p["id"])) for p in found]


def _live_row(data: dict, me: str, imported_snapshot: str | None) -> dict:
    """One row of the list; a field Spotify garbled shows as empty, never as a 500."""
    owner = data.get("owner") if isinstance(data.get("owner"), dict) else {}
    listing = data.get("items") or data.get("tracks")
    total = listing.get("total") if isinstance(listing, dict) else None
    shown_name = owner.get("display_name")
    return {
        "id": data["id"],
        "name": text(data.get("name")),
        "owner": {
            "id": text(owner.get("id")),
            "display_name": shown_name if isinstance(shown_name, str) else None,
        },
        "total": whole(total, INT_MAX),
        "snapshot_id": text(data.get("snapshot_id")),
        "public": data.get("public") if isinstance(data.get("public"), bool) else None,
        "collaborative": flag(data.get("collaborative")),
        "readable": owner.get("id") == me or flag(data.get("collaborative")),
        "imported": imported_snapshot == data.get("snapshot_id"),
        "source": PLAYLIST_PREFIX + data["id"],
    }
