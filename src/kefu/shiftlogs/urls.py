from django.urls import path

from kefu.shiftlogs import views
from kefu.shiftlogs.models import LogKind

app_name = "shiftlogs"
urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review, name="review"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/sign/", views.entry_sign, name="entry_sign"),
    path("entries/<int:pk>/addenda/", views.entry_addendum, name="entry_addendum"),
]
for kind in LogKind.values:
    urlpatterns += [
        path(f"{kind}/", views.log_list, {"kind": kind}, name=kind),
        path(f"{kind}/new/", views.log_create, {"kind": kind}, name=f"{kind}_new"),
        path(f"{kind}.xlsx", views.export, {"kind": kind}, name=f"{kind}_export"),
    ]
