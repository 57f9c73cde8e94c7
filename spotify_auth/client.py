"""The one way to talk to Spotify: `for_user(user)` returns a TrackFlowSpotify.

TrackFlowSpotify is spotipy's client with TrackFlow's rules: every URL under SPOTIFY_API_URL,
request timeouts, no sleeping inside spotipy or urllib3 on 429, a short Retry-After waited
out here and a long one raised as RateLimited (jobs reschedule), 5xx retried with a short
backoff, a refused token refreshed once, answers checked (a read that is not JSON, or a page
without items, is retried like a 5xx, then raised as MalformedAnswer), and playlist writes in
today's shapes (at most 100 URIs a call). `request_count` and `write_count` let tests and
benchmarks count calls.
"""

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import urlsplit

import requests
import spotipy
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from .auth import AccountAuth
from .errors import (
    MalformedAnswer,
    RateLimited,
    ReconnectRequired,
    SpotifyApiError,
    causes,
    unreachable,
)
from .models import SpotifyAccount
from .prefetch import NeedsRefresh, has_more, prefetched

__all__ = [
    "MalformedAnswer",
    "RateLimited",
    "ReconnectRequired",
    "SpotifyApiError",
    "TrackFlowSpotify",
    "for_user",
]

PAGE_SIZE = 50  # the most /me/tracks, /me/playlists and /playlists/{id}/items give
MAX_URIS = 100  # the most one add, replace or remove takes
MAX_INLINE_WAITS = 3  # short 429 waits per call before giving up and rescheduling
WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})
NOT_JSON = "Spotify sent an answer that is not JSON"
NOT_AN_OBJECT = "Spotify sent an answer that is not a JSON object"

_TRACK = (
    "type,id,uri,name,is_local,duration_ms,explicit,popularity,disc_number,track_number,"
    "external_ids,linked_from(id),artists(id,name),"
    "album(id,name,album_type,release_date,release_date_precision,total_tracks,images,"
    "artists(id,name))"
)
# What the import reads of a playlist's entries: no markets, no links, no episode details.
ITEM_FIELDS = f"items(added_at,is_local,item({_TRACK})),total,limit,offset,next"
META_FIELDS = (
    "id,name,description,snapshot_id,public,collaborative,images,owner(id,display_name),"
    "items(total)"
)


Check = Callable[[dict], str | None]  # what is wrong with a success answer, if anything


def for_user(user) -> "TrackFlowSpotify":
    """An authenticated client for this user (a User or its pk); ReconnectRequired if none."""
    account = SpotifyAccount.objects.filter(user=user).first()
    if account is None:
        raise ReconnectRequired("connect Spotify first")
    session = make_session()
    return TrackFlowSpotify(AccountAuth(account, session), session)


