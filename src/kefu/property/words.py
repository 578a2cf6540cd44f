"""The property office's audit actions in words (added to core.audit_words at start-up)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "property.fee_type_save": _("Fee standard saved"),
    "property.unit_profile": _("Unit possession status set"),
    "property.bills_issue": _("Bills issued"),
    "property.payment": _("Payment recorded"),
    "property.letter_batch": _("Dunning letters printed"),
    "property.repair_report": _("Repair reported"),
    "property.repair_done": _("Repair completed"),
    "property.repair_callback": _("Repair called back"),
    "property.cash_close": _("Day's cash closed and handed over"),
    "property.visit": _("Door visit recorded"),
    "property.arrears_reason": _("Reason for not paying recorded"),
    "property.activity": _("Community activity published"),
    "property.centre_fee": _("Activity centre fee published"),
    "property.document_file": _("Household document filed"),
    "property.document_withdraw": _("Household document withdrawn"),
    "property.tenancy_record": _("Tenant recorded in the rental register"),
    "property.tenancy_update": _("Rental register row completed"),
    "property.tenancy_end": _("Tenant moved out"),
}
