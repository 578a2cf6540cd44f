"""The reports app's audit actions in words (the audit log page shows these, never the codes)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "reports.base_set": _("Unit base entered"),
    "reports.statement_signed": _("Monthly statement signed"),
    "reports.statement_exported": _("Monthly statement exported"),
}

ACTION_LABELS.update(
    {
        "reports.feedback_written": _("Weekly feedback written to a unit"),
        "reports.meeting_recorded": _("Weekly meeting recorded"),
        "reports.year_signed": _("Year-end summary signed"),
        "reports.periodic_exported": _("Periodic report exported"),
    }
)

ACTION_LABELS.update(  # the report builder (issue 22 §6)
    {
        "reports.report_saved": _("Report saved in the report builder"),
        "reports.report_changed": _("Saved report changed"),
        "reports.report_deleted": _("Saved report deleted"),
        "reports.subscribed": _("Report subscription added"),
        "reports.unsubscribed": _("Report subscription removed"),
        "reports.report_sent": _("Report sent by e-mail"),
    }
)

ACTION_LABELS["reports.feedback_mailed"] = _("Weekly feedback e-mailed to a unit")  # FU-10
