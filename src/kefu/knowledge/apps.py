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
