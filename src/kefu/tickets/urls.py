from django.urls import path

from kefu.tickets import views, views_replies

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("intake/", views.ticket_intake, name="intake"),
    path("intake/customers/", views.intake_customer_search, name="intake_search"),
    path(
        "intake/customers/<int:customer_pk>/",
        views.intake_customer_panel,
        name="intake_customer",
    ),
    path("new/", views.ticket_new, name="new"),
    path("bulk/", views.ticket_bulk, name="bulk"),
    path("views/", views.saved_view_create, name="view_save"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="view_delete"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/assignees/", views.assignee_options, name="assignee_options"),
    path(
        "<int:pk>/replies/<int:message_pk>/retry/",
        views_replies.reply_retry,
        name="reply_retry",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    *(
        path(f"<int:pk>/{action}/", views.ticket_action, {"action": action}, name=action)
        for action in views.ACTIONS
    ),
]
