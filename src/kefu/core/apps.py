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

        # SQLite: Django's bulk writes cut at the library's own parameter limit, not 999
        from django.db.backends.signals import connection_created

        from kefu.core.db import sqlite_parameter_limit

        connection_created.connect(sqlite_parameter_limit, dispatch_uid="kefu.sqlite_limit")
