"""The daily close and the weekly report count tickets resolved in a day or a week and open at a
past close; without an index on when a ticket was resolved every ticket created before the close
was visited (3–8 s at 1,000,000 tickets, bench/README.md)."""

from django.db import migrations, models


def analyze(apps, schema_editor):
    # SQLite reads the new index across every business line (the command line's reports) by a
    # skip-scan only once its statistics know the few lines; PostgreSQL needs none for it
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE tickets_ticket")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_practice")]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["business_line", "resolved_at"], name="ticket_bl_resolved"),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
