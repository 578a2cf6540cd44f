import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
application = get_wsgi_application()


def _warm() -> None:
    """Import every view module and load the word dictionary now (about 3 s), so that no
    worker makes its first visitor wait for them; ``kefu serve`` preloads this once for all
    workers. No connection opened here may be shared by the forked workers."""
    import jieba
    from django.db import connections
    from django.urls import get_resolver

    from kefu.core import search

    get_resolver().url_patterns  # noqa: B018 (the import is the point)
    jieba.initialize()
    try:
        search.ensure_dictionary()  # the business words too (each use checks them again)
    except Exception:  # a database not ready yet: the first use loads them
        search.forget_dictionary()
    connections.close_all()


_warm()
