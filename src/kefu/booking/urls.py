from django.urls import path

from kefu.accounts.desks import LESSONS, REPAIR_CENTRE, WORKSHOP, desk_required
from kefu.booking import flow_views, views, workshop_views


def _desk(desk, route, view, *args, **kwargs):
    """A page of one desk, for the lines that work at it (accounts.desks)."""
    return path(route, desk_required(desk)(view), *args, **kwargs)


app_name = "booking"
ACTIONS = ("cancel", "leave", "decide", "attend", "no_show")
urlpatterns = [
    _desk(LESSONS, "", views.index, name="index"),
    _desk(LESSONS, "students/<int:pk>/", views.student, name="student"),
    _desk(LESSONS, "students/<int:pk>/book/", views.book, name="book"),
    _desk(LESSONS, "students/<int:pk>/hours/", views.hours, name="hours"),
    _desk(LESSONS, "students/<int:pk>/requests/", views.request_add, name="request"),
    _desk(LESSONS, "students/<int:pk>/flows/", flow_views.flow_open, name="flow_open"),
    _desk(LESSONS, "flows/<int:pk>/step/", flow_views.flow_step, name="flow_step"),
    _desk(REPAIR_CENTRE, "repairs/", views.repair_centre, name="repairs"),
    _desk(REPAIR_CENTRE, "repairs/new/", views.repair_intake, name="repair_intake"),
    _desk(REPAIR_CENTRE, "repairs/<int:pk>/move/", views.repair_move, name="repair_move"),
    _desk(WORKSHOP, "workshop/", workshop_views.workshop_page, name="workshop"),
    _desk(
        WORKSHOP, "workshop/settings/", workshop_views.workshop_settings, name="workshop_settings"
    ),
    _desk(WORKSHOP, "workshop/new/", workshop_views.appointment_new, name="appointment_new"),
    _desk(
        WORKSHOP,
        "workshop/<int:pk>/move/",
        workshop_views.appointment_move,
        name="appointment_move",
    ),
    _desk(
        WORKSHOP,
        "workshop/<int:pk>/progress/",
        workshop_views.appointment_progress,
        name="appointment_progress",
    ),
    _desk(WORKSHOP, "workshop/activities/", workshop_views.activity_new, name="activity_new"),
    *(
        _desk(
            LESSONS,
            f"lessons/<int:pk>/{action}/",
            views.lesson_action,
            {"action": action},
            name=action,
        )
        for action in ACTIONS
    ),
]
