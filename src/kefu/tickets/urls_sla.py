"""Pages of service levels, routing, responsible units, tasks and notifications.

Included in ``kefu/urls.py`` with ``path("sla/", include("kefu.tickets.urls_sla"))``."""

from django.urls import path

from kefu.tickets import views_sla

app_name = "sla"
urlpatterns = [
    path("policies/", views_sla.policy_list, name="policies"),
    path("policies/new/", views_sla.policy_save, name="policy_create"),
    path("policies/seed/", views_sla.policy_seed, name="policy_seed"),
    path("policies/<int:pk>/", views_sla.policy_save, name="policy_update"),
    path("routing/", views_sla.routing_page, name="routing"),
    path("routing/rules/new/", views_sla.rule_create, name="rule_create"),
    path("routing/rules/<int:pk>/toggle/", views_sla.rule_toggle, name="rule_toggle"),
    path("routing/teams/<int:team_pk>/", views_sla.team_strategy, name="team_strategy"),
    path("units/", views_sla.unit_list, name="units"),
    path("units/new/", views_sla.unit_create, name="unit_create"),
    path("tasks/", views_sla.task_list, name="tasks"),
    path("tasks/<int:pk>/done/", views_sla.task_done, name="task_done"),
    path("notifications/", views_sla.notification_list, name="notifications"),
    path("notifications/read/", views_sla.notification_read, name="notification_read"),
    path("tickets/<int:pk>/stage/", views_sla.ticket_stage, name="ticket_stage"),
    path("tickets/<int:pk>/promise/", views_sla.ticket_promise, name="ticket_promise"),
    path("tickets/<int:pk>/handoff/", views_sla.ticket_handoff, name="ticket_handoff"),
    path("handoffs/<int:pk>/done/", views_sla.handoff_done, name="handoff_done"),
]

urlpatterns += [
    path("notifications/settings/", views_sla.notify_settings, name="notify_settings"),
]
