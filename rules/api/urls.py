from django.urls import path

from rules.api.adhoc import PreviewRuleView, ValidateRuleView
from rules.api.rulesets import RuleSetViewSet
from trackflow.api.router import router

router.register("rules", RuleSetViewSet, basename="rule")

# Before the router's routes (trackflow/api/urls.py includes apps first), so that "validate"
# and "preview" are not taken for a rule id.
urlpatterns = [
    path("rules/validate/", ValidateRuleView.as_view(), name="rule-validate"),
    path("rules/preview/", PreviewRuleView.as_view(), name="rule-preview-adhoc"),
]
