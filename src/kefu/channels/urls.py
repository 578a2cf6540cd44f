"""Pages of the e-mail channel; included in ``kefu/urls.py`` under ``mail/``."""

from django.urls import path

from kefu.channels import views

app_name = "mail"
urlpatterns = [
    path("", views.mailbox_list, name="mailboxes"),
    path("new/", views.mailbox_create, name="mailbox_create"),
    path("<int:pk>/", views.mailbox_detail, name="mailbox"),
    path("tickets/<int:ticket_pk>/", views.ticket_mail, name="ticket_mail"),
    path("tickets/<int:ticket_pk>/<int:pk>.eml", views.inbound_raw, name="inbound_raw"),
]
