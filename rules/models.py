"""Rule sets (smart playlists) and the record of each sync of one to Spotify."""

import random

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from trackflow.jobs.models import ACTIVE_STATUSES, JobBase

MAX_AUTO_SYNC = 525_600  # minutes: a year


def new_seed() -> int:
    return random.randrange(1, 2**31)


class RuleSet(models.Model):
    """A rule over its owner's library and the Spotify playlist it keeps in step.

    `definition` is the normalized JSON form (rules.dsl); `query` the text form when the
    rule was written as text. The target playlist is created on the first sync; the
    `spotify_snapshot_id` is the one our last write left, so a different one on Spotify
    means someone edited the playlist there since.
    """

    class SyncStatus(models.TextChoices):
        NEVER = "", "never synced"
        SYNCED = "synced"
        FAILED = "failed"
        RETRYING = "retrying"  # the last attempt failed; its job tries again (see the message)
        SKIPPED = "skipped"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rule_sets"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    definition = models.JSONField(default=dict, help_text="The rule in its normalized JSON form.")
    query = models.TextField(blank=True, help_text="The rule as text, when written as text.")
    target_playlist_name = models.CharField(
        max_length=200, blank=True, help_text="Name of the Spotify playlist (default: the name)."
    )
    target_playlist = models.ForeignKey(
        "library.Playlist",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managing_rules",
        help_text="The target as the library knows it; the rule never selects from it.",
    )
    spotify_playlist_id = models.CharField(max_length=64, blank=True)
    spotify_snapshot_id = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(
        default=True, help_text="Off: auto-sync and `rules_sync --all` leave it alone."
    )
    auto_sync = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_AUTO_SYNC)],
        help_text="Sync every this many minutes (at most a year); empty: only by hand.",
    )
    random_seed = models.PositiveIntegerField(
        default=new_seed, help_text="Fixes the order of `sort: random` until reshuffled."
    )
    last_preview_count = models.PositiveIntegerField(null=True, blank=True)
    last_previewed_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_sync_status = models.CharField(
        max_length=16, choices=SyncStatus.choices, blank=True, default=SyncStatus.NEVER
    )
    last_sync_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="ruleset_owner_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def playlist_name(self) -> str:
        return self.target_playlist_name or self.name


class SyncRun(JobBase):
    """One sync of a rule's result (or, with `restore_of`, of an earlier run's `before`).

    `before_uris` is the playlist as this run first found it (kept across retries, so a
    restore puts back what was there before the run began); `after_uris` the playlist after
    the last write that went through, so an interrupted run shows how far it got. A run that
    made the playlist found none: its `before_uris` is empty, and it cannot be restored.
    """

    kind = "sync"
    task_path = "rules.tasks.run_sync"

    rule = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="sync_runs")
    restore_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="restores"
    )
    playlist_id = models.CharField(max_length=64, blank=True, help_text="Spotify id written to.")
    created_playlist = models.BooleanField(default=False)
    before_uris = models.JSONField(null=True, blank=True)
    after_uris = models.JSONField(null=True, blank=True)
    snapshot_before = models.CharField(max_length=200, blank=True)
    snapshot_after = models.CharField(max_length=200, blank=True)
    added = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(
        default=0, help_text="Selected, but without a Spotify id or one Spotify does not know."
    )
    unknown_uris = models.JSONField(
        default=list,
        blank=True,
        help_text="URIs Spotify refused to add as non-existing: skipped, and by later syncs.",
    )
    reads = models.PositiveIntegerField(default=0, help_text="Spotify read calls.")
    writes = models.PositiveIntegerField(default=0, help_text="Spotify write calls.")
    overwrote_outside_edits = models.BooleanField(default=False)

    class Meta(JobBase.Meta):
        constraints = [
            *JobBase.Meta.constraints,
            # one sync of a rule at a time: a second request joins the first
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="syncrun_one_active_per_rule",
            ),
        ]

    @property
    def unrestorable_reason(self) -> str:
        """Why a restore of this run cannot put anything back ("" when it can)."""
        if self.created_playlist:
            return "that sync made the playlist (it never read one), so there is nothing to restore"
        if self.before_uris is None:
            return "that sync never read the playlist, so there is nothing to restore"
        return ""


# the runs a restore can put back: they read the playlist, and did not make it
RESTORABLE = Q(before_uris__isnull=False, created_playlist=False)


class JsonNumberField(models.Field):
    """A JSON number as stored: NUMERIC keeps integers whole and reals as they are, on
    SQLite and PostgreSQL alike (a float column would round integers past 2**53)."""

    def db_type(self, connection) -> str:
        return "numeric"


class EnrichmentValue(models.Model):
    """One present value of a track's enrichment data, typed and indexed for rules.

    Written only by database triggers on `library_trackenrichment` (migration 0004), so
    it follows every write to enrichments, whatever makes it: the ORM, bulk_create,
    QuerySet.update, the admin or a database shell. SQLite would otherwise parse every
    enrichment's JSON for every rule that reads one.

    A row per top-level number, boolean (`number` 1 or 0) and non-empty string of an
    object's data, and a row per non-empty string in its `genres` list (kind `genre`,
    key "genres", what the rule field `genre` reads). `folded` is the string case-folded
    as rules compare it (rules.dsl.semantics.fold). Nothing else reads this table: the
    Python evaluator reads `TrackEnrichment.data` itself, which keeps the two honest.
    """

    class Kind(models.TextChoices):
        NUMBER = "n", "number"
        BOOL = "b", "boolean"
        STRING = "s", "string"
        GENRE = "g", "genre"

    # the triggers own these rows: no constraint or cascade for Django to emulate
    track = models.ForeignKey(
        "library.Track",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # rules_value_track leads with it
        related_name="+",
    )
    provider = models.CharField(max_length=32)
    key = models.TextField()
    kind = models.CharField(max_length=1, choices=Kind.choices)
    number = JsonNumberField(null=True)
    # NULL, not "": the value is not a string at all (an empty string is never stored)
    text = models.TextField(null=True)  # noqa: DJ001
    folded = models.TextField(null=True)  # noqa: DJ001

    class Meta:
        indexes = [
            # PROVIDER.KEY compared with a number (or a boolean): a range of this index
            models.Index(
                fields=["provider", "key", "kind", "number", "track"], name="rules_value_number"
            ),
            # genres and PROVIDER.KEY compared with a string: equality seeks, the rest
            # scans only that key's strings, never the table
            models.Index(
                fields=["key", "kind", "folded", "provider", "track"], name="rules_value_text"
            ),
            # one track's values: sorting by PROVIDER.KEY, per-track tests, the triggers.
            # Covering, with key and kind before provider: a per-track genre test (any
            # provider) matches more of it than of rules_value_text, so SQLite picks it
            models.Index(
                fields=["track", "key", "kind", "provider", "number", "folded"],
                name="rules_value_track",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider}.{self.key} of {self.track_id}"
