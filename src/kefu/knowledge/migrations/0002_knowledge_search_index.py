"""Full-text indexes of the knowledge base: FTS5 tables on SQLite, GIN indexes on PostgreSQL.

Articles: columns title (segmented title and tags), body (segmented body and category) and grams
(character bigrams, the typo-tolerant fallback). Quick replies: one body column.
"""

from django.db import migrations

SQLITE = [
    (
        "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_article_fts "
        "USING fts5(title, body, grams, tokenize='unicode61')",
        "DROP TABLE IF EXISTS knowledge_article_fts",
    ),
    (
        "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_quickreply_fts "
        "USING fts5(body, tokenize='unicode61')",
        "DROP TABLE IF EXISTS knowledge_quickreply_fts",
    ),
]
POSTGRES = [
    (
        "CREATE INDEX IF NOT EXISTS kb_article_search_gin ON knowledge_article "
        "USING gin (to_tsvector('simple', search_text))",
        "DROP INDEX IF EXISTS kb_article_search_gin",
    ),
    (
        "CREATE INDEX IF NOT EXISTS kb_article_grams_gin ON knowledge_article "
        "USING gin (to_tsvector('simple', search_grams))",
        "DROP INDEX IF EXISTS kb_article_grams_gin",
    ),
    (
        "CREATE INDEX IF NOT EXISTS kb_quickreply_search_gin ON knowledge_quickreply "
        "USING gin (to_tsvector('simple', search_text))",
        "DROP INDEX IF EXISTS kb_quickreply_search_gin",
    ),
]


def _statements(vendor: str) -> list[tuple[str, str]]:
    return {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, [])


def forward(apps, schema_editor):
    for sql, _ in _statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    for _, sql in reversed(_statements(schema_editor.connection.vendor)):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_knowledge_base")]
    operations = [migrations.RunPython(forward, backward)]
