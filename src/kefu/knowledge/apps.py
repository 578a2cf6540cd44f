from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "kefu.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # every process cuts text with the business dictionary (core.search)
        from kefu.core import search
        from kefu.knowledge.search import SIGNATURE_SQL, dictionary_words

        search.register_dictionary(signature_sql=SIGNATURE_SQL, load=dictionary_words)
        # what a reply sends is checked and its findings count (quality review), in the reply's
        # transaction (core.events)
        from kefu.core.events import subscribe

        subscribe("reply.created", check_reply_language)


def check_reply_language(event) -> None:
    """``reply.created`` subscriber: the service-language check of the reply's text."""
    from kefu.knowledge.services import language_check_record
    from kefu.tickets.models import TicketMessage

    message = getattr(event, "subject", None)
    if not isinstance(message, TicketMessage):
        message = TicketMessage.objects.select_related("ticket", "author").get(
            pk=event.payload["message"]
        )
    agent = getattr(event, "actor", None) or message.author
    if agent is None:
        return
    language_check_record(agent=agent, text=message.body, source=message.ticket.number)
