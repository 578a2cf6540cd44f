"""Segmentation is the same in every process (issue 15): the business dictionary lives in the
database, each process checks its signature before it cuts text, and text indexed before a
change is cut again. Before, words added in one process were unknown to the others, so the same
search gave 0, then 25, then 1 row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import dbtemplate
import pytest
from django.db import transaction

from kefu.core import search
from kefu.knowledge import services as kb
from kefu.knowledge.models import DictionaryWord

TEXT = "顾客申请七天无理由退货被拒"
WORD = "七天无理由"

WORKER = textwrap.dedent(
    """
    import json, os, sys
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from huey.contrib.djhuey import HUEY
    HUEY.immediate = True  # this process plays the worker too: jobs run at once
    from kefu.accounts.models import User
    from kefu.core import search
    from kefu.tickets.filters import TicketFilters
    from kefu.tickets.selectors import ticket_list_for

    def run(cmd, arg):
        admin = User.objects.filter(username="admin").first()
        if cmd == "seg":
            return search.tokens(arg)
        if cmd == "word":
            from kefu.knowledge.services import dictionary_word_add
            dictionary_word_add(actor=admin, word=arg)
            return search.tokens(%(text)r)
        if cmd == "synonyms":
            from kefu.knowledge.services import synonym_group_save
            synonym_group_save(actor=admin, terms=arg)
            return search.tokens(%(text)r)
        if cmd == "find":
            qs = ticket_list_for(user=admin, filters=TicketFilters(q=arg))
            return sorted(t.number for t in qs)
        if cmd == "seed":
            from kefu.accounts import services as acc
            from kefu.tickets.services import ticket_create_for_caller
            line = acc.business_line_create(name="网店", code="shop", industry="ecommerce")
            admin = acc.user_create(username="admin", password="Kefu-demo-2026", role="admin")
            from kefu.accounts.models import Team
            team = Team.objects.filter(business_line=line).order_by("id").first()
            for title in (%(text)r, "七天内发货", "无理由投诉"):
                ticket_create_for_caller(
                    actor=admin, title=title, type="consult", channel="phone",
                    customer_phone="13800138000", customer_name="张三",
                    team=team.pk,
                )
            return "ok"
        raise SystemExit(f"unknown {cmd}")

    if len(sys.argv) > 1:
        print(json.dumps(run(sys.argv[1], sys.argv[2])), flush=True)
    else:
        for line in sys.stdin:
            cmd, _, arg = line.rstrip("\\n").partition(" ")
            print(json.dumps(run(cmd, arg)), flush=True)
    """
) % {"text": TEXT}


# -- in one process -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_word_saved_by_anyone_is_used_at_the_next_cut_and_removing_it_restores_the_cut():
    before = search.tokens(TEXT)
    assert WORD not in before
    # when another process saves the word (no call in this process tells it)
    DictionaryWord.objects.create(word=WORD)
    # then this process cuts with it at once
    assert WORD in search.tokens(TEXT)
    # and without it again exactly as before (the cut depends on the words, not on history)
    DictionaryWord.objects.filter(word=WORD).delete()
    assert search.tokens(TEXT) == before


@pytest.mark.django_db(transaction=True)
def test_adding_a_word_cuts_the_stored_tickets_again(admin_user, org, agent):
    from kefu.tickets.filters import TicketFilters
    from kefu.tickets.selectors import ticket_list_for
    from kefu.tickets.services import ticket_create_for_caller

    ticket = ticket_create_for_caller(
        actor=agent,
        title=TEXT,
        type="consult",
        channel="phone",
        customer_phone="13800138000",
        customer_name="张三",
    )
    other = ticket_create_for_caller(
        actor=agent,
        title="发票问题",
        type="consult",
        channel="phone",
        customer_phone="13800138001",
        customer_name="李四",
    )
    with transaction.atomic():
        kb.dictionary_word_add(actor=admin_user, word=WORD)
    ticket.refresh_from_db()
    other.refresh_from_db()
    assert WORD in ticket.search_text.split()
    found = ticket_list_for(user=admin_user, filters=TicketFilters(q=WORD))
    assert [t.pk for t in found] == [ticket.pk]


# -- across processes -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("search-determinism")
    dbtemplate.copy_sqlite(path / "kefu.sqlite3")
    (path / "worker.py").write_text(WORKER)
    assert _once(path, "seed", "") == "ok"
    return path


def _env(path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "KEFU_TESTING", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(KEFU_DATA_DIR=str(path), KEFU_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    return env


def _once(path, cmd: str, arg: str):
    done = subprocess.run(
        [sys.executable, str(path / "worker.py"), cmd, arg],
        env=_env(path),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


class Worker:
    """A process that stays up (like a gunicorn worker) and answers one command per line."""

    def __init__(self, path):
        self.proc = subprocess.Popen(
            [sys.executable, str(path / "worker.py")],
            env=_env(path),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, cmd: str, arg: str):
        self.proc.stdin.write(f"{cmd} {arg}\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.mark.slow
def test_two_processes_cut_and_find_alike_after_a_word_and_a_synonym_are_added(data_dir):
    web = Worker(data_dir)
    try:
        # given a process that has already cut text and searched
        before = web.ask("seg", TEXT)
        assert WORD not in before
        assert web.ask("find", WORD) == _once(data_dir, "find", WORD)
        # when another process adds the word (and its job cuts the stored tickets again)
        after = _once(data_dir, "word", WORD)
        assert WORD in after
        # then the running process and a fresh one cut the text as it does
        assert web.ask("seg", TEXT) == after
        assert _once(data_dir, "seg", TEXT) == after
        # and find the same rows: the ticket that says it
        rows = web.ask("find", WORD)
        assert len(rows) == 1
        assert _once(data_dir, "find", WORD) == rows
        # when a synonym group is added in another process
        cut = _once(data_dir, "synonyms", "退货被拒, 拒绝退货")
        # then the running process cuts and searches alike, right away
        assert web.ask("seg", TEXT) == cut
        assert web.ask("find", "退货被拒") == _once(data_dir, "find", "退货被拒")
        assert len(web.ask("find", "退货被拒")) == 1
    finally:
        web.close()
