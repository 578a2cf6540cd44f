"""A target names the figure it reads (decision §9.12): the CSI target becomes optional, and a
property line's stored 96 % that the old form pre-filled as a CSI moves to the satisfied rate
(业主满意率 ≥ 96 % is a share of satisfied owners)."""

from decimal import Decimal

from django.db import migrations, models


def property_96_is_a_satisfied_rate(apps, schema_editor):
    SurveyTarget = apps.get_model("surveys", "SurveyTarget")
    SurveyTarget.objects.filter(
        business_line__industry="property", csi=Decimal("96"), satisfied__isnull=True
    ).update(csi=None, satisfied=Decimal("96"))


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_questionnaires_invitations_answers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="surveytarget",
            name="csi",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=5, null=True, verbose_name="CSI target (%)"
            ),
        ),
        migrations.RunPython(property_96_is_a_satisfied_rate, migrations.RunPython.noop),
    ]
