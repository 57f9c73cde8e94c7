"""Enrichment data in the admin: a JSON object JSON can hold, or an error on the field."""

import pytest
from django.urls import reverse
from django.utils import timezone

from library.models import TrackEnrichment
from library.tests.factories import EnrichmentFactory

pytestmark = pytest.mark.django_db


def post_data(client, enrichment: TrackEnrichment, data: str):
    url = reverse("admin:library_trackenrichment_change", args=[enrichment.pk])
    form = client.get(url).context["adminform"].form
    fields = {name: form[name].value() for name in form.fields}
    fetched = timezone.localtime(fields.pop("fetched_at"))
    fields |= {"fetched_at_0": f"{fetched:%Y-%m-%d}", "fetched_at_1": f"{fetched:%H:%M:%S}"}
    return client.post(url, {**fields, "data": data})


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ('{"bpm": NaN}', "NaN, Infinity and numbers too large for a float"),
        ('{"bpm": Infinity}', "NaN, Infinity and numbers too large for a float"),
        ('{"bpm": 1e400}', "NaN, Infinity and numbers too large for a float"),
        ("[" * 3000 + "]" * 3000, "JSON nested deeper than 100 levels"),
        ('"just a string"', "expected a JSON object"),
        ("[1, 2, 3]", "expected a JSON object"),
        ("12", "expected a JSON object"),
    ],
    ids=["nan", "infinity", "1e400", "deep", "string", "list", "number"],
)
def test_data_json_cannot_hold_is_refused_on_the_field(data, error, admin_client):
    enrichment = EnrichmentFactory(data={"bpm": 120})

    response = post_data(admin_client, enrichment, data)

    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["data"]
    assert message.startswith(error)
    enrichment.refresh_from_db()
    assert enrichment.data == {"bpm": 120}


def test_an_object_is_saved(admin_client):
    enrichment = EnrichmentFactory(data={"bpm": 120})

    response = post_data(admin_client, enrichment, '{"bpm": 128.5, "genres": ["house"]}')

    assert response.status_code == 302
    enrichment.refresh_from_db()
    assert enrichment.data == {"bpm": 128.5, "genres": ["house"]}


def test_the_track_pages_enrichments_are_shown_not_edited(admin_client):
    """The inline on the track's page shows each provider's data; a crafted POST of data
    there is not read (the provider's own page above is where data is edited)."""
    enrichment = EnrichmentFactory(data={"bpm": 120})
    url = reverse("admin:library_track_change", args=[enrichment.track_id])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if isinstance(value, str | int)}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
    data |= {"enrichments-0-id": enrichment.pk, "enrichments-0-data": '{"bpm": NaN}'}

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert 'name="enrichments-0-data"' not in page.content.decode()
    enrichment.refresh_from_db()
    assert enrichment.data == {"bpm": 120}
