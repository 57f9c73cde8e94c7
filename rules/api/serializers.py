"""Rule sets, rule input (JSON `definition` or text `query`) and sync runs, as the API shows
them. DSL errors come back at the API's paths: `definition.all[2].gt.audio.bpm`, `query[12]`."""

from collections import defaultdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rules import services
from rules.dsl import RuleValidationError
from rules.models import MAX_AUTO_SYNC, RuleSet, SyncRun
from trackflow.jobs.services import JOB_FIELDS


def rule_errors(exc: RuleValidationError) -> serializers.ValidationError:
    """Every DSL error, at its path (the project's {"errors": [{path, message}]})."""
    by_path: dict[str, list[str]] = defaultdict(list)
    for error in exc.errors:
        by_path[error.path].append(error.message)
    return serializers.ValidationError(dict(by_path))


class RuleInputSerializer(serializers.Serializer):
    """A rule written as JSON (`definition`) or as text (`query`): exactly one of them."""

    definition = serializers.JSONField(required=False, help_text="The JSON form (DESIGN §8).")
    query = serializers.CharField(
        required=False, trim_whitespace=False, max_length=10_000, help_text="The text form."
    )

    def validate(self, data: dict) -> dict:
        try:
            written = services.read_rule(
                self.context["request"].user, data.get("definition"), data.get("query")
            )
        except RuleValidationError as exc:
            raise rule_errors(exc) from None
        return {**data, "written": written}


class ValidatedRuleSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    definition = serializers.JSONField(help_text="The normalized JSON form.")
    query = serializers.CharField(
        allow_null=True, help_text="The text form, re-rendered (null when it cannot say it)."
    )


class PreviewOptionsSerializer(serializers.Serializer):
    """How a preview is shown: the body of an ad-hoc preview, the query of a saved one's."""

    seed = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Fixes `sort: random`."
    )
    explain = serializers.BooleanField(default=False, help_text="Say why each track is in.")


class PreviewInputSerializer(RuleInputSerializer, PreviewOptionsSerializer):
    pass


class RuleSetSerializer(serializers.ModelSerializer):
    """A rule set; write `definition` or `query` (the other is derived), or neither to keep."""

    definition = serializers.JSONField(required=False)
    query = serializers.CharField(required=False, trim_whitespace=False, max_length=10_000)
    text = serializers.SerializerMethodField(help_text="The rule as text (null when unsayable).")
    auto_sync = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_AUTO_SYNC,
        help_text="Minutes (at most 525,600, a year); null: by hand only.",
    )

    class Meta:
        model = RuleSet
        read_only_fields = [
            "spotify_playlist_id",
            "last_preview_count",
            "last_previewed_at",
            "last_synced_at",
            "last_sync_status",
            "last_sync_message",
            "created_at",
            "updated_at",
        ]
        fields = [
            "id",
            "name",
            "description",
            "definition",
            "query",
            "text",
            "target_playlist_name",
            "enabled",
            "auto_sync",
            *read_only_fields,
        ]
        # the browsable API's form starts ticked, as a rule set made without it is enabled
        extra_kwargs = {"enabled": {"initial": True}}

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, ruleset: RuleSet) -> str | None:
        return services.rule_text(ruleset)

    def validate_name(self, name: str) -> str:
        try:
            name = services.rule_set_name(name)
        except RuleValidationError as exc:
            raise serializers.ValidationError(exc.errors[0].message) from None
        owner = self.context["request"].user
        taken = RuleSet.objects.filter(owner=owner, name=name)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("you already have a rule set with this name")
        return name

    def validate(self, data: dict) -> dict:
        definition, query = data.get("definition"), data.get("query")
        if self.instance is not None and definition is None and query is None:
            return data  # the rule itself is unchanged
        try:
            written = services.read_rule(self.context["request"].user, definition, query)
        except RuleValidationError as exc:
            raise rule_errors(exc) from None
        return {**data, "definition": written.definition, "query": written.query}


class SyncRunSerializer(serializers.ModelSerializer):
    """A sync (or restore) job: its progress and what it did to the playlist."""

    kind = serializers.CharField(read_only=True, default=SyncRun.kind)
    restorable = serializers.SerializerMethodField(
        help_text="Whether restoring it can put the playlist back as this run found it."
    )

    class Meta:
        model = SyncRun
        fields = [
            *JOB_FIELDS,
            "kind",
            "rule",
            "restore_of",
            "playlist_id",
            "created_playlist",
            "added",
            "removed",
            "moved",
            "unchanged",
            "skipped",
            "unknown_uris",
            "reads",
            "writes",
            "overwrote_outside_edits",
            "restorable",
        ]
        read_only_fields = fields

    def get_restorable(self, run: SyncRun) -> bool:
        if hasattr(run, "can_restore"):  # the list annotates it and leaves the URIs unread
            return bool(run.can_restore)
        return not run.unrestorable_reason


class DiffEntrySerializer(serializers.Serializer):
    uri = serializers.CharField(allow_null=True, help_text="null: a local file or a gone track.")
    position = serializers.IntegerField(
        help_text="Where it ends up; for `remove`, where it is now."
    )
    from_position = serializers.IntegerField(required=False, help_text="`move`: where it is now.")
    track = serializers.DictField(allow_null=True, help_text="{id, title, artists}, if known.")


class DiffSerializer(serializers.Serializer):
    playlist_id = serializers.CharField(allow_null=True)
    exists = serializers.BooleanField()
    outside_edits = serializers.BooleanField()
    add = DiffEntrySerializer(many=True)
    remove = DiffEntrySerializer(many=True)
    move = DiffEntrySerializer(many=True)
    unchanged = DiffEntrySerializer(many=True)
    skipped = serializers.IntegerField(
        help_text="Selected tracks without a Spotify id, or with one Spotify does not know."
    )
    unknown = serializers.ListField(
        child=serializers.CharField(),
        help_text="URIs an earlier sync found Spotify does not know: left out, not tried again.",
    )
    writes = serializers.IntegerField(
        help_text="Write calls the sync would make (creating or renaming the playlist included)."
    )