def make_session() -> requests.Session:
    """Connection pooling, and no retries in urllib3 (it would log a warning for each):
    TrackFlowSpotify retries failed connections itself, with its backoff."""
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class TrackFlowSpotify(spotipy.Spotify):
    def __init__(self, auth_manager, session: requests.Session | None = None):
        super().__init__(
            auth_manager=auth_manager,
            requests_session=session or make_session(),
            requests_timeout=settings.SPOTIFY_REQUEST_TIMEOUT,
            retries=0,
            status_retries=0,
            status_forcelist=(),
            backoff_factor=0,
        )
        self.status_forcelist = ()  # spotipy swaps an empty list for its defaults
        self.prefix = settings.SPOTIFY_API_URL.rstrip("/") + "/"
        self.calls: Counter[str] = Counter()  # by HTTP method, retries included
        self.sleep = time.sleep

    @property
    def request_count(self) -> int:
        return sum(self.calls.values())

    @property
    def write_count(self) -> int:
        return sum(n for method, n in self.calls.items() if method in WRITE_METHODS)

    # Transport: one request, with TrackFlow's retry rules

    def _internal_call(
        self, method, url, payload, params, token: str | None = None, check: Check | None = None
    ):
        """One call, retried by the rules above. With `token` (a prefetch thread), a refused
        token raises NeedsRefresh instead of refreshing: refreshing touches the database.
        `check` names what is wrong with a success answer (None: nothing)."""
        url = url if url.startswith("http") else self.prefix + url
        params = dict(params or {})
        body = json.dumps(payload) if payload is not None else None
        tries = Counter(fixed_token=token is not None)
        while True:
            if not tries["fixed_token"]:
                token = self.auth_manager.get_access_token(as_dict=False)
            try:
                response = self._send(method, url, params, body, token)
            except (requests.ConnectionError, requests.Timeout) as exc:
                # a request that never left is safe to send again; a sent one only if a read
                repeatable = method == "GET" or _never_sent(exc)
                if not repeatable or tries["server"] >= settings.SPOTIFY_SERVER_RETRIES:
                    raise unreachable(method, url, exc) from None
                tries["server"] += 1
                self.sleep(_backoff(tries["server"]))
                continue
            if response.status_code < 400:
                answer, problem = _answer(method, response, check)
                if problem is None:
                    return answer
                self.sleep(self._reread_delay(method, url, response.status_code, problem, tries))
                continue
            self.sleep(self._retry_delay(method, url, response, token, tries))

    def _send(self, method, url, params, body, token) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if self.language:
            headers["Accept-Language"] = self.language
        self.calls[method] += 1
        return self._session.request(
            method,
            url,
            params=params,
            data=body,
            headers=headers,
            timeout=self.requests_timeout,
            proxies=self.proxies,
        )

    def _retry_delay(self, method, url, response, token, tries: Counter) -> float:
        """Seconds to wait before trying again; raises when we should not."""
        status, error = response.status_code, _error(response)
        if status == 401 and tries["fixed_token"]:
            raise NeedsRefresh
        if status == 401 and not tries["refreshed"] and hasattr(self.auth_manager, "refresh"):
            tries["refreshed"] += 1  # expired or revoked early: one refresh, then a retry
            self.auth_manager.refresh(token)
            return 0
        if status == 429:
            wait = _retry_after(response)
            if wait <= settings.SPOTIFY_MAX_INLINE_WAIT and tries["waits"] < MAX_INLINE_WAITS:
                tries["waits"] += 1
                return wait
            raise RateLimited(wait, error.get("reason"))
        if _retryable(method, status) and tries["server"] < settings.SPOTIFY_SERVER_RETRIES:
            tries["server"] += 1
            return _backoff(tries["server"])
        message = error.get("message") or response.reason or "error"
        if tries["server"]:
            message += f" (after {tries['server']} retries)"
        raise SpotifyApiError(
            method, _path(url), status, message, error.get("reason"), response.headers
        )

    def _reread_delay(self, method, url, status: int, problem: str, tries: Counter) -> float:
        """A malformed success answer: a read is tried again as after a 503; a write is not
        (it may have been applied), nor a read after the last retry."""
        if method == "GET" and tries["server"] < settings.SPOTIFY_SERVER_RETRIES:
            tries["server"] += 1
            return _backoff(tries["server"])
        raise MalformedAnswer(method, _path(url), status, problem, tries["server"])

    # Reads

    def me(self) -> dict:
        return self._get("me")  # spotipy asks for "me/"

    def pages(
        self, path: str, offset: int = 0, limit: int = PAGE_SIZE, prefetch: int = 0, **params
    ) -> Iterator[dict]:
        """Paging objects from `offset` on, one request each.

        With `prefetch`, a helper thread reads up to that many pages ahead while the caller
        works on the ones it has (stores them, say): an import then takes about as long as
        the slower of the two, not their sum. See spotify_auth.prefetch.
        """
        if prefetch:
            yield from prefetched(self, path, offset, limit, params, prefetch)
            return
        while True:
            page = self.page(path, offset, limit, params)
            yield page
            offset += limit
            if not has_more(page, offset):
                return

    def page(
        self, path: str, offset: int, limit: int, params: dict, token: str | None = None
    ) -> dict:
        """One paging object. It must carry `items`, `total`, `offset` and `limit` (ask for
        them when filtering `fields`): callers index them without looking."""
        args = {**params, "limit": limit, "offset": offset}
        return self._internal_call("GET", path, None, args, token, check=page_problem)

    def iter_saved_tracks(self, offset: int = 0) -> Iterator[dict]:
        """Liked Songs, newest first: {"added_at", "track"} items, 50 a request."""
        for page in self.pages("me/tracks", offset=offset):
            yield from page["items"]

    def iter_playlist_items(
        self, playlist_id: str, fields: str = ITEM_FIELDS, offset: int = 0
    ) -> Iterator[dict]:
        """A playlist's entries in order ({"added_at", "is_local", "item"}), 50 a request."""
        for page in self.pages(f"playlists/{playlist_id}/items", offset=offset, fields=fields):
            yield from page["items"]

    def playlist_meta(self, playlist_id: str, fields: str = META_FIELDS) -> dict:
        args = {"fields": fields}
        return self._internal_call(
            "GET", f"playlists/{playlist_id}", None, args, check=_snapshot_problem
        )

    # Writes: today's endpoints and bodies (DESIGN §6)

    def add_items(self, playlist_id: str, uris: Sequence[str], position: int | None = None) -> str:
        body: dict = {"uris": _batch(uris)}
        if position is not None:
            body["position"] = position
        return self._write("POST", f"playlists/{playlist_id}/items", body)

    def remove_items(
        self, playlist_id: str, uris: Sequence[str], snapshot_id: str | None = None
    ) -> str:
        body: dict = {"items": [{"uri": uri} for uri in _batch(uris)]}
        if snapshot_id:
            body["snapshot_id"] = snapshot_id
        return self._write("DELETE", f"playlists/{playlist_id}/items", body)

    def replace_items(self, playlist_id: str, uris: Sequence[str]) -> str:
        body = {"uris": _batch(uris, allow_empty=True)}
        return self._write("PUT", f"playlists/{playlist_id}/items", body)

    def reorder_items(
        self,
        playlist_id: str,
        range_start: int,
        insert_before: int,
        range_length: int = 1,
        snapshot_id: str | None = None,
    ) -> str:
        body: dict = {
            "range_start": range_start,
            "insert_before": insert_before,
            "range_length": range_length,
        }
        if snapshot_id:
            body["snapshot_id"] = snapshot_id
        return self._write("PUT", f"playlists/{playlist_id}/items", body)

    def _write(self, method: str, path: str, body: dict) -> str:
        """A write to a playlist's items; returns the snapshot_id Spotify answers with."""
        return self._internal_call(method, path, body, {}, check=_snapshot_problem)["snapshot_id"]

    def create_playlist(self, name: str, description: str = "", public: bool = False) -> dict:
        body = {"name": name, "description": description, "public": public}
        return self._post("me/playlists", payload=body)

    # spotipy's own add sends a bare JSON array; keep every caller on the shape above
    def playlist_add_items(self, playlist_id, items, position=None):
        return {"snapshot_id": self.add_items(playlist_id, list(items), position)}


