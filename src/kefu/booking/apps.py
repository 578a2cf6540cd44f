from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "kefu.booking"
    label = "booking"
    verbose_name = _("Lesson desk")

    def ready(self) -> None:
        from kefu.booking.words import ACTION_LABELS
        from kefu.core import audit_words

        audit_words.ACTION_LABELS.update(ACTION_LABELS)

        # a 4S appointment's update to the customer leaves through the outbox after the commit
        from kefu.booking.workshop_services import on_workshop_update
        from kefu.core.events import subscribe

        subscribe("workshop.update", on_workshop_update, after_commit=True)
