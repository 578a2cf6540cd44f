from django.urls import path

from kefu.followups import views

app_name = "followups"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("callbacks/<int:pk>/outcome/", views.callback_outcome, name="outcome"),
    path("callbacks/<int:pk>/reveal/", views.callback_reveal, name="reveal"),
    path("callbacks/<int:pk>/solution/", views.issue_solution, name="issue_solution"),
    path("notices/<int:pk>/done/", views.notice_done, name="notice_done"),
    path("rates/", views.rates, name="rates"),
    path("rates/target/", views.rate_target, name="rate_target"),
    path("complaints/", views.complaints, name="complaints"),
    path("deputies/", views.deputies, name="deputies"),
    path("policies/", views.policies, name="policies"),
    path("registers/", views.registers, name="registers"),
    path("registers/calls.xlsx", views.register_export, {"register": "calls"}, name="export_calls"),
    path(
        "registers/letters.xlsx",
        views.register_export,
        {"register": "letters"},
        name="export_letters",
    ),
    path("tickets/<int:pk>/severe/", views.ticket_severe, name="ticket_severe"),
    path("tickets/<int:pk>/flag/", views.ticket_flag, name="ticket_flag"),
    path("tickets/<int:pk>/escalate/", views.ticket_escalate, name="ticket_escalate"),
    path("intake/", views.intake, name="intake"),
]

urlpatterns += [
    path("registers/calls/new/", views.register_call, name="register_call"),
    path("registers/letters/new/", views.register_letter, name="register_letter"),
    path("events/", views.events, name="events"),
]
