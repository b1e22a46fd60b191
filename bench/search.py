"""Benchmark: Chinese search — indexing 1,000 pages and query times, with jieba segmentation.

Run: `.venv/bin/python bench/search.py` (SQLite file under var/bench-search/) or with
DATABASE_URL=postgres://.../portal_search_bench (the database must exist). Not part of `make test`.
Prints: jieba start-up, segmentation rate, signal-driven indexing of 1,000 new pages, a bulk
re-index of them (what `update_index` does), and the median time of several queries. On SQLite
each query is timed twice in the same run, interleaved: "before" with Wagtail's own SQLite search
method (a scoring subquery per hit), "after" with core.search.sqlite's single full-text query.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
os.environ.setdefault("PORTAL_VAR_DIR", str(ROOT / "var" / "bench-search"))

PAGES = int(os.environ.get("BENCH_PAGES", "1000"))
RUNS = 15

SUBJECTS = ["社区", "街道", "党支部", "党小组", "志愿者", "网格员", "退役军人", "老党员", "居民", "共建单位"]
ACTIONS = [
    "志愿服务活动",
    "党建工作",
    "学习教育",
    "主题党日",
    "三会一课",
    "垃圾分类宣传",
    "防汛演练",
    "文明创建",
]
KINDS = ["通知", "简报", "总结", "安排", "倡议书", "公示"]
SENTENCES = [
    "为深入学习贯彻党的二十大精神，进一步加强基层党组织建设，",
    "各党支部要高度重视，认真组织党员参加，做好签到和记录工作。",
    "活动期间请注意安全，服从现场工作人员安排，文明有序参与。",
    "欢迎广大居民群众积极报名参加志愿服务，共建美好家园。",
    "请各社区于本周五前将参加人员名单报街道党工委办公室。",
]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _stock_scoring(backend):
    """The same backend with Wagtail's SQLite search method (a score subquery per hit): "before"."""
    import copy

    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchQueryCompiler

    class StockScoring(type(backend).query_compiler_class):
        search = SQLiteSearchQueryCompiler.search

    before = copy.copy(backend)
    before.query_compiler_class = StockScoring
    return before


def main() -> None:
    t0 = time.perf_counter()
    import jieba

    jieba.initialize()
    print(f"jieba start-up (dictionary load): {time.perf_counter() - t0:.2f} s")

    import django

    django.setup()
    import logging

    for name in ("wagtail", "django_tasks", "modelsearch"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    from core.search.segment import index_text
    from portal.models import OrgChartPage

    call_command("migrate", verbosity=0)
    backend = get_search_backend()
    print(f"database: {connection.vendor}, backend: {type(backend).__name__}, pages: {PAGES}")

    rng = random.Random(6)
    texts = []
    for _ in range(PAGES):
        title = f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}{rng.choice(KINDS)}"
        body = "".join(rng.choice(SENTENCES) for _ in range(8))
        texts.append((title, f"<p>{body}</p>"))

    chars = sum(len(t) + len(b) for t, b in texts)
    seconds = timed(lambda: [index_text(t) + index_text(b) for t, b in texts])
    print(
        f"segmentation alone: {chars:,} characters in {seconds:.2f} s ({chars / seconds / 1000:.0f}k chars/s)"
    )

    OrgChartPage.objects.filter(slug__startswith="bench-").delete()
    parent = Page.get_first_root_node()

    def create():
        with transaction.atomic():
            for i, (title, body) in enumerate(texts):
                parent.add_child(instance=OrgChartPage(title=title, slug=f"bench-{i}", intro=body))

    seconds = timed(create)
    per_page = seconds / PAGES * 1000
    print(f"create {PAGES} pages, each indexed on save: {seconds:.1f} s ({per_page:.1f} ms/page)")

    pages = list(OrgChartPage.objects.filter(slug__startswith="bench-"))
    seconds = timed(lambda: backend.add_bulk(OrgChartPage, pages))
    print(f"bulk re-index of {PAGES} pages (as update_index does): {seconds:.2f} s")

    queryset = Page.objects.live()
    backends = {"postgresql": backend}  # unchanged: no before/after to compare
    if connection.vendor == "sqlite":
        backends = {"before": _stock_scoring(backend), "after": backend}
    for query in ["志愿", "党建", "社区 志愿服务", "三会一课", "通知", "不存在的词语"]:
        queries = {}
        for each in backends.values():
            each.search(query, queryset)[:10].results()  # warm-up
        times = {name: [] for name in backends}
        for _ in range(RUNS):
            for name, each in backends.items():  # interleaved: both see the same machine load
                connection.queries_log.clear()  # capped at 9,000: full after creating the pages
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    results = list(each.search(query, queryset)[:10])
                    count = each.search(query, queryset).count()
                    times[name].append(time.perf_counter() - start)
                queries[name] = len(captured.captured_queries)
                assert (
                    all(query.split()[0] in (p.title + p.specific.intro) for p in results)
                    or query == "不存在的词语"
                )
        medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
        figures = ", ".join(f"{name} {medians[name]:.1f} ms ({queries[name]} queries)" for name in backends)
        ratio = f", before/after {medians['before'] / medians['after']:.1f}x" if "before" in medians else ""
        print(f"query {query!r}: {count} hits, first 10 + count (median): {figures}{ratio}")

    OrgChartPage.objects.filter(slug__startswith="bench-").delete()


if __name__ == "__main__":
    main()
