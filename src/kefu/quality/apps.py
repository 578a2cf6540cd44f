from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "kefu.quality"
    label = "quality"
    verbose_name = _("Quality and performance")

    def ready(self) -> None:
        from kefu.core import audit_words, events
        from kefu.quality import handlers
        from kefu.quality.words import ACTION_LABELS

        audit_words.ACTION_LABELS.update(ACTION_LABELS)
        events.subscribe("complaint.judged", handlers.on_complaint_judged)
        events.subscribe("worklog.task_carried_over", handlers.on_task_carried_over)
