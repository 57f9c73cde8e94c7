"""The track admin's forms, held to what the API accepts (library.api.inputs and
library.services.tracks): ids read from links, a source that follows from the ids, and the
same identities (Spotify id, YouTube id, local file) refused twice, with the same words."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from library.models import Track
from library.services import ids
from library.services.catalog import local_key
from library.services.tracks import IDENTITIES

AUTOMATIC = "automatic: Spotify with a Spotify id, YouTube with a YouTube id, else local"
# source -> the id field it needs, and what to say without it
NEEDS = {
    Track.Source.SPOTIFY: ("spotify_id", "a Spotify track needs its Spotify id"),
    Track.Source.YOUTUBE: ("youtube_id", "a YouTube track needs its YouTube id"),
}


class TrackForm(forms.ModelForm):
    # Longer than the columns: a pasted link is cut down to the id before it is saved.
    spotify_id = forms.CharField(
        label="Spotify id",
        max_length=300,
        required=False,
        help_text="An id, a spotify:track: URI or an open.spotify.com link.",
        error_messages={"unique": IDENTITIES["spotify_id"]},
    )
    youtube_id = forms.CharField(
        label="YouTube id",
        max_length=300,
        required=False,
        help_text="An id, or a youtube.com or youtu.be link.",
        error_messages={"unique": IDENTITIES["youtube_id"]},
    )

    class Meta:
        model = Track
        fields = ["source", "spotify_id", "youtube_id"]  # the admin's fieldsets add the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        source = self.fields.get("source")
        if source is not None and self.instance.pk is None:
            source.required = False
            source.choices = [("", AUTOMATIC), *Track.Source.choices]
            self.initial["source"] = ""

    def clean_spotify_id(self) -> str | None:
        return _bare_id(self.cleaned_data["spotify_id"], ids.spotify_track_id, ids.NOT_SPOTIFY)

    def clean_youtube_id(self) -> str | None:
        return _bare_id(self.cleaned_data["youtube_id"], ids.youtube_video_id, ids.NOT_YOUTUBE)

    def clean(self):
        cleaned = super().clean()
        if "source" in self.fields and "source" not in self.errors and not cleaned.get("source"):
            cleaned["source"] = ids.default_source(
                self._value("spotify_id"), self._value("youtube_id")
            )
        field, message = NEEDS.get(self._value("source"), (None, None))
        if field in self.fields and field not in self.errors and not self._value(field):
            self.add_error(field, message)
        return cleaned

    def _value(self, name: str):
        """What will be saved: the cleaned value, or the track's own for read-only fields."""
        if name in self.fields:
            return self.cleaned_data.get(name)
        return getattr(self.instance, name)


def _bare_id(value: str, parse, problem: str) -> str | None:
    if not value.strip():
        return None
    found = parse(value)
    if found is None:
        raise ValidationError(problem)
    return found


class TrackArtistFormSet(BaseInlineFormSet):
    """A new local track is known by its first artist, album, title and duration, and only
    this formset sees the artists: the key is made here, as create_track makes it, and a track
    that already has it is refused."""

    def clean(self):
        super().clean()
        track = self.instance
        if track.pk is not None or track.source != Track.Source.LOCAL:
            return
        album = track.album.name if track.album else ""
        track.local_key = local_key(self._first_artist(), album, track.title, track.duration_ms)
        existing = Track.objects.filter(local_key=track.local_key).first()
        if existing is not None:
            url = reverse("admin:library_track_change", args=[existing.pk])
            raise ValidationError(
                format_html('{}: <a href="{}">{}</a>', IDENTITIES["local_key"], url, existing)
            )

    def _first_artist(self) -> str:
        rows = [
            (form.cleaned_data.get("position") or 0, index, form.cleaned_data["artist"].name)
            for index, form in enumerate(self.forms)
            if form.cleaned_data.get("artist") and not self._should_delete_form(form)
        ]
        return min(rows)[2] if rows else ""
