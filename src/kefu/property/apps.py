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
        # a move-out is recorded on the tenancy; the unit's occupancy it sets is the profile's
        audit_words.FIELDS_ELSEWHERE[("property.tenancy_end", "occupancy")] = (
            "property.UnitProfile",
            "occupancy",
        )
