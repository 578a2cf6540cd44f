"""Signed-in pages, mounted at /messaging/."""

from django.urls import path

from kefu.channels.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.outbox_page, name="outbox"),
    path("inbound/", views.inbound_page, name="inbound"),
]
