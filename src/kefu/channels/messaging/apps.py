from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "kefu.channels.messaging"
    label = "messaging"
    verbose_name = _("SMS, IM and web form")

    def ready(self) -> None:
        # every SMS sent through kefu.core.sms (reply delivery, survey invitations, notices)
        # goes through this app's adapter and outbox: quota, quiet hours, signature, the record
        from kefu.channels.messaging import outbox
        from kefu.core import sms

        sms.set_sender(outbox.send_from_core)
