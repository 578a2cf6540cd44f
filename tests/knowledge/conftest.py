from __future__ import annotations

import pytest

from kefu.knowledge import search
from kefu.knowledge.seed import seed_demo_knowledge


@pytest.fixture(autouse=True)
def _fresh_dictionary():
    """Each test has its own database: reload the dictionary and synonyms from it."""
    search.forget_dictionary()
    yield
    search.forget_dictionary()


@pytest.fixture
def kb(org):
    """The demo knowledge base in the shop, property and 4S lines."""
    for line in (org.shop, org.property, org.auto):
        seed_demo_knowledge(line)
    return org
