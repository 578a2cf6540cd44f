from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "kefu.inspections"
    label = "inspections"
    verbose_name = _("Quality inspection")

    def ready(self) -> None:
        # the audit log names this app's actions in words (core.audit_words)
        from kefu.core.audit_words import ACTION_LABELS
        from kefu.inspections.services import AUDIT_ACTIONS

        ACTION_LABELS.update(AUDIT_ACTIONS)
