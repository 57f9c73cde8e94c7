"""/api/spotify/: the account, the live playlist list and queueing imports."""

import pytest

from spotify_auth.models import ImportJob, SpotifyAccount

pytestmark = pytest.mark.django_db
ACCOUNT, PLAYLISTS, IMPORT = (
    "/api/spotify/account/",
    "/api/spotify/playlists/",
    "/api/spotify/import/",
)


def test_the_account_shows_the_connection_and_no_token(account, owner_api):
    body = owner_api.get(ACCOUNT).json()

    assert body == {
        "connected": True,
        "status": "connected",
        "spotify_user_id": "sandbox-user",
        "display_name": "Sandbox User",
        "scopes": account.scope_list,
        "expires_at": body["expires_at"],
    }
    assert body["expires_at"]


def test_another_user_sees_no_connection(account, stranger_api):
    assert stranger_api.get(ACCOUNT).json() == {
        "connected": False,
        "status": "disconnected",
        "spotify_user_id": None,
        "display_name": None,
        "scopes": [],
        "expires_at": None,
    }


def test_disconnecting_deletes_the_tokens(account, owner_api):
    assert owner_api.delete(ACCOUNT).status_code == 204

    assert not SpotifyAccount.objects.exists()
    assert owner_api.get(ACCOUNT).json()["status"] == "disconnected"


def test_a_stranger_cannot_disconnect_someone_else(account, stranger_api):
    stranger_api.delete(ACCOUNT)

    assert SpotifyAccount.objects.filter(pk=account.pk).exists()


def test_the_account_needs_a_login(api):
    assert api.get(ACCOUNT).status_code in (401, 403)


def test_playlists_are_listed_live_and_paginated(account, owner_api, sandbox):
    body = owner_api.get(PLAYLISTS, {"page_size": 3, "page": 2}).json()

    ids = sandbox.state.followed["sandbox-user"]
    assert body["count"] == 7
    assert [row["id"] for row in body["results"]] == ids[3:6]
    assert body["next"].endswith("page=3&page_size=3")
    assert body["previous"].endswith("page=1&page_size=3")
    collab = body["results"][2]
    assert collab["name"] == "Band Practice 🥁"
    assert collab["readable"] is True and collab["imported"] is False
    assert collab["source"] == f"playlist:{collab['id']}"
    assert sandbox.stats.count("GET", "/v1/me/playlists") == 1


@pytest.mark.parametrize("page", [4, 99_999])
def test_a_page_past_the_end_is_a_404_without_asking_too_far(account, owner_api, sandbox, page):
    # 7 playlists: page 4 of 3 is past the end; page 99,999 is past Spotify's offset limit
    answer = owner_api.get(PLAYLISTS, {"page_size": 3, "page": page})

    assert (answer.status_code, answer.json()) == (404, {"detail": "Invalid page."})
    assert sandbox.stats.count("GET", "/v1/me/playlists") == (1 if page == 4 else 0)


def test_the_followed_playlist_is_flagged_unreadable(account, owner_api, sandbox):
    rows = owner_api.get(PLAYLISTS).json()["results"]

    assert [row["readable"] for row in rows][-1] is False
    assert rows[-1]["owner"] == {"id": "spotify", "display_name": "Spotify"}


def test_playlists_without_a_connection_say_connect_first(stranger_api):
    answer = stranger_api.get(PLAYLISTS)

    assert answer.status_code == 409
    assert answer.json() == {"detail": "connect Spotify first"}


def test_a_bad_page_size_names_the_parameter(account, owner_api):
    answer = owner_api.get(PLAYLISTS, {"page_size": 501})

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["path"] == "page_size"


def test_spotify_rate_limits_reach_the_client_as_503_with_retry_after(account, owner_api, sandbox):
    sandbox.faults.rate_limit(retry_after=600)

    answer = owner_api.get(PLAYLISTS)

    assert answer.status_code == 503
    assert answer["Retry-After"] == "600"
    assert "Spotify rate limit: waiting until" in answer.json()["detail"]


@pytest.mark.parametrize(
    "garble",
    [
        lambda faults: faults.answer("<html><body>Bad gateway</body></html>", count=4),
        lambda faults: faults.tamper(lambda page: {**page, "items": None}, count=4),
    ],
)
def test_a_garbled_answer_from_spotify_is_a_502(account, owner_api, sandbox, garble):
    garble(sandbox.faults)

    answer = owner_api.get(PLAYLISTS)

    assert answer.status_code == 502
    assert answer.json()["detail"].startswith("Spotify sent a")
    assert answer.json()["detail"].endswith("(GET /v1/me/playlists, after 3 retries)")


def test_import_answers_202_with_one_job_per_source(
    account, owner_api, django_capture_on_commit_callbacks
):
    playlist_id = "37i9dQZF1DXcBWIGoYBM5M"
    body = {"sources": ["liked", f"playlist:https://open.spotify.com/playlist/{playlist_id}?si=x"]}

    with django_capture_on_commit_callbacks() as queued:
        answer = owner_api.post(IMPORT, body, format="json")

    assert answer.status_code == 202
    jobs = answer.json()["jobs"]
    assert [(j["kind"], j["source"], j["status"]) for j in jobs] == [
        ("import", "liked", "pending"),
        ("import", f"playlist:{playlist_id}", "pending"),
    ]
    assert len(queued) == 2
    assert "cursor" not in jobs[0]
    listed = owner_api.get(f"/api/jobs/{jobs[0]['id']}/").json()
    assert {name: jobs[0].get(name) for name in listed} == listed  # down to updated_at


def test_import_defaults_to_liked_and_all_playlists(
    account, owner_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        jobs = owner_api.post(IMPORT, {}, format="json").json()["jobs"]

    assert [j["source"] for j in jobs] == ["liked", "all-playlists"]


def test_asking_again_while_queued_returns_the_same_job(
    account, owner_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        first = owner_api.post(IMPORT, {"sources": ["liked"]}, format="json").json()
        second = owner_api.post(IMPORT, {"sources": ["liked"]}, format="json").json()

    assert first["jobs"][0]["id"] == second["jobs"][0]["id"]
    assert ImportJob.objects.count() == 1
    assert len(queued) == 1


def test_a_bad_source_names_its_path(account, owner_api):
    answer = owner_api.post(IMPORT, {"sources": ["liked", "albums"]}, format="json")

    assert answer.status_code == 400
    assert answer.json() == {
        "errors": [
            {
                "path": "sources[1]",
                "message": "unknown source 'albums': use liked, all-playlists or playlist:<id>",
            }
        ]
    }
    assert not ImportJob.objects.exists()


def test_an_empty_source_list_is_refused(account, owner_api):
    answer = owner_api.post(IMPORT, {"sources": []}, format="json")

    assert answer.json()["errors"] == [{"path": "sources", "message": "choose at least one source"}]


def test_import_without_a_connection_says_connect_first(owner_api):
    answer = owner_api.post(IMPORT, {"sources": ["liked"]}, format="json")

    assert answer.status_code == 409
    assert answer.json() == {"detail": "connect Spotify first"}


def test_import_jobs_are_listed_with_the_users_jobs_only(
    account, owner_api, stranger_api, import_now
):
    import_now(account.user, ["liked"])

    mine = owner_api.get("/api/jobs/", {"kind": "import"}).json()
    theirs = stranger_api.get("/api/jobs/", {"kind": "import"}).json()

    assert [j["status"] for j in mine["results"]] == ["completed"]
    assert theirs["count"] == 0
    job_id = mine["results"][0]["id"]
    assert stranger_api.get(f"/api/jobs/{job_id}/").status_code == 404
