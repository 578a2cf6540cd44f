"""Full-text index over ShiftLogEntry.search_text: FTS5 on SQLite, GIN on PostgreSQL (core.search)."""

from django.db import migrations


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS shiftlogs_shiftlogentry_fts "
            "USING fts5(body, tokenize='unicode61')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS shiftlog_search_gin ON shiftlogs_shiftlogentry "
            "USING gin (to_tsvector('simple', search_text))"
        )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS shiftlogs_shiftlogentry_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS shiftlog_search_gin")


class Migration(migrations.Migration):
    dependencies = [("shiftlogs", "0001_shift_logs")]
    operations = [migrations.RunPython(forward, backward)]
