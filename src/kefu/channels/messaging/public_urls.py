"""The public web form (no sign-in), mounted at /contact/."""

from django.urls import path

from kefu.channels.messaging import views

app_name = "contact"
urlpatterns = [
    path("status/<str:token>/", views.contact_status, name="status"),
    path("<slug:line>/", views.contact, name="form"),
]
