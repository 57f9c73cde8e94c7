"""A track's audio and stems in the admin: shown as names, never taken as uploads, and removed
from disk with the track.

Audio comes in through POST /api/tracks/upload/ (checked to be whole audio, size-limited,
filed under library/) or a download. An admin file input took any file (an .html page served
back as HTML) with none of those checks, so the fields are read-only here, and a plain name,
not a link: a file already there is not served from the admin's page either.
"""

from django.contrib import admin
from django.db.models import QuerySet

from library.models import Track
from library.services.tracks import FILE_FIELDS, delete_unused_files


class TrackFilesMixin:
    """For the track admin: the file names as text, and deletes that take unused files along."""

    file_fields = ("audio", "vocals", "instrumental")  # the read-only names below

    @admin.display(description="audio file")
    def audio(self, track: Track) -> str:
        return track.audio_file.name or "–"

    @admin.display(description="vocals file")
    def vocals(self, track: Track) -> str:
        return track.vocals_file.name or "–"

    @admin.display(description="instrumental file")
    def instrumental(self, track: Track) -> str:
        return track.instrumental_file.name or "–"

    def delete_model(self, request, obj: Track) -> None:
        """The change page's Delete: the track, then its files, as the API's delete does."""
        names = {getattr(obj, field).name for field in FILE_FIELDS} - {""}
        super().delete_model(request, obj)
        delete_unused_files(names)

    def delete_queryset(self, request, queryset: QuerySet[Track]) -> None:
        """The "Delete selected" action: the tracks, then their files."""
        names = {name for row in queryset.values_list(*FILE_FIELDS) for name in row} - {""}
        super().delete_queryset(request, queryset)
        delete_unused_files(names)
