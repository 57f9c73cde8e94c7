"""Finding users and rule sets from command-line words, with one readable line on failure."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from rules.models import RuleSet


def find_user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}: check the name, or create the user")
    return user


def find_rule(word: str, username: str | None = None) -> RuleSet:
    """A rule set by id, or by name (`--user` settles a name several users share)."""
    rules = RuleSet.objects.select_related("owner")
    if username:
        rules = rules.filter(owner=find_user(username))
    found = list(rules.filter(pk=int(word))) if word.isdigit() else []
    found = found or list(rules.filter(name=word))
    if not found:
        raise CommandError(f"no rule set {word!r}: give its id or its exact name")
    if len(found) > 1:
        owners = ", ".join(sorted(r.owner.get_username() for r in found))
        raise CommandError(f"several rule sets are named {word!r} ({owners}): add --user")
    return found[0]
