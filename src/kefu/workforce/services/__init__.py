"""Every workforce write (forecasts and imports, rosters and pins, peak-event plans)."""

from kefu.workforce.services.forecasts import (
    ImportRejected,
    double11_days,
    forecast_create,
    intervals_import,
    skill_groups_ensure,
)
from kefu.workforce.services.peaks import (
    borrowed_add,
    borrowed_set_training,
    checklist_set_done,
    peak_plan_from_template,
    peak_plan_set_group_sizes,
)
from kefu.workforce.services.rosters import (
    agent_profile_set,
    assignment_pin,
    assignment_unpin,
    leave_add,
    roster_reoptimise,
    roster_run_create,
    roster_run_solve,
    shift_templates_ensure,
)

__all__ = [
    "ImportRejected",
    "agent_profile_set",
    "assignment_pin",
    "assignment_unpin",
    "borrowed_add",
    "borrowed_set_training",
    "checklist_set_done",
    "double11_days",
    "forecast_create",
    "intervals_import",
    "leave_add",
    "peak_plan_from_template",
    "peak_plan_set_group_sizes",
    "roster_reoptimise",
    "roster_run_create",
    "roster_run_solve",
    "shift_templates_ensure",
    "skill_groups_ensure",
]
