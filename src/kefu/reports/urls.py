from django.urls import path

from kefu.reports import capability_reports
from kefu.reports import capability_views as capability
from kefu.reports import periodic_views as periodic
from kefu.reports import statement_views as views

app_name = "reports"

urlpatterns = [
    path("monthly/", views.monthly, name="monthly"),
    path("monthly/drill/", views.drill, name="drill"),
    path("monthly/statement.xlsx", views.export_xlsx, name="export_xlsx"),
    path("monthly/statement.pdf", views.export_pdf, name="export_pdf"),
    path("monthly/sign/", views.sign, name="sign"),
    path("bases/", views.bases, name="bases"),
    path("daily/", periodic.daily_close, name="daily"),
    path("daily/drill/", periodic.daily_drill, name="daily_drill"),
    path("weekly/", periodic.weekly_report, name="weekly"),
    path("weekly/feedback/", periodic.feedback_write, name="feedback_write"),
    path("weekly/meeting/", periodic.meeting, name="meeting"),
    path("weekly/letters/", periodic.letters, name="letters"),
    path("yearly/", periodic.yearly_report, name="yearly"),
    path("yearly/sign/", periodic.year_sign, name="year_sign"),
    *(
        path(
            f"{kind}/report.{fmt}",
            periodic.export,
            {"kind": kind, "fmt": fmt},
            name=f"{kind}_{fmt}",
        )
        for kind in ("daily", "weekly", "yearly")
        for fmt in ("xlsx", "pdf")
    ),
    *(
        path(f"{kind}/", capability.report_page, {"kind": kind}, name=kind)
        for kind in capability_reports.KINDS
    ),
    *(
        path(
            f"{kind}/report.{fmt}",
            capability.report_export,
            {"kind": kind, "fmt": fmt},
            name=f"{kind}_{fmt}",
        )
        for kind in capability_reports.KINDS
        for fmt in ("xlsx", "pdf")
    ),
]

from kefu.reports import cockpit_views  # noqa: E402  (the cockpit, issue 22 §1)

urlpatterns += [
    path("cockpit/", cockpit_views.page, name="cockpit"),
    path("cockpit/panel/", cockpit_views.panel, name="cockpit_panel"),
    path("cockpit/drill/", cockpit_views.drill, name="cockpit_drill"),
]

from kefu.reports import target_views  # noqa: E402  (targets, issue 22 §5)

urlpatterns += [path("targets/", target_views.page, name="targets")]

from kefu.reports import builder_views  # noqa: E402  (the report builder, issue 22 §6)

urlpatterns += [
    path("builder/", builder_views.page, name="builder"),
    path("builder/drill/", builder_views.drill, name="builder_drill"),
    path("builder/report.xlsx", builder_views.export_xlsx, name="builder_xlsx"),
    path("builder/save/", builder_views.save, name="builder_save"),
    path("builder/saved/", builder_views.saved, name="builder_saved"),
    path("builder/saved/<int:pk>/update/", builder_views.update, name="builder_update"),
    path("builder/saved/<int:pk>/delete/", builder_views.delete, name="builder_delete"),
    path("builder/saved/<int:pk>/subscribe/", builder_views.subscribe, name="builder_subscribe"),
    path(
        "builder/subscriptions/<int:pk>/delete/",
        builder_views.unsubscribe,
        name="builder_unsubscribe",
    ),
    path("builder/deliveries/", builder_views.deliveries, name="builder_deliveries"),
]

from kefu.reports import quality_report_views  # noqa: E402  (the quality reports, issue 22 §4)

urlpatterns += [
    *(
        path(f"{kind}/", quality_report_views.report_page, {"kind": kind}, name=kind)
        for kind in ("penalties", "notice", "service_quality")
    ),
    *(
        path(
            f"{kind}/report.{fmt}",
            quality_report_views.report_export,
            {"kind": kind, "fmt": fmt},
            name=f"{kind}_{fmt}",
        )
        for kind in ("penalties", "notice", "service_quality")
        for fmt in ("xlsx", "pdf")
    ),
]
