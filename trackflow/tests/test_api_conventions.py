"""Token auth, the error format, pagination bounds, and the OpenAPI schema."""

import json
import re
from html import escape

import pytest
from openapi_spec_validator import validate
from rest_framework.exceptions import ValidationError

from trackflow.api.errors import flatten

pytestmark = pytest.mark.django_db


def test_a_token_is_obtained_with_username_and_password(api, owner):
    response = api.post("/api/auth/token/", {"username": "owner", "password": "owner-pass-1"})
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/jobs/").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_a_wrong_password_is_a_400_in_the_error_format(api, owner):
    response = api.post("/api/auth/token/", {"username": "owner", "password": "nope"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"path": "", "message": "Unable to log in with provided credentials."}]
    }


def test_password_guesses_at_the_token_endpoint_are_limited_to_20_a_minute(api, owner):
    answers = [
        api.post("/api/auth/token/", {"username": "owner", "password": f"guess-{n}"})
        for n in range(21)
    ]

    assert [a.status_code for a in answers] == [400] * 20 + [429]
    assert "Request was throttled" in answers[-1].json()["detail"]
    # the right password too must wait: the limit is on the address, not on wrong guesses
    assert (
        api.post("/api/auth/token/", {"username": "owner", "password": "owner-pass-1"}).status_code
        == 429
    )


def test_a_missing_field_names_its_path(api):
    response = api.post("/api/auth/token/", {"username": "owner"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"path": "password", "message": "This field is required."}]
    }


