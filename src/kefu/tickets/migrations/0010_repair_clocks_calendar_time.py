"""「小修不过夜,大修不过三」 counts calendar time (decision §9.13): a property line's stored default
repair policies, as the old seed wrote them (business time, 大修 = 3 working days), become 小修 by
23:59:59 of the day reported and 大修 within 72 calendar hours. Policies a person changed since
(other targets, another time basis) are left as they are."""

from django.db import migrations


def calendar_time_repairs(apps, schema_editor):
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    lines = {"business_line__industry": "property", "business_time": True}
    SlaPolicy.objects.filter(
        name="repair:minor", resolution_days=0, resolution_minutes__isnull=True, **lines
    ).update(business_time=False)
    SlaPolicy.objects.filter(
        name="repair:major", resolution_days=3, resolution_minutes__isnull=True, **lines
    ).update(business_time=False, resolution_days=None, resolution_minutes=72 * 60)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_reply_delivery")]

    operations = [migrations.RunPython(calendar_time_repairs, migrations.RunPython.noop)]
