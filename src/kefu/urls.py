from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from kefu.api import api
from kefu.reports import search_views
from kefu.reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("home/month/", report_views.home_month, name="home_month"),
    path("search/", search_views.global_search, name="search"),
    path("accounts/", include("kefu.accounts.urls")),
    path("customers/", include("kefu.customers.urls")),
    path("tickets/", include("kefu.tickets.urls")),
    path("followups/", include("kefu.followups.urls")),
    path("shiftlogs/", include("kefu.shiftlogs.urls")),
    path("kb/", include("kefu.knowledge.urls")),
    path("surveys/", include("kefu.surveys.urls")),
    path("training/", include("kefu.training.urls")),
    path("sla/", include("kefu.tickets.urls_sla")),
    path("workforce/", include("kefu.workforce.urls")),
    path("integrations/", include("kefu.integrations.urls")),
    path("property/", include("kefu.property.urls")),
    path("booking/", include("kefu.booking.urls")),
    path("qa/", include("kefu.inspections.urls")),
    path("quality/", include("kefu.quality.urls")),
    path("commerce/", include("kefu.commerce.urls")),
    path("mail/", include("kefu.channels.urls")),
    path("help/", include("kefu.knowledge.public_urls")),
    path("messaging/", include("kefu.channels.messaging.urls")),
    path("contact/", include("kefu.channels.messaging.public_urls")),
    path("reports/", include("kefu.reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("django-admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "kefu.core.views.bad_request"
handler403 = "kefu.core.views.permission_denied"
handler404 = "kefu.core.views.page_not_found"
handler500 = "kefu.core.views.server_error"
