"""``kefu kb …``: import/export articles as .xlsx, search, seed the demo knowledge, reindex.

Django models are imported inside the commands: django.setup() runs after parsing.
"""

from __future__ import annotations


def _ensure_migrated() -> None:
    """Bring the database up to date first (import must work on a fresh data dir)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)


def _line(value: str | None, *, create: bool):
    """The business line named by id or code; without one the first line (created if the
    database has none and ``create``)."""
    from kefu.accounts.models import BusinessLine
    from kefu.cli import UsageError

    if value:
        line = None
        if value.isdigit():
            line = BusinessLine.objects.filter(pk=int(value)).first()
        line = line or BusinessLine.objects.filter(code=value).first()
        if line is None:
            raise UsageError(f"no such business line: {value}")
        return line
    line = BusinessLine.objects.order_by("id").first()
    if line is None and create:
        from kefu.accounts.services import business_line_create

        line = business_line_create(name="默认业务线", code="default", industry="ecommerce")
    return line


def read_sheet(path) -> list[tuple]:
    """Rows (tuples of cell values) of the first sheet of an .xlsx file."""
    import zipfile

    from openpyxl import load_workbook

    from kefu.cli import UsageError

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UsageError(f"not an .xlsx workbook: {path} ({exc})") from None
    try:
        return [tuple(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def cmd_import(args) -> int:
    from kefu.knowledge.services import articles_import, parse_article_rows

    rows = read_sheet(args.file)
    _ensure_migrated()
    items = parse_article_rows(rows)
    line = _line(args.business_line, create=True)
    result = articles_import(actor=None, business_line=line, items=items)
    if args.json:
        from kefu.cli import print_json

        print_json({"business_line": line.pk, **result})
    else:
        print(
            f"Imported {result['created']} new and {result['updated']} updated article(s) "
            f"into business line {line.pk} ({line.name})."
        )
    return 0


def cmd_search(args) -> int:
    from kefu.cli import UsageError, print_json
    from kefu.knowledge import search

    if args.limit < 1 or args.limit > 100:
        raise UsageError("--limit must be between 1 and 100")
    _ensure_migrated()
    lines = None
    if args.business_line:
        lines = [_line(args.business_line, create=False).pk]
    hits = search.search_articles(
        args.query, line_ids=lines, statuses=["published"], limit=args.limit
    )
    results = [{"id": h.id, "title": h.title, "score": h.score, "snippet": h.snippet} for h in hits]
    if args.json:
        print_json({"results": results})
    else:
        for h in hits:
            plain = "".join(piece for piece, _hit in h.parts)
            print(f"{h.id}\t{h.score}\t{h.title}\t{plain}")
        if not hits:
            print("No articles match.")
    return 0


def cmd_export(args) -> int:
    from kefu.knowledge.xlsx import export_articles, export_phrases

    _ensure_migrated()
    line = _line(args.business_line, create=False)
    if line is None:
        from kefu.cli import UsageError

        raise UsageError("there is no business line to export")
    data = export_phrases(line) if args.phrases else export_articles(line)
    with open(args.file, "wb") as fh:
        fh.write(data)
    print(f"Wrote {args.file}.")
    return 0


def cmd_seed(args) -> int:
    from kefu.knowledge.seed import seed_demo_knowledge

    _ensure_migrated()
    line = _line(args.business_line, create=True)
    result = seed_demo_knowledge(line)
    print(f"Seeded the demo knowledge into {line.name}: {result}")
    return 0


def cmd_reindex(args) -> int:
    from kefu.knowledge.services import search_reindex

    _ensure_migrated()
    print(f"Reindexed {search_reindex()} article(s).")
    return 0


def register(sub) -> None:
    kb = sub.add_parser("kb", help="knowledge base: import, export, search")
    kbsub = kb.add_subparsers(dest="kb_command", required=True, metavar="KB_COMMAND")

    p = kbsub.add_parser("import", help="import articles from .xlsx (标题, 内容, 分类, 标签)")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--business-line", metavar="ID", help="id or code (default: the first)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = kbsub.add_parser("search", help="search published articles, best first")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--business-line", metavar="ID", help="id or code (default: every line)")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = kbsub.add_parser("export", help="export articles (or --phrases) to .xlsx")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--business-line", metavar="ID")
    p.add_argument("--phrases", action="store_true", help="export quick replies instead")
    p.set_defaults(func=cmd_export)

    p = kbsub.add_parser("seed", help="load the demo knowledge base into a business line")
    p.add_argument("--business-line", metavar="ID")
    p.set_defaults(func=cmd_seed)

    p = kbsub.add_parser("reindex", help="rebuild the search index (after dictionary edits)")
    p.set_defaults(func=cmd_reindex)
