"""Every write of the followups app: policies, callbacks and outcomes, grades, escalations,
absences and deputies, events, and the call and letter registers."""

from kefu.followups.services.callbacks import (
    callback_issue_resolve,
    callback_log_outcome,
    callback_trigger,
    ticket_close_check,
    ticket_status_changed,
)
from kefu.followups.services.events import event_create
from kefu.followups.services.grading import complaint_flag, complaint_mark_severe
from kefu.followups.services.jobs import (
    cadence_run,
    escalations_run,
    inactivity_run,
    maintenance_run,
)
from kefu.followups.services.notices import notice_done, notice_make
from kefu.followups.services.people import absence_create, deputy_clear, deputy_set
from kefu.followups.services.policies import (
    line_setting,
    line_settings_update,
    policies_seed,
    policy_for,
    policy_update,
)
from kefu.followups.services.registers import (
    call_record_create,
    letter_record_create,
    registers_export,
)

__all__ = [
    "absence_create",
    "cadence_run",
    "call_record_create",
    "callback_issue_resolve",
    "callback_log_outcome",
    "callback_trigger",
    "complaint_flag",
    "complaint_mark_severe",
    "deputy_clear",
    "deputy_set",
    "escalations_run",
    "event_create",
    "inactivity_run",
    "letter_record_create",
    "line_setting",
    "line_settings_update",
    "maintenance_run",
    "notice_done",
    "notice_make",
    "policies_seed",
    "policy_for",
    "policy_update",
    "registers_export",
    "ticket_close_check",
    "ticket_status_changed",
]
