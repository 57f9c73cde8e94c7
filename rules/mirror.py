"""Keep the library's copy of a rule's target playlist in step with what a sync wrote.

The copy is what keeps the rule from reading its own output (rules.selection), and it lets
other rules use the playlist (`inPlaylist`). Entries keep the `added_at` they had here;
new ones get the sync's time. If an URI has no track in the catalog (an outside addition a
restore put back), the copy keeps no snapshot_id, so the next import reads it afresh.

When the target is deleted on Spotify, its copy goes too (`forget`): the sync that makes a
new target would otherwise leave the old copy behind as an ordinary playlist, whose tracks
(the rule's old output) the rule would read.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from library.models import Playlist, PlaylistEntry
from library.services.lookup import track_ids_by_spotify_id
from spotify_auth.models import SpotifyAccount

from .models import RuleSet
from .target import description


def _track_ids(uris: list[str]) -> dict[str, int]:
    ids = [uri.rsplit(":", 1)[-1] for uri in uris if uri.startswith("spotify:track:")]
    return {f"spotify:track:{s}": pk for s, pk in track_ids_by_spotify_id(ids).items()}


@transaction.atomic
def mirror(ruleset: RuleSet, playlist_id: str, snapshot_id: str, uris: list[str]) -> Playlist:
    account = SpotifyAccount.objects.filter(user_id=ruleset.owner_id).first()
    playlist, _ = Playlist.objects.update_or_create(
        owner_id=ruleset.owner_id,
        spotify_id=playlist_id,
        defaults={
            "name": ruleset.playlist_name,
            "description": description(ruleset),
            "public": False,
            "spotify_owner_id": account.spotify_user_id if account else "",
            "spotify_owner_name": account.display_name if account else "",
        },
    )
    tracks = _track_ids(uris)
    added_at = dict(playlist.entries.values_list("track_id", "added_at").order_by("-position"))
    now = timezone.now()
    playlist.entries.all().delete()
    known = [tracks[uri] for uri in uris if uri in tracks]
    PlaylistEntry.objects.bulk_create(
        PlaylistEntry(playlist=playlist, track_id=pk, position=i, added_at=added_at.get(pk, now))
        for i, pk in enumerate(known)
    )
    playlist.snapshot_id = snapshot_id if len(known) == len(uris) else ""
    playlist.save(update_fields=["snapshot_id", "updated_at"])
    RuleSet.objects.filter(pk=ruleset.pk).update(target_playlist=playlist)
    ruleset.target_playlist = playlist
    return playlist


def forget(ruleset: RuleSet) -> int:
    """Delete the library's copy of the rule's target (gone from Spotify); copies deleted."""
    mine = Q(pk__in=[ruleset.target_playlist_id] if ruleset.target_playlist_id else [])
    if ruleset.spotify_playlist_id:
        mine |= Q(spotify_id=ruleset.spotify_playlist_id)
    copies = Playlist.objects.filter(mine, owner_id=ruleset.owner_id)
    deleted = copies.delete()[1].get(Playlist._meta.label, 0)
    ruleset.target_playlist = None  # as SET_NULL did to the row
    return deleted
