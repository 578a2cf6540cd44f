from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = _("Customer archive")

    def ready(self) -> None:
        # every contact moves the customer's last contact (customers.contacts)
        from kefu.core.events import subscribe
        from kefu.customers.contacts import SUBSCRIPTIONS

        for name, handler in SUBSCRIPTIONS.items():
            subscribe(name, handler)
