"""Profile one URL through the real WSGI handler (request signals included, so connection set-up
and teardown count as they do under gunicorn): time per request, queries, and a cProfile summary.

    PORTAL_VAR_DIR=var/webbench/s1 .venv/bin/python bench/profile_request.py / --user dangyuan

Uses bench.settings (DEBUG off). Not part of any test run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "bench-only-field-encryption-key")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--user", default="")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cookie", default="", help="extra cookies, e.g. messages=x (skips the page cache)")
    args = parser.parse_args()

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cookie = args.cookie
    if args.user:
        from django.contrib.auth import get_user_model
        from django.utils.module_loading import import_string

        user = get_user_model().objects.get(username=args.user)
        store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "orgchart.backends.MemberModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.save()
        cookie = "; ".join(filter(None, [cookie, f"{settings.SESSION_COOKIE_NAME}={store.session_key}"]))
        connection.close()

    def call(url: str) -> tuple[int, int]:
        path, _, query = url.partition("?")
        environ = {"PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": "127.0.0.1"}
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        setup_testing_defaults(environ)
        status = []
        result = application(environ, lambda s, h, exc_info=None: status.append(s))
        size = sum(len(chunk) for chunk in result)
        if hasattr(result, "close"):
            result.close()
        return int(status[0].split()[0]), size

    for url in args.urls:
        call(url)
        with CaptureQueriesContext(connection) as ctx:
            code, size = call(url)
        queries = [q["sql"][:150] for q in ctx.captured_queries]
        started = time.perf_counter()
        for _ in range(args.n):
            call(url)
        ms = (time.perf_counter() - started) * 1000 / max(args.n, 1)
        print(f"{url:<40} {code} {size:>7} B {len(queries):>3} queries {ms:7.2f} ms/request")
        for q in queries:
            print("    ", q)
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.n):
                call(url)
            prof.disable()
            out = io.StringIO()
            stats = pstats.Stats(prof, stream=out).sort_stats(os.environ.get("SORT", "cumulative"))
            stats.print_stats(int(os.environ.get("LINES", "40")))
            if os.environ.get("CALLERS"):
                pstats.Stats(prof, stream=out).print_callers(os.environ["CALLERS"])
            print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
