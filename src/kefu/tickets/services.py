"""Every write to tickets: intake, updates with optimistic concurrency, status, transfer, messages."""

from __future__ import annotations

from django.db import transaction

from kefu.tickets.models import Category


@transaction.atomic
def category_tree_create(*, business_line, tree: dict[str, list[str]]) -> list[Category]:
    """Create a two-level category tree {parent: [children]} for a business line."""
    created = []
    for parent_name, children in tree.items():
        parent, _ = Category.objects.get_or_create(
            business_line=business_line, parent=None, name=parent_name
        )
        created.append(parent)
        for child in children:
            node, _ = Category.objects.get_or_create(
                business_line=business_line, parent=parent, name=child
            )
            created.append(node)
    return created
