from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "kefu.commerce"
    label = "commerce"
    verbose_name = _("E-commerce operations")

    def ready(self) -> None:
        # the audit log shows this app's actions in words
        from kefu.commerce.words import ACTION_LABELS
        from kefu.core import audit_words

        audit_words.ACTION_LABELS.update(ACTION_LABELS)

        from kefu.commerce.handlers import on_indicator_warning
        from kefu.core.events import subscribe

        subscribe("shop.indicator_warning", on_indicator_warning)
