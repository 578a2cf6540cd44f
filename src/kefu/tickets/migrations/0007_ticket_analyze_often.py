"""PostgreSQL re-reads the ticket table's statistics after 2 % of its rows change instead of 10 %:
at 1,000,000 tickets, 40,000 new tickets of one agent left the planner believing that agent held
a few hundred open tickets, and his open-queue query sorted 21,881 whole rows on disk (34 ms,
0.2 ms after ANALYZE)."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE tickets_ticket SET (autovacuum_analyze_scale_factor = 0.02)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE tickets_ticket RESET (autovacuum_analyze_scale_factor)")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_ticket_search_vector")]
    operations = [migrations.RunPython(forward, backward)]
