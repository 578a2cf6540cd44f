from django.urls import path

from kefu.booking import views

app_name = "booking"
ACTIONS = ("cancel", "leave", "decide", "attend", "no_show")
urlpatterns = [
    path("", views.index, name="index"),
    path("students/<int:pk>/", views.student, name="student"),
    path("students/<int:pk>/book/", views.book, name="book"),
    path("students/<int:pk>/hours/", views.hours, name="hours"),
    path("students/<int:pk>/requests/", views.request_add, name="request"),
    path("repairs/", views.repair_centre, name="repairs"),
    path("repairs/new/", views.repair_intake, name="repair_intake"),
    path("repairs/<int:pk>/move/", views.repair_move, name="repair_move"),
    *(
        path(f"lessons/<int:pk>/{action}/", views.lesson_action, {"action": action}, name=action)
        for action in ACTIONS
    ),
]
