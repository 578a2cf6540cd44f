"""Background jobs of the knowledge base (thin wrappers over services)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def reindex_knowledge(business_line_id: int | None = None) -> int:
    """Rebuild the search text after a dictionary or synonym change."""
    from kefu.knowledge.services import search_reindex

    return search_reindex(business_line_id=business_line_id)
