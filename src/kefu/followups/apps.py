from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "kefu.followups"
    label = "followups"
    verbose_name = _("Callbacks and contact registers")

    def ready(self) -> None:
        # tickets publish, followups react in the same transaction (core.events)
        from kefu.core.events import subscribe
        from kefu.followups.services import reactions

        subscribe("ticket.closing", reactions.on_ticket_closing)
        subscribe("ticket.status_changed", reactions.on_ticket_status_changed)
        subscribe("customer.created", reactions.on_customer_created)
        subscribe("customer.updated", reactions.on_customer_updated)
        subscribe("ticket.created", reactions.on_ticket_created)
        # the registers fill themselves from the channels (LOG-1, LOG-2)
        from kefu.followups.services import contact_log

        subscribe("mail.sent", contact_log.on_mail_sent)
        subscribe("mail.received", contact_log.on_mail_received)
        subscribe("ticket.created", contact_log.on_ticket_created, after_commit=True)
