"""What the browsable API shows as the form of an action that takes no body."""

from rest_framework import serializers


class NoInput(serializers.Serializer):
    """No fields: the action's page shows a POST button alone, not the view's main form
    (a sync page showing the whole rule set form, whose input it would ignore)."""
