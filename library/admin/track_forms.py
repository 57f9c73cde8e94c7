"""The track admin's forms, held to what the API accepts (library.api.inputs and
library.services.tracks): ids read from links, a source that follows from the ids, numbers in
the API's bounds, and the same identities (Spotify id, YouTube id, local file) refused with
the API's words and a link to the track that has them."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from library.models import Track, TrackEnrichment
from library.services import ids
from library.services.catalog import local_key
from library.services.tracks import IDENTITIES
from trackflow.bounded_json import BoundedJSONField

AUTOMATIC = "automatic: Spotify with a Spotify id, YouTube with a YouTube id, else local"
# source -> the id field it needs, and what to say without it
NEEDS = {
    Track.Source.SPOTIFY: ("spotify_id", "a Spotify track needs its Spotify id"),
    Track.Source.YOUTUBE: ("youtube_id", "a YouTube track needs its YouTube id"),
}
# field -> (least, most), as the API's TrackInputSerializer has them; popularity's is the
# model's track_popularity_range, which would otherwise fail as a form-wide "Constraint ..."
BOUNDS = {"popularity": (0, 100), "disc_number": (1, None)}


def clash(message: str, track_id: int) -> str:
    """The API's words for a clash, linking the track that clashes."""
    existing = Track.objects.only("title").get(pk=track_id)
    url = reverse("admin:library_track_change", args=[existing.pk])
    return format_html('{}: <a href="{}">{}</a>', message, url, existing)


class TrackForm(forms.ModelForm):
    # Longer than the columns: a pasted link is cut down to the id before it is saved.
    spotify_id = forms.CharField(
        label="Spotify id",
        max_length=300,
        required=False,
        help_text="An id, a spotify:track: URI or an open.spotify.com link.",
    )
    youtube_id = forms.CharField(
        label="YouTube id",
        max_length=300,
        required=False,
        help_text="An id, or a youtube.com or youtu.be link.",
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
        for name, (least, most) in BOUNDS.items():
            if name in self.fields:
                _bound(self.fields[name], least, most)

    def clean_spotify_id(self) -> str | None:
        found = _bare_id(self.cleaned_data["spotify_id"], ids.spotify_track_id, ids.NOT_SPOTIFY)
        return self._unclaimed("spotify_id", found)

    def clean_youtube_id(self) -> str | None:
        found = _bare_id(self.cleaned_data["youtube_id"], ids.youtube_video_id, ids.NOT_YOUTUBE)
        return self._unclaimed("youtube_id", found)

    def _unclaimed(self, field: str, value: str | None) -> str | None:
        """`value`, unless another track has it: then the API's 409, linked. Said here, the
        model's own unique check skips the field, so the error is shown once."""
        if value is None:
            return None
        others = Track.objects.filter(**{field: value}).exclude(pk=self.instance.pk)
        existing = others.values_list("pk", flat=True).first()
        if existing is not None:
            raise ValidationError(clash(IDENTITIES[field], existing))
        return value

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


def _bound(field: forms.IntegerField, least: int | None, most: int | None) -> None:
    """Field-level bounds, in the API's words ("Ensure this value is less than or equal to
    100."), in place of the model field's own (0 and up), and on the number input so the
    browser says so first."""
    field.min_value, field.max_value = least, most
    field.validators = [
        v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
    ]
    if least is not None:
        field.validators.append(MinValueValidator(least))
    if most is not None:
        field.validators.append(MaxValueValidator(most))
    field.widget.attrs.update(field.widget_attrs(field.widget))


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
    that already has it is refused (`clash`, which the track admin moves to the top)."""

    clash: str | None = None

    def clean(self):
        super().clean()
        track = self.instance
        if track.pk is not None or track.source != Track.Source.LOCAL:
            return
        album = track.album.name if track.album else ""
        track.local_key = local_key(self._first_artist(), album, track.title, track.duration_ms)
        existing = Track.objects.filter(local_key=track.local_key).values_list("pk", flat=True)
        if existing:
            self.clash = clash(IDENTITIES["local_key"], existing[0])
            raise ValidationError(self.clash)

    def take_clash(self) -> str | None:
        """The clash, taken out of this formset's errors: shown by the track form instead,
        since the inline and the page's top would each print it."""
        if self.clash is not None:
            errors = self.non_form_errors()
            self._non_form_errors = self.error_class(
                [e for e in errors if e != self.clash],
                error_class="nonform",
                renderer=self.renderer,
            )
        return self.clash

    def _first_artist(self) -> str:
        rows = [
            (form.cleaned_data.get("position") or 0, index, form.cleaned_data["artist"].name)
            for index, form in enumerate(self.forms)
            if form.cleaned_data.get("artist") and not self._should_delete_form(form)
        ]
        return min(rows)[2] if rows else ""


class EnrichmentForm(forms.ModelForm):
    """A provider's data: a JSON object of finite numbers, nested within bounds (the database
    refuses NaN and 1e400 on save, and a 3,000-deep document overflowed the stack)."""

    data = BoundedJSONField(help_text='A JSON object, e.g. {"bpm": 120, "genres": ["house"]}.')

    class Meta:
        model = TrackEnrichment
        fields = ["track", "provider", "data", "fetched_at"]

    def clean_data(self) -> dict:
        data = self.cleaned_data["data"]
        if not isinstance(data, dict):
            raise ValidationError('expected a JSON object, e.g. {"bpm": 120}')
        return data
