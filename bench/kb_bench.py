"""Knowledge search benchmark: quality (recall@5, MRR) and latency at scale.

    .venv/bin/python bench/kb_bench.py quality            # labelled queries → recall@5, MRR
    .venv/bin/python bench/kb_bench.py latency --articles 100000

Both modes build a scratch database in their own KEFU_DATA_DIR (a new temporary directory unless
--data-dir is given), load the demo knowledge base (kefu.knowledge.seed.seed_demo_knowledge) into
the shop (code shop), property (wy) and 4S (auto) lines, and print JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "kb_queries.json"
LINES = [("网店", "shop", "ecommerce"), ("物业", "wy", "property"), ("4S店", "auto", "auto")]


def setup(data_dir: str | None) -> str:
    data_dir = data_dir or tempfile.mkdtemp(prefix="kefu-kb-bench-")
    os.environ["KEFU_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return data_dir


def seed_lines() -> dict:
    from kefu.accounts.models import BusinessLine
    from kefu.accounts.services import business_line_create
    from kefu.knowledge.seed import seed_demo_knowledge

    lines = {}
    for name, code, industry in LINES:
        line = BusinessLine.objects.filter(code=code).first()
        if line is None:
            line = business_line_create(name=name, code=code, industry=industry)
        seed_demo_knowledge(line)
        lines[code] = line
    return lines


def quality(args) -> dict:
    data_dir = setup(args.data_dir)
    lines = seed_lines()
    from kefu.knowledge import search
    from kefu.knowledge.models import Article

    slugs = dict(Article.objects.values_list("id", "slug"))
    queries = json.loads(QUERIES.read_text())["queries"]
    hits5, rr, misses = 0, 0.0, []
    for item in queries:
        found = search.search_articles(
            item["q"], line_ids=[lines[item["line"]].pk], statuses=["published"], limit=10
        )
        ranked = [slugs[h.id] for h in found]
        rank = next((i + 1 for i, s in enumerate(ranked) if s in item["expect"]), None)
        if rank is not None and rank <= 5:
            hits5 += 1
        rr += 1.0 / rank if rank else 0.0
        if rank is None or rank > 1:
            misses.append(
                {"q": item["q"], "expect": item["expect"], "rank": rank, "top": ranked[:3]}
            )
    n = len(queries)
    return {
        "mode": "quality",
        "queries": n,
        "articles": Article.objects.count(),
        "recall_at_5": round(hits5 / n, 3),
        "mrr": round(rr / n, 3),
        "not_first": misses if args.verbose else len(misses),
        "data_dir": data_dir,
    }


def _pseudo_words(rng: random.Random, n: int) -> list[str]:
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    return ["".join(rng.choice(chars) for _ in range(2)) for _ in range(n)]


def latency(args) -> dict:
    data_dir = setup(args.data_dir)
    lines = seed_lines()
    from django.db import connection, transaction

    from kefu.knowledge import demo_data, search
    from kefu.knowledge import textsearch as ts
    from kefu.knowledge.models import Article

    rng = random.Random(42)
    shop = lines["shop"]
    # A pool of real sentences, segmented once; synthetic articles combine them with product
    # names so posting lists are long (a pessimistic case for ranking cost).
    seed = demo_data.SHOP_ARTICLES + demo_data.PROPERTY_ARTICLES + demo_data.AUTO_ARTICLES
    pool = [
        (sentence + "。", ts.segment(sentence), " ".join(ts.bigrams(sentence)))
        for row in seed
        for sentence in row[4].replace("；", "。").split("。")
        if sentence.strip()
    ]
    titles = [(t[2], ts.segment(t[2]), " ".join(ts.bigrams(t[2]))) for t in seed]
    products = [(w, w, w) for w in _pseudo_words(rng, 5000)]
    existing = Article.objects.count()
    target = args.articles
    started = time.perf_counter()
    batch = 5000
    made = 0
    while made < target - existing:
        size = min(batch, target - existing - made)
        objs, parts = [], []
        for i in range(size):
            t = rng.choice(titles)
            p = rng.choice(products)
            body = [rng.choice(pool) for _ in range(rng.randint(3, 6))]
            title = f"{p[0]}{t[0]}"
            objs.append(
                Article(
                    business_line=shop,
                    slug=f"gen-{made + i}",
                    title=title,
                    body="".join(b[0] for b in body),
                    status="published",
                    audience="internal",
                )
            )
            tw = f"{p[1]} {t[1]}"
            bw = " ".join(b[1] for b in body)
            grams = " ".join([p[2], t[2], *(b[2] for b in body)])
            parts.append((tw, bw, grams))
        with transaction.atomic():
            Article.objects.bulk_create(objs, batch_size=1000)
            for a, (tw, bw, grams) in zip(objs, parts, strict=True):
                a.search_text, a.search_grams = f"{tw} {tw} {bw}", grams
            Article.objects.bulk_update(objs, ["search_text", "search_grams"], batch_size=1000)
            search.index_articles([(a.pk, *pt) for a, pt in zip(objs, parts, strict=True)])
        made += size
    build_seconds = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO knowledge_article_fts(knowledge_article_fts) VALUES('optimize')"
            )
            cur.execute("ANALYZE")
    queries = [q["q"] for q in json.loads(QUERIES.read_text())["queries"]]
    for q in queries[:5]:  # warm the page cache and jieba
        search.search_articles(q, line_ids=[shop.pk], statuses=["published"], limit=10)
    times = []
    for _round in range(args.rounds):
        for q in queries:
            t0 = time.perf_counter()
            search.search_articles(q, line_ids=[shop.pk], statuses=["published"], limit=10)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "mode": "latency",
        "database": connection.vendor,
        "articles": Article.objects.count(),
        "build_seconds": round(build_seconds, 1),
        "searches": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "max_ms": round(times[-1], 1),
        "data_dir": data_dir,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("quality", help="recall@5 and MRR of the labelled queries")
    p.add_argument("--data-dir")
    p.add_argument("--verbose", action="store_true", help="list queries not ranked first")
    p = sub.add_parser("latency", help="p50/p95 search latency at N articles")
    p.add_argument("--data-dir", help="reuse a directory (articles already there are kept)")
    p.add_argument("--articles", type=int, default=100_000)
    p.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parent / "src"))
    result = quality(args) if args.mode == "quality" else latency(args)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
