"""The reports app's audit actions in words (the audit log page shows these, never the codes)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "reports.base_set": _("Unit base entered"),
    "reports.statement_signed": _("Monthly statement signed"),
    "reports.statement_exported": _("Monthly statement exported"),
}
