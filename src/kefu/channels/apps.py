from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "kefu.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self) -> None:
        # tickets publish the reply; channels sends e-mail ones after the commit (core.events)
        from kefu.channels import customer_mail, outbound
        from kefu.core import mail
        from kefu.core.audit_words import ACTION_LABELS
        from kefu.core.events import subscribe

        ACTION_LABELS.update(
            {
                "mail.ingest": _("E-mail received"),
                "mail.mailbox_create": _("Mailbox added"),
                "mail.mailbox_update": _("Mailbox changed"),
                "mail.auto_reply": _("Auto-reply mailed to a customer"),
                "mail.notice": _("Notice mailed to a customer"),
            }
        )

        # every customer mail of the apps below (survey invitations) goes through the outbox
        mail.set_customer_mailer(customer_mail.send_from_core)
        subscribe("reply.created", outbound.on_reply, after_commit=True)
        subscribe("reply.requeued", outbound.on_reply, after_commit=True)
