from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # connects the receivers that renew a business line's settings token
        from kefu.core import (
            line_settings,  # noqa: F401
            request_id,
        )

        request_id.connect()
