"""Operations shared by the apps' migrations."""

from __future__ import annotations

from django.db import migrations


def drop_field_indexes(app_label: str, fields: list[tuple[str, str]], alters: list):
    """``alters`` (AlterField to ``db_index=False``) as state, and in the database a DROP INDEX of
    each field's own index only. On SQLite Django would carry an AlterField out by copying the
    whole table (a million tickets) to drop one index; the index names are Django's own."""

    def names(apps, schema_editor):
        for model_name, field_name in fields:
            meta = apps.get_model(app_label, model_name)._meta
            column = meta.get_field(field_name).column
            name = schema_editor._create_index_name(meta.db_table, [column], suffix="")
            yield schema_editor.quote_name(name), schema_editor.quote_name(meta.db_table), column

    def forward(apps, schema_editor):
        for name, _table, _column in names(apps, schema_editor):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    def backward(apps, schema_editor):
        quote = schema_editor.quote_name
        for name, table, column in names(apps, schema_editor):
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({quote(column)})")

    return migrations.SeparateDatabaseAndState(
        database_operations=[migrations.RunPython(forward, backward)],
        state_operations=alters,
    )
