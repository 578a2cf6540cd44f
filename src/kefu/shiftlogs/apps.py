from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShiftlogsConfig(AppConfig):
    name = "kefu.shiftlogs"
    label = "shiftlogs"
    verbose_name = _("Shift logs")
