from django.urls import path

from kefu.commerce import views

app_name = "commerce"
urlpatterns = [
    path("", views.index, name="index"),
    path("reminders/phone/", views.phone_list, name="phone"),
    path("reminders/<int:pk>/outcome/", views.reminder_outcome, name="outcome"),
    path("returns/", views.return_list, name="returns"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("returns/<int:pk>/step/", views.return_step, name="return_step"),
    path("refunds/", views.refund_list, name="refunds"),
    path("refunds/<int:pk>/decide/", views.refund_decide, name="refund_decide"),
]
