"""Signed-in pages, mounted at /messaging/."""

from django.urls import path

from kefu.channels.messaging import views, views_auto_texts, views_feed, views_im_accounts

app_name = "messaging"
urlpatterns = [
    path("", views.outbox_page, name="outbox"),
    path("inbound/", views.inbound_page, name="inbound"),
    path("im-accounts/", views_im_accounts.im_account_list, name="im_accounts"),
    path("auto-replies/", views_auto_texts.auto_text_list, name="auto_replies"),
    path("auto-replies/save/", views_auto_texts.auto_text_save, name="auto_reply_save"),
    path("auto-replies/peak/", views_auto_texts.peak_thresholds_save, name="peak_thresholds"),
    path("im-accounts/new/", views_im_accounts.im_account_create, name="im_account_create"),
    path("im-accounts/<int:pk>/", views_im_accounts.im_account_update, name="im_account_update"),
    path("complaint-feed/", views_feed.complaint_feed, name="complaint_feed"),
]
