from django.urls import path

from kefu.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export/", views.customer_export, name="export"),
    path("import/", views.customer_import, name="import"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/reveal/", views.customer_reveal, name="reveal"),
    path("<int:pk>/notes/", views.note_create, name="note_create"),
    path("<int:pk>/merge/", views.customer_merge, name="merge"),
    path("<int:pk>/assets/<slug:kind>/", views.asset_create, name="asset_create"),
    path(
        "<int:pk>/vehicles/<int:vehicle_pk>/service/",
        views.service_record_create,
        name="service_record_create",
    ),
]
