from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kefu.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        # a closed ticket invites its customer (core.events; the invitation is written in the
        # ticket's transaction so it is never lost, the link is sent after the commit)
        from kefu.core.events import subscribe
        from kefu.surveys.services import on_ticket_status_changed

        subscribe("ticket.status_changed", on_ticket_status_changed)
