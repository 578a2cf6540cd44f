from django.urls import path as django_path

from kefu.accounts.desks import COMMERCE, desk_required
from kefu.commerce import (
    views,
    views_card,
    views_care,
    views_disputes,
    views_peak,
    views_team,
    views_warehouse,
)


def path(route, view, *args, **kwargs):
    """Every page of e-commerce operations is for the lines that run a shop (accounts.desks)."""
    return django_path(route, desk_required(COMMERCE)(view), *args, **kwargs)


app_name = "commerce"
urlpatterns = [
    path("", views.index, name="index"),
    path("reminders/phone/", views.phone_list, name="phone"),
    path("reminders/<int:pk>/outcome/", views.reminder_outcome, name="outcome"),
    path("orders/<int:pk>/", views_card.order_detail, name="order"),
    path("orders/<int:pk>/return/", views_card.order_return, name="order_return"),
    path("orders/<int:pk>/refund/", views_card.order_refund, name="order_refund"),
    path("orders/<int:pk>/case/", views_card.order_case, name="order_case"),
    path("returns/", views.return_list, name="returns"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("returns/<int:pk>/step/", views.return_step, name="return_step"),
    path("returns/<int:pk>/dispute/", views_disputes.dispute_open, name="dispute_open"),
    path("disputes/", views_disputes.dispute_list, name="disputes"),
    path("disputes/<int:pk>/", views_disputes.dispute_detail, name="dispute"),
    path("disputes/<int:pk>/contact/", views_disputes.dispute_contact, name="dispute_contact"),
    path("disputes/<int:pk>/evidence/", views_disputes.dispute_evidence, name="dispute_evidence"),
    path(
        "disputes/<int:pk>/evidence/<int:evidence_pk>/",
        views_disputes.dispute_evidence_file,
        name="dispute_evidence_file",
    ),
    path("disputes/<int:pk>/appeal/", views_disputes.dispute_appeal, name="dispute_appeal"),
    path("disputes/<int:pk>/close/", views_disputes.dispute_close, name="dispute_close"),
    path("refunds/", views.refund_list, name="refunds"),
    path("refunds/<int:pk>/decide/", views.refund_decide, name="refund_decide"),
    path("care/", views_care.care, name="care"),
    path("reviews/", views_care.review_list, name="reviews"),
    path("reviews/<int:pk>/reply/", views_care.review_reply, name="review_reply"),
    path("reviews/<int:pk>/cashback/", views_care.review_cashback, name="review_cashback"),
    path("double11/", views_peak.double11, name="double11"),
    path("double11/warehouse/", views_warehouse.warehouse, name="warehouse"),
    path(
        "double11/<int:pk>/forecast/",
        views_warehouse.warehouse_forecast,
        name="warehouse_forecast",
    ),
    path("double11/<int:pk>/prepacks/", views_warehouse.prepack_add, name="prepack_add"),
    path("prepacks/<int:pk>/", views_warehouse.prepack_update, name="prepack_update"),
    path("double11/<int:pk>/couriers/", views_warehouse.courier_set, name="courier_set"),
    path("reviews/poor.xlsx", views_care.poor_reviews_export, name="poor_reviews_export"),
    path("team/", views_team.team, name="team"),
    path("team/reshipments/", views_team.reshipment_create, name="reshipment_create"),
    path("team/reshipments/<int:pk>/", views_team.reshipment_action, name="reshipment_action"),
    path("returns/<int:pk>/inspection/", views_team.inspection_record, name="inspection"),
    path("logistics/", views_team.case_list, name="cases"),
    path("logistics/open/", views_team.case_open, name="case_open"),
    path("logistics/<int:pk>/", views_team.case_detail, name="case"),
    path("logistics/<int:pk>/step/", views_team.case_step, name="case_step"),
    path("registers/", views_team.registers, name="registers"),
    path("registers.xlsx", views_team.registers_export, name="registers_export"),
]
