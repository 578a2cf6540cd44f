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

from kefu.reports import cockpit_views  # noqa: E402  (the cockpit, issue 22 §1)

urlpatterns += [
    path("cockpit/", cockpit_views.page, name="cockpit"),
    path("cockpit/panel/", cockpit_views.panel, name="cockpit_panel"),
    path("cockpit/drill/", cockpit_views.drill, name="cockpit_drill"),
]

from kefu.reports import target_views  # noqa: E402  (targets, issue 22 §5)

urlpatterns += [path("targets/", target_views.page, name="targets")]
