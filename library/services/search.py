"""Free-text search over tracks: every word must match the title, an artist or the album.

Titles, artists and albums are each searched on their own and joined back by id (a list of
ids per word and kind), so that a search costs one pass over the title index rather than a
join of every track with its artists, and a rare word is cheap whatever else is asked.
A word that looks like an ISRC also matches the ISRC exactly.
"""

import re

from django.db.models import Q, QuerySet

from library.models import Album, Artist, Track, TrackArtist

MAX_WORDS = 8
ISRC = re.compile(r"^[A-Za-z]{2}[A-Za-z0-9]{3}\d{7}$")


def search_words(text: str) -> list[str]:
    """The words of a query, quotes kept together ("sigur rós" is one word)."""
    words = [a or b for a, b in re.findall(r'"([^"]+)"|(\S+)', text or "")]
    return [word for word in words if word.strip()][:MAX_WORDS]


def word_filter(word: str) -> Q:
    """A Q over Track: `word` in the title, in an artist's name or in the album's name."""
    artists = Artist.objects.filter(name__icontains=word).values("pk")
    # the title as a sub-query too: then each of the three is an index-driven id list, and
    # the database unions them instead of testing every row of the catalog three times
    titles = Track.objects.filter(title__icontains=word).values("pk")
    condition = (
        Q(pk__in=titles)
        | Q(album__in=Album.objects.filter(name__icontains=word).values("pk"))
        | Q(pk__in=TrackArtist.objects.filter(artist__in=artists).values("track_id"))
    )
    if ISRC.match(word):
        condition |= Q(isrc=word.upper())
    return condition


def search_tracks(queryset: QuerySet[Track], text: str) -> QuerySet[Track]:
    """`queryset` narrowed to tracks matching every word of `text`; unchanged when blank."""
    for word in search_words(text):
        queryset = queryset.filter(word_filter(word))
    return queryset
