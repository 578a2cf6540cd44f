from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "kefu.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        # the 上岗 gate: tickets and workforce ask before they assign or roster an agent
        # (core.events guards); training refuses those without a valid certification
        from kefu.core.audit_words import ACTION_LABELS, KEY_LABELS
        from kefu.core.events import subscribe
        from kefu.training import gate
        from kefu.training.words import ACTIONS, KEYS

        subscribe("ticket.assigning", gate.on_ticket_assigning)
        subscribe("roster.staffing", gate.on_roster_staffing)
        # booked classes are busy time in the workforce rosters (SCH-3)
        from kefu.workforce import availability

        availability.register("training.classes", gate.roster_busy, reason="in_training")
        # the 双11 plan shows borrowed staff's 上岗 status (PK-3/PK-4)
        from kefu.workforce import staff_status

        staff_status.register("training.certifications", gate.staff_status)
        for code, label in ACTIONS.items():
            ACTION_LABELS.setdefault(code, label)
        for key, label in KEYS.items():
            KEY_LABELS.setdefault(key, label)