def test_anonymous_requests_get_a_detail_error(api):
    response = api.get("/api/jobs/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_nested_errors_flatten_to_paths():
    detail = ValidationError(
        {"definition": {"all": [{}, {"gt": ["Not a number."]}]}, "name": ["Required."]}
    ).detail
    assert flatten(detail) == [
        {"path": "definition.all[1].gt", "message": "Not a number."},
        {"path": "name", "message": "Required."},
    ]


def test_list_item_errors_use_brackets():
    detail = ValidationError({"track_ids": {1: ["A valid integer is required."]}}).detail
    assert flatten(detail) == [{"path": "track_ids[1]", "message": "A valid integer is required."}]


def test_the_schema_is_valid_openapi_3(owner_api):
    response = owner_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/jobs/" in schema["paths"] and "/api/auth/token/" in schema["paths"]


def test_the_schema_says_what_the_endpoints_answer_and_take(owner_api):
    schema = owner_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    def resolved(node: dict) -> dict:
        while "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        return node

    for path, operations in schema["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get("200", {})
        body = answer.get("content", {}).get("application/json")
        if body:  # every list is paginated: none answers a bare array
            assert resolved(body["schema"]).get("type") != "array", path
    jobs = schema["paths"]["/api/jobs/"]["get"]
    assert {"page", "page_size", "kind", "status"} <= {p["name"] for p in jobs["parameters"]}
    assert (
        "results"
        in resolved(
            schema["paths"]["/api/spotify/playlists/"]["get"]["responses"]["200"]["content"][
                "application/json"
            ]["schema"]
        )["properties"]
    )
    for action in ("cancel", "retry"):
        assert "requestBody" not in schema["paths"][f"/api/jobs/{{id}}/{action}/"]["post"]


def test_the_docs_page_loads_its_assets_locally(owner_api):
    page = owner_api.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn." not in page and "jsdelivr" not in page


def test_the_browsable_api_renders_html(owner, client):
    client.force_login(owner)
    page = client.get("/api/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert b"Api Root" in page.content and b"/api/jobs/" in page.content


def test_every_list_and_detail_page_of_the_browsable_api_renders(owner, client):
    # the browsable API builds each page's forms from the view's serializers, with the
    # object itself: a serializer that cannot render its object fails only there
    from downloads.tests.factories import make_job
    from library.models import TrackArtist
    from library.tests.factories import (
        ArtistFactory,
        PlaylistEntryFactory,
        PlaylistFactory,
        SavedTrackFactory,
        TrackTagFactory,
    )
    from rules.models import RuleSet
    from trackflow.api.router import router

    track = SavedTrackFactory(user=owner, track__title="Digital Love").track
    TrackArtist.objects.create(track=track, artist=ArtistFactory(name="Daft Punk"), position=0)
    TrackTagFactory(owner=owner, track=track, name="french")
    PlaylistEntryFactory(playlist=PlaylistFactory(owner=owner, name="Road Trip"), track=track)
    RuleSet.objects.create(owner=owner, name="Nineties", definition={"all": []})
    make_job(owner, track)
    client.force_login(owner)

    for prefix, _, _ in router.registry:
        listed = client.get(f"/api/{prefix}/", HTTP_ACCEPT="text/html")
        assert listed.status_code == 200, prefix
        first = client.get(f"/api/{prefix}/", HTTP_ACCEPT="application/json").json()["results"]
        assert first, f"/api/{prefix}/ is empty: the test shows no detail page"
        pk = first[0]["id"]
        detail = client.get(f"/api/{prefix}/{pk}/", HTTP_ACCEPT="text/html")
        assert detail.status_code == 200, prefix
        assert f"&quot;id&quot;: {escape(json.dumps(pk))}," in detail.text, prefix
    # the track page's form starts from the track as a body PATCH accepts
    form = client.get(f"/api/tracks/{track.pk}/", HTTP_ACCEPT="text/html").text
    assert escape('"saved": true') in form and escape('"tags": [\n        "french"\n    ]') in form


@pytest.mark.parametrize("levels", [101, 5000])
@pytest.mark.parametrize("path", ["/api/auth/token/", "/api/rules/", "/api/rules/validate/"])
def test_deeply_nested_json_is_a_400(owner, api, path, levels):
    api.force_authenticate(owner)
    body = "[" * levels + "]" * levels

    response = api.post(path, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - nested deeper than 100 levels"}


def test_json_nested_within_the_bound_is_read(owner, api):
    api.force_authenticate(owner)
    group = {"all": [{"is": {"liked": True}}]}
    for _ in range(19):  # the DSL's own bound on groups is 20 levels
        group = {"all": [group]}

    response = api.post("/api/rules/validate/", {"definition": group}, format="json")

    assert response.status_code == 200, response.content


def test_an_unknown_api_path_is_a_404_in_the_api_format(api, owner):
    api.force_authenticate(owner)

    response = api.get("/api/nonexistent/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_path_missing_its_slash_is_redirected_or_named(api, owner):
    api.force_authenticate(owner)

    got = api.get("/api/rules?enabled=true")
    posted = api.post("/api/rules", {"name": "x"}, format="json")

    assert (got.status_code, got["Location"]) == (301, "/api/rules/?enabled=true")
    assert posted.status_code == 404
    assert posted.json() == {"detail": "Not found. API paths end with a slash: POST /api/rules/"}


def test_a_token_client_missing_the_slash_is_named_not_refused_by_csrf(owner):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    client = Client(enforce_csrf_checks=True)  # as curl or a script: no CSRF cookie or token
    token = Token.objects.create(user=owner)

    response = client.post("/api/downloads/1/retry", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Not found. API paths end with a slash: POST /api/downloads/1/retry/"
    }


def test_a_server_error_under_the_api_is_json_and_elsewhere_a_page(client, settings):
    settings.ROOT_URLCONF = "trackflow.tests.failing_urls"
    client.raise_request_exception = False

    api = client.get("/api/boom/")
    page = client.get("/boom/")

    assert api.status_code == 500 and api.json() == {
        "detail": "Server error: the details are in the server's log."
    }
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


HUGE = 10**30  # beyond any integer SQLite or PostgreSQL can bind


@pytest.mark.parametrize(
    ("url", "path", "message"),
    [
        (f"/api/tracks/?artist={HUGE}", "artist", f"less than or equal to {2**63 - 1}"),
        (f"/api/tracks/?album={HUGE}", "album", f"less than or equal to {2**63 - 1}"),
        ("/api/tracks/?album=1.5", "album", "Enter a whole number."),
        (f"/api/albums/?artist={HUGE}", "artist", f"less than or equal to {2**63 - 1}"),
        ("/api/albums/?year=-1", "year", "greater than or equal to 0"),
        (f"/api/downloads/?track={HUGE}", "track", f"less than or equal to {2**63 - 1}"),
        ("/api/tracks/?saved=maybe", "saved", "give true or false"),
        ("/api/tracks/?has_audio=2", "has_audio", "give true or false"),
        ("/api/playlists/?readable=yes", "readable", "give true or false"),
        ("/api/tracks/?ordering=titel", "ordering", "unknown field 'titel'; one of "),
        ("/api/downloads/?ordering=-size", "ordering", "unknown field '-size'; one of "),
        ("/api/tracks/?page_size=0", "page_size", "give a whole number from 1"),
        ("/api/artists/?page_size=abc", "page_size", "give a whole number from 1"),
        ("/api/jobs/?status=bogus", "status", '"bogus" is not a valid choice.'),
        ("/api/jobs/?kind=albums", "kind", '"albums" is not a valid choice.'),
        ("/api/jobs/?ordering=foo", "ordering", '"foo" is not a valid choice.'),
    ],
)
def test_a_query_parameter_that_makes_no_sense_is_a_400(owner, api, url, path, message):
    api.force_authenticate(owner)

    response = api.get(url)

    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["path"] == path and message in error["message"]


def test_booleans_read_true_false_one_and_zero(owner, api):
    from library.tests.factories import SavedTrackFactory, TrackFactory

    liked = SavedTrackFactory(user=owner).track
    other = TrackFactory(added_by=owner)
    api.force_authenticate(owner)

    def ids(query):
        return [row["id"] for row in api.get(f"/api/tracks/?{query}").json()["results"]]

    assert ids("saved=1") == ids("saved=TRUE") == [liked.pk]
    assert ids("saved=0") == ids("saved=false") == [other.pk]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"track_ids": [HUGE]}, "track_ids[0]"),
        ({"playlist_id": HUGE}, "playlist_id"),
        ({"rule_id": HUGE}, "rule_id"),
    ],
)
def test_a_huge_id_in_a_download_request_is_a_400(owner, api, body, path):
    api.force_authenticate(owner)

    response = api.post("/api/downloads/", body, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == path


def test_a_huge_artist_id_in_a_track_is_a_400(owner, api):
    api.force_authenticate(owner)

    response = api.post("/api/tracks/", {"title": "x", "artists": [HUGE]}, format="json")

    assert response.json() == {
        "errors": [
            {"path": "artists[0]", "message": f"an id is a whole number from 1 to {2**63 - 1}"}
        ]
    }


def test_actions_without_a_body_show_a_post_button_alone(owner, client):
    from downloads.tests.factories import make_job
    from library.tests.factories import TrackFactory
    from rules.models import RuleSet

    rule = RuleSet.objects.create(owner=owner, name="Nineties", definition={"all": []})
    job = make_job(owner, TrackFactory())
    client.force_login(owner)

    for url in (
        f"/api/rules/{rule.pk}/sync/",
        "/api/downloads/retry-failed/",
        f"/api/downloads/{job.pk}/cancel/",
        f"/api/jobs/{job.pk}/retry/",
    ):
        page = client.get(url, HTTP_ACCEPT="text/html").content.decode()
        fields = set(re.findall(r'<(?:input|textarea|select)[^>]*? name="([^"]+)"', page))
        assert 'method="POST"' in page, url
        assert fields <= {"csrfmiddlewaretoken", "_content_type", "_content"}, (url, fields)


def test_the_rule_set_form_starts_enabled(owner, client):
    client.force_login(owner)

    page = client.get("/api/rules/", HTTP_ACCEPT="text/html").content.decode()

    assert re.search(r'<input type="checkbox" name="enabled" value="true" checked', page)


def test_the_schema_gives_every_post_its_status_and_body(api, owner):
    api.force_authenticate(owner)
    paths = api.get("/api/schema/?format=json").json()["paths"]

    def success(path):
        responses = paths[path]["post"]["responses"]
        return {code: "content" in body for code, body in responses.items() if code < "300"}

    # cancel answers the job, retry accepts it again: neither is "200, no body"
    assert success("/api/jobs/{id}/cancel/") == {"200": True}
    assert success("/api/jobs/{id}/retry/") == {"202": True}
    assert success("/api/downloads/{id}/cancel/") == {"200": True}
    assert success("/api/downloads/{id}/retry/") == {"202": True}
    assert all(all(success(path).values()) for path in paths if "post" in paths[path])
