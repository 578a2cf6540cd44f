from django.urls import path

from kefu.booking import flow_views, views, workshop_views

app_name = "booking"
ACTIONS = ("cancel", "leave", "decide", "attend", "no_show")
urlpatterns = [
    path("", views.index, name="index"),
    path("students/<int:pk>/", views.student, name="student"),
    path("students/<int:pk>/book/", views.book, name="book"),
    path("students/<int:pk>/hours/", views.hours, name="hours"),
    path("students/<int:pk>/requests/", views.request_add, name="request"),
    path("students/<int:pk>/flows/", flow_views.flow_open, name="flow_open"),
    path("flows/<int:pk>/step/", flow_views.flow_step, name="flow_step"),
    path("repairs/", views.repair_centre, name="repairs"),
    path("repairs/new/", views.repair_intake, name="repair_intake"),
    path("repairs/<int:pk>/move/", views.repair_move, name="repair_move"),
    path("workshop/", workshop_views.workshop_page, name="workshop"),
    path("workshop/settings/", workshop_views.workshop_settings, name="workshop_settings"),
    path("workshop/new/", workshop_views.appointment_new, name="appointment_new"),
    path("workshop/<int:pk>/move/", workshop_views.appointment_move, name="appointment_move"),
    path(
        "workshop/<int:pk>/progress/",
        workshop_views.appointment_progress,
        name="appointment_progress",
    ),
    path("workshop/activities/", workshop_views.activity_new, name="activity_new"),
    *(
        path(f"lessons/<int:pk>/{action}/", views.lesson_action, {"action": action}, name=action)
        for action in ACTIONS
    ),
]
