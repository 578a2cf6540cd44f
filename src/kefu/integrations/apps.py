from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "kefu.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from kefu.core.events import ANY, subscribe
        from kefu.integrations import outbox

        # in the publisher's transaction: the outbox rows commit (or roll back) with the change
        subscribe(ANY, outbox.write_deliveries)
