"""Background jobs of core (thin wrappers)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def resegment_job(words: list[str]) -> int:
    """Cut again the indexed text that contains ``words`` (after a dictionary change)."""
    from kefu.core.search import resegment_containing

    return resegment_containing(words)


@db_task()
def event_dispatch_job(event_id: int) -> int:
    """Run the after-commit subscribers of one domain event (core.events)."""
    from kefu.core.events import dispatch_after_commit

    return dispatch_after_commit(event_id)


@db_task()
def event_dispatch_many_job(event_ids: list[int]) -> int:
    """Run the after-commit subscribers of events published together (``publish_many``), in
    order, in one job: one enqueue per batch instead of one per event (2,000 enqueues took 10 s
    on the SQLite queue), the events read a thousand at a time, batch handlers called once with
    the list; each handler's failure is still logged."""
    from kefu.core.events import dispatch_after_commit_many

    return dispatch_after_commit_many(list(event_ids))
