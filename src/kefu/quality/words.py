"""The quality app's audit actions in words (merged into core.audit_words when the app loads)."""

from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "quality.rules_seed": gettext_lazy("Deduction rules added from a template"),
    "quality.deduct": gettext_lazy("Points deducted on a scorecard"),
    "quality.adjust": gettext_lazy("Scorecard corrected"),
    "quality.card_sign": gettext_lazy("Scorecard signed"),
    "quality.scheme_create": gettext_lazy("KPI scheme created"),
    "quality.rank": gettext_lazy("Monthly ranking drawn up"),
    "quality.rank_publish": gettext_lazy("Monthly ranking published"),
    "quality.ledger_add": gettext_lazy("Reward or penalty recorded"),
    "quality.summary_build": gettext_lazy("Monthly penalty summary tabulated"),
    "quality.summary_sign": gettext_lazy("Monthly penalty summary signed"),
    "quality.summary_publish": gettext_lazy("Monthly penalty summary published"),
    "quality.summary_send": gettext_lazy("Monthly penalty summary copied to finance"),
    "quality.summary_export": gettext_lazy("Monthly penalty summary exported"),
    "quality.cycle_create": gettext_lazy("Appraisal cycle planned"),
    "quality.cycle_plan": gettext_lazy("Appraisal cycle goals set"),
    "quality.cycle_indicator": gettext_lazy("Appraisal cycle indicators changed"),
    "quality.cycle_briefing": gettext_lazy("Evaluator briefing recorded"),
    "quality.cycle_advance": gettext_lazy("Appraisal cycle moved to its next stage"),
    "quality.cycle_score": gettext_lazy("Appraisal score given"),
    "quality.cycle_interview": gettext_lazy("Feedback interview recorded"),
    "quality.cycle_results": gettext_lazy("Appraisal results recorded"),
    "quality.delphi_create": gettext_lazy("Delphi survey set up"),
    "quality.delphi_ratings": gettext_lazy("Delphi ratings recorded"),
    "quality.delphi_weight": gettext_lazy("Delphi weight entered"),
}
