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
        from kefu.core.audit_words import ACTION_LABELS

        sms.set_sender(outbox.send_from_core)
        sms.set_bulk_sender(outbox.send_many_from_core)
        # a reply on a web-form ticket is mailed to the address the visitor gave (if any)
        from kefu.channels.messaging.services import web_address
        from kefu.tickets.outbound import register_ticket_address

        register_ticket_address("web", web_address)
        # IM payment reminders (commerce publishes reminder.due): through the outbox
        from kefu.channels.messaging.reminders_im import on_reminders_due
        from kefu.core.events import subscribe

        subscribe("reminder.due", on_reminders_due, after_commit=True, batch=True)
        # the audit log says our actions in words
        ACTION_LABELS.update(
            {
                "message.send": _("SMS or IM message sent"),
                "message.receive": _("Customer message received"),
                "message.opt_out": _("Customer opted out of messages"),
                "message.web_form": _("Web form submitted"),
                "message.im_account_create": _("IM account mapped to a queue"),
                "message.im_account_update": _("IM account mapping changed"),
                "message.peak_on": _("Peak auto-reply switched on by the queue"),
                "message.peak_off": _("Peak auto-reply switched off by the queue"),
                "message.peak_thresholds": _("Peak-mode thresholds changed"),
                "message.platform_complaint": _("Fed complaint received (96860, 12345, visit)"),
                "message.platform_feed_import": _("Complaint feed file imported"),
            }
        )
