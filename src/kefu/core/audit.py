"""``record`` is the one way to write the audit log (every change to tickets, customers, scores)."""

from __future__ import annotations

from typing import Any

from django.db import models

from kefu.core.db import insert_rows
from kefu.core.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    business_line_id: int | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one audit event; call inside the service's transaction."""
    if business_line_id is None and obj is not None:
        business_line_id = getattr(obj, "business_line_id", None)
    event = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        business_line_id=business_line_id,
        changes=_jsonable(changes or {}),
        ip=ip,
    )
    return insert_rows([event])[0]


def record_many(*, actor, action: str, items: list[tuple[models.Model, dict]]) -> None:
    """Append one audit event per (object, changes) in one INSERT (a batch written together,
    e.g. the outbox's bulk send); call inside the service's transaction."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor if getattr(actor, "pk", None) else None,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                business_line_id=getattr(obj, "business_line_id", None),
                changes=_jsonable(changes or {}),
            )
            for obj, changes in items
        ],
        batch_size=500,
    )


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        k: [_jsonable(before.get(k)), _jsonable(v)] for k, v in after.items() if before.get(k) != v
    }
