"""RPT-11's analyses (employee, product/type, campaign/channel, customer tier, service,
responsible unit) as built-in shared reports of the report builder."""

from django.db import migrations

# a copy of builder_defs.BUILTINS as of this migration (later changes to the code do not
# rewrite history; ``builder_services.ensure_builtins`` adds new ones)
BUILTINS = (
    ("employee", "Employee analysis", ["agent"], ["count", "frt_median", "res_median", "fr_sla_pct", "csi"], {"days": 30}, "bar"),
    ("product", "Product and ticket type analysis", ["category", "type"], ["count", "res_median", "satisfied"], {"days": 30}, "bar"),
    ("campaign", "Campaign and channel analysis", ["channel", "month"], ["count", "fr_sla_pct"], {"days": 90}, "bar"),
    ("customer", "Customer tier analysis", ["tier"], ["count", "res_avg", "csi", "satisfied"], {"days": 90}, "bar"),
    (
        "service",
        "Service analysis",
        ["week"],
        ["count", "frt_median", "frt_p90", "res_median", "res_p90", "fr_sla_pct", "res_sla_pct"],
        {"days": 90},
        "line",
    ),
    ("unit", "Responsible unit analysis", ["unit"], ["count", "res_median", "res_p90"], {"days": 90, "type": "complaint"}, "bar"),
)


def add(apps, schema_editor):
    SavedReport = apps.get_model("reports", "SavedReport")
    for code, name, dims, measures, filters, chart in BUILTINS:
        SavedReport.objects.get_or_create(
            builtin=code,
            defaults={
                "name": name,
                "visibility": "shared",
                "definition": {
                    "dimensions": dims,
                    "measures": measures,
                    "filters": filters,
                    "chart": chart,
                },
            },
        )


def remove(apps, schema_editor):
    apps.get_model("reports", "SavedReport").objects.exclude(builtin="").delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_builder")]
    operations = [migrations.RunPython(add, remove)]
