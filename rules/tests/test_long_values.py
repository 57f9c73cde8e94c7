"""Enrichment strings of any length are stored and matched, on SQLite and PostgreSQL."""

import pytest
from django.utils import timezone

from library.models import TrackEnrichment
from rules.dsl import parse_rule
from rules.models import EnrichmentValue
from rules.preview import preview_rule

from . import builders as b

pytestmark = pytest.mark.django_db


def test_a_long_enrichment_string_is_stored_and_matched(owner):
    # PostgreSQL's B-tree rows hold 2,704 bytes: with the string in the index, saving
    # 2.8 KB of lyrics failed in the indexing trigger (a 500 from the admin)
    track = b.track(owner, "Long")
    lyrics = " ".join(f"word{i}" for i in range(1500)) + " needle"

    TrackEnrichment.objects.create(
        track=track, provider="lyrics", data={"text": lyrics}, fetched_at=timezone.now()
    )

    assert EnrichmentValue.objects.get(track=track, key="text").text == lyrics
    rule = parse_rule({"all": [{"contains": {"lyrics.text": "NEEDLE"}}]})
    assert preview_rule(owner, rule).page(0, 10)[0] == 1
