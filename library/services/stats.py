"""Counts that describe the catalog and one user's library, for `manage.py library_stats`."""

from django.db.models import Count, Q

from library.models import Album, Artist, Playlist, SavedTrack, Track, TrackEnrichment, TrackTag
from library.services.scope import library_tracks


def catalog_stats() -> dict:
    tracks = Track.objects.aggregate(
        total=Count("pk"), with_audio=Count("pk", filter=~Q(audio_file=""))
    )
    by_source = dict(Track.objects.values_list("source").annotate(n=Count("pk")).order_by())
    providers = TrackEnrichment.objects.values_list("provider").annotate(n=Count("pk"))
    return {
        "tracks": tracks["total"],
        "tracks with audio": tracks["with_audio"],
        **{f"  {source}": by_source.get(source, 0) for source in Track.Source.values},
        "artists": Artist.objects.count(),
        "albums": Album.objects.count(),
        **{f"enrichments: {name}": n for name, n in providers.order_by("provider")},
    }


def user_stats(user) -> dict:
    return {
        "library tracks": library_tracks(user).count(),
        "saved": SavedTrack.objects.filter(user=user).count(),
        "playlists": Playlist.objects.filter(owner=user).count(),
        "unreadable playlists": Playlist.objects.filter(owner=user, readable=False).count(),
        "uploaded or added": Track.objects.filter(added_by=user).count(),
        "tags": TrackTag.objects.filter(owner=user).values("name").distinct().count(),
    }
