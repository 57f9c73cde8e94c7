"""Spotify's answers, as this API's: reconnect (409), wait (429 with Retry-After), failed (502)."""

from collections.abc import Callable
from functools import wraps

from rest_framework import status
from rest_framework.response import Response

from spotify_auth.errors import RateLimited, ReconnectRequired, SpotifyApiError


def spotify_errors(view: Callable) -> Callable:
    @wraps(view)
    def answered(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ReconnectRequired as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except RateLimited as exc:
            headers = {"Retry-After": str(exc.retry_after)}
            return Response({"detail": str(exc)}, status=429, headers=headers)
        except SpotifyApiError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_502_BAD_GATEWAY)

    return answered
