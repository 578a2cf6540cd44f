"""Functions run inside a LiveServer's environment (``python live_helpers.py NAME JSON``), as
``LiveServer.call`` does for tests/hardening/live_server.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve()


def call(live, function: str, **kwargs):
    done = subprocess.run(
        [sys.executable, str(HERE), function, json.dumps(kwargs)],
        env=live.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{function} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def seed_line(**_):
    """One business line (no users: nothing to hash)."""
    from kefu.accounts.services import business_line_create

    line = business_line_create(name="网店", code="shop", industry="ecommerce")
    return {"line": line.pk}


def publish(*, line: int, count: int, **_):
    """``count`` customer.created events of ``line`` in one transaction (one job after it)."""
    from collections import defaultdict

    from django.db import transaction

    from kefu.core import events
    from kefu.integrations import outbox

    # made-up customers: only the webhooks' subscriber runs (others would look them up)
    events._in_transaction = defaultdict(list, {events.ANY: [outbox.write_deliveries]})
    events._after_commit = defaultdict(list)

    with transaction.atomic():
        uids = [
            str(
                events.publish(
                    "customer.created",
                    object_id=i,
                    business_line_id=line,
                    payload={"name": f"c{i}"},
                ).uid
            )
            for i in range(count)
        ]
    return {"uids": uids}


def statuses(**_):
    from django.db.models import Count

    from kefu.integrations.models import WebhookDelivery

    rows = WebhookDelivery.objects.values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    name, raw = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    print(json.dumps(globals()[name](**json.loads(raw)), default=str))
