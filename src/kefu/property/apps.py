from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    name = "kefu.property"
    label = "property"
    verbose_name = _("Property office")

    def ready(self) -> None:
        from kefu.core import audit_words
        from kefu.property.words import ACTION_LABELS

        audit_words.ACTION_LABELS.update(ACTION_LABELS)
