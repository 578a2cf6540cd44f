from django.urls import path

from kefu.reports import statement_views as views

app_name = "reports"

urlpatterns = [
    path("monthly/", views.monthly, name="monthly"),
    path("monthly/drill/", views.drill, name="drill"),
    path("monthly/statement.xlsx", views.export_xlsx, name="export_xlsx"),
    path("monthly/statement.pdf", views.export_pdf, name="export_pdf"),
    path("monthly/sign/", views.sign, name="sign"),
    path("bases/", views.bases, name="bases"),
]
