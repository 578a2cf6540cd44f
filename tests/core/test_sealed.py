"""Webhook signing secrets are sealed at rest: the database holds ciphertext, the worker reads
the secret back, a row written before sealing is still read, and a foreign key refuses loudly."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from kefu.core import sealed
from kefu.integrations.models import WebhookSubscription
from kefu.integrations.services import subscription_create

SECRET = "whsec_kept-out-of-the-database-0123"


def _stored(pk: int) -> str:
    table = WebhookSubscription._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_database_holds_no_secret_in_plain_text(org, manager):
    sub = subscription_create(
        actor=manager,
        business_line=org.shop,
        url="https://crm.example.com/hook",
        events=["ticket.created"],
        secret=SECRET,
    )

    stored = _stored(sub.pk)
    assert stored.startswith(sealed.PREFIX)
    assert SECRET not in stored
    assert WebhookSubscription.objects.get(pk=sub.pk).secret == SECRET


def test_a_row_written_before_sealing_is_read_as_it_was(org, manager):
    sub = subscription_create(
        actor=manager,
        business_line=org.shop,
        url="https://crm.example.com/hook",
        events=["ticket.created"],
        secret=SECRET,
    )
    table = WebhookSubscription._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", ["plain-old", sub.pk])

    assert WebhookSubscription.objects.get(pk=sub.pk).secret == "plain-old"


def test_a_secret_sealed_under_another_key_is_refused_not_used(settings):
    stored = sealed.seal(SECRET)
    settings.SECRET_KEY = "another-installation-" + "x" * 40

    with pytest.raises(ImproperlyConfigured):
        sealed.unseal(stored)
