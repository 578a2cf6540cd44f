from django.urls import path as django_path

from kefu.accounts.desks import PROPERTY, desk_required
from kefu.property import archive_views, views, visit_views


def path(route, view, *args, **kwargs):
    """Every page of the property office is for the lines that run one (accounts.desks)."""
    return django_path(route, desk_required(PROPERTY)(view), *args, **kwargs)


app_name = "property"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("batches/print/", views.batch_print, name="batch_print"),
    path("fees/", views.fee_save, name="fee_save"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("repairs/", views.repairs, name="repairs"),
    path("cash/", views.cash, name="cash"),
    path("cash/close/", views.cash_close, name="cash_close"),
    path("repairs/new/", views.repair_report, name="repair_report"),
    path("visits/", visit_views.visits, name="visits"),
    path("units/<int:pk>/reason/", views.arrears_reason, name="arrears_reason"),
    path("visits/new/", visit_views.visit_add, name="visit_add"),
    path("activities/", visit_views.activities, name="activities"),
    path("activities/new/", visit_views.activity_add, name="activity_add"),
    path("activities/fees/", visit_views.centre_fee_add, name="centre_fee_add"),
    path("archive/", archive_views.catalogue, name="archive"),
    path("households/<int:pk>/", archive_views.household, name="household"),
    path("households/<int:pk>/documents/", archive_views.document_file, name="document_file"),
    path("households/<int:pk>/payments/", archive_views.payment_add, name="payment_add"),
    path("documents/<int:pk>/", archive_views.document_download, name="document_download"),
    path(
        "documents/<int:pk>/withdraw/",
        archive_views.document_withdraw,
        name="document_withdraw",
    ),
    path("rentals/", archive_views.rental_register, name="rentals"),
    path("rentals/new/", archive_views.tenancy_record, name="tenancy_record"),
    path(
        "rentals/<int:pk>/",
        archive_views.tenancy_change,
        {"action": "update"},
        name="tenancy_update",
    ),
    path(
        "rentals/<int:pk>/end/", archive_views.tenancy_change, {"action": "end"}, name="tenancy_end"
    ),
    path("repairs/<int:pk>/done/", views.repair_action, {"action": "done"}, name="repair_done"),
    path(
        "repairs/<int:pk>/callback/",
        views.repair_action,
        {"action": "callback"},
        name="repair_callback",
    ),
]
