from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from kefu.core import audit_words
        from kefu.reports.words import ACTION_LABELS

        audit_words.ACTION_LABELS.update(ACTION_LABELS)
        # late changes to a closed month's tickets and callbacks move its stamp (month_cache)
        from kefu.reports import month_cache

        month_cache.subscribe()
