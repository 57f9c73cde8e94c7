from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from trackflow.jobs.models import ACTIVE_STATUSES, JobBase

from . import crypto


class SpotifyAccount(models.Model):
    """A user's connection to Spotify. Tokens are Fernet-encrypted and never leave the server.

    connected -> needs_reconnect (refresh token revoked, or the encryption key lost);
    a new OAuth sign-in makes it connected again. Disconnecting deletes the row.
    """

    class Status(models.TextChoices):
        CONNECTED = "connected"
        NEEDS_RECONNECT = "needs_reconnect"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="spotify_account"
    )
    spotify_user_id = models.CharField(max_length=200)
    display_name = models.CharField(max_length=500, blank=True)
    scopes = models.TextField(blank=True, help_text="Granted scopes, space-separated.")
    access_token_encrypted = models.TextField(blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONNECTED)
    status_reason = models.CharField(max_length=300, blank=True)
    # Liked Songs as of the last complete import: total and first page, hashed. Equal on the
    # next import means nothing was liked or un-liked since (likes always go on top).
    liked_fingerprint = models.CharField(max_length=64, blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.display_name or self.spotify_user_id} ({self.status})"

    @property
    def scope_list(self) -> list[str]:
        return sorted(self.scopes.split())

    def token_info(self) -> dict:
        """spotipy's token dict, decrypted (raises crypto.UndecryptableToken)."""
        expires_at = int(self.expires_at.timestamp()) if self.expires_at else 0
        return {
            "access_token": crypto.decrypt(self.access_token_encrypted),
            "refresh_token": crypto.decrypt(self.refresh_token_encrypted),
            "expires_at": expires_at,
            "scope": self.scopes,
            "token_type": "Bearer",
        }

    def set_tokens(self, token_info: dict) -> list[str]:
        """Encrypt and set the tokens of an answer from /api/token; returns the changed fields.

        An answer without refresh_token keeps the current one (Spotify only rotates sometimes).
        """
        self.access_token_encrypted = crypto.encrypt(token_info["access_token"])
        changed = ["access_token_encrypted", "expires_at", "updated_at"]
        if token_info.get("refresh_token"):
            self.refresh_token_encrypted = crypto.encrypt(token_info["refresh_token"])
            changed.append("refresh_token_encrypted")
        self.expires_at = datetime.fromtimestamp(token_info["expires_at"], tz=UTC)
        if token_info.get("scope"):
            self.scopes = token_info["scope"]
            changed.append("scopes")
        return changed


class ImportJob(JobBase):
    """Reads one source from a user's Spotify account into the library.

    `source` is `liked`, `all-playlists` or `playlist:<spotify id>`. `cursor` holds where a
    retried attempt resumes (offset, the snapshot being read, the un-like window, a playlist's
    entries read so far); `counts` what was read and skipped; `force` re-reads even what
    Spotify reports unchanged.
    """

    kind = "import"
    task_path = "spotify_auth.tasks.run_import"

    source = models.CharField(max_length=100)
    force = models.BooleanField(default=False)
    cursor = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta(JobBase.Meta):
        constraints = [
            *JobBase.Meta.constraints,
            # one import of a source at a time per user: a second request joins the first
            models.UniqueConstraint(
                fields=["owner", "source"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="importjob_one_active_per_source",
            ),
        ]
