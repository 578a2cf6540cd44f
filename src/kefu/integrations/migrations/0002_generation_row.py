"""The one row of the subscription generation counter exists from the start, so the first two
subscriptions saved at the same moment never race to create it."""

from django.db import migrations


def create_row(apps, schema_editor):
    apps.get_model("integrations", "SubscriptionGeneration").objects.get_or_create(
        pk=1, defaults={"value": 0}
    )


class Migration(migrations.Migration):
    dependencies = [("integrations", "0001_initial")]

    operations = [migrations.RunPython(create_row, migrations.RunPython.noop)]
