"""Background jobs of core (thin wrappers)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def resegment_job(words: list[str]) -> int:
    """Cut again the indexed text that contains ``words`` (after a dictionary change)."""
    from kefu.core.search import resegment_containing

    return resegment_containing(words)