def _batch(uris: Sequence[str], allow_empty: bool = False) -> list[str]:
    uris = list(uris)
    if len(uris) > MAX_URIS:
        raise ValueError(f"at most {MAX_URIS} URIs per call, got {len(uris)}")
    if not uris and not allow_empty:
        raise ValueError("no URIs given")
    return uris


def _retryable(method: str, status: int) -> bool:
    """502-504 mean the request never reached Spotify's app; a 500 may have been applied, so
    only a read or a remove (both safe to repeat) is tried again."""
    return status in (502, 503, 504) or (status == 500 and method in ("GET", "DELETE"))


def _backoff(attempt: int) -> float:
    return settings.SPOTIFY_RETRY_BACKOFF_MS / 1000 * 2 ** (attempt - 1)


def _retry_after(response: requests.Response) -> int:
    try:
        return max(int(response.headers.get("Retry-After", "1")), 0)
    except ValueError:
        return 60


def _error(response: requests.Response) -> dict:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {"message": str(error)}


def _answer(method: str, response: requests.Response, check: Check | None):
    """(the decoded answer, None), or (None, what is wrong with it). A write may answer with
    an empty body (changing a playlist's details does); any other answer is a JSON object."""
    if not response.content and method != "GET":
        return None, None
    try:
        answer = response.json()
    except ValueError:
        return None, NOT_JSON
    if not isinstance(answer, dict):
        return None, NOT_AN_OBJECT
    return answer, check(answer) if check else None


def page_problem(page: dict) -> str | None:
    """What makes `page` unusable as a paging object, if anything."""
    if not isinstance(page.get("items"), list):
        return "Spotify sent a page without items"
    if not all(_count(page.get(key)) for key in ("total", "offset", "limit")):
        return "Spotify sent a page without its total, offset or limit"
    return None


def _snapshot_problem(answer: dict) -> str | None:
    if isinstance(answer.get("snapshot_id"), str):
        return None
    return "Spotify sent an answer without a snapshot_id"


def _count(value: object) -> bool:
    return type(value) is int and value >= 0


def _path(url: str) -> str:
    return urlsplit(url).path


def _never_sent(exc: requests.RequestException) -> bool:
    return isinstance(exc, requests.ConnectTimeout) or any(
        isinstance(cause, NewConnectionError) for cause in causes(exc)
    )
