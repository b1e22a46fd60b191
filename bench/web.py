"""Benchmark: pages served by gunicorn on loopback, against a bare Django view in the same server.

Run by `make bench` (never by `make test`). For each scale (BENCH_WEB_SCALES, default "1,15") it
prepares its own database — a SQLite file under var/bench/web-s<scale>/, or with DATABASE_URL set
that PostgreSQL server's database <name>_s<scale> (created if missing) — migrated and seeded once
with `seed_demo --scale N`, plus a few notices of its own (the demo may have none). Then it starts
gunicorn (one sync worker, DEBUG off: bench.settings = production settings + /bench/bare/) on
127.0.0.1 and a free port and measures requests per second, bounded by count and time:

  bare view            /bench/bare/: a view returning "ok" through the same middleware
  (a) notice, cached   a public notice for an anonymous visitor (served by the page cache)
  (b) notice, uncached the same for a visitor the cache must not answer (a messages cookie)
  (c) home, member     the home page for the member dangyuan (figures from the cache)
  (d) notices, member  the notice list for that member
  chart, member        the organisation chart for that member

and prints req/s, the ratio to the bare view (measured in bursts alternating with each page's, so
both see the same load from other processes) and, for the
pages, the queries one request runs (counted in-process through the WSGI handler).
Knobs: BENCH_WEB_SCALES, BENCH_REQUESTS (default 300 per URL), BENCH_SECONDS (default 8 per URL).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
SCALES = [int(s) for s in os.environ.get("BENCH_WEB_SCALES", "1,15").split(",") if s.strip()]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
SECRETS = {
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
    "FIELD_ENCRYPTION_KEY": "bench-only-field-encryption-key",
}

SETUP_PAGES = r"""
import json
from demo.tables import STREET_CODE
from orgchart.models import Organisation
from portal.models import NoticePage, SectionPage
street = Organisation.objects.get(code=STREET_CODE)
section = SectionPage.objects.get(organisation=street)
for i in range(12):
    slug = f"bench-notice-{i}"
    if not NoticePage.objects.filter(slug=slug).exists():
        section.add_child(instance=NoticePage(
            title=f"社区志愿服务活动通知（基准{i}）", slug=slug,
            visibility="public" if i % 2 == 0 else "members",
            summary="本周六上午在社区党群服务中心开展志愿服务活动，请党员同志准时参加。",
            body=[("text", "<p>本周六上午九点，在社区党群服务中心集合，开展环境整治志愿服务。</p>" * 5)],
        ))
page = NoticePage.objects.get(slug="bench-notice-0")
print("BENCH-JSON " + json.dumps({"notice": page.url}))
"""


def database_env(scale: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    url = os.environ.get("DATABASE_URL", "")
    env["PORTAL_VAR_DIR"] = str(ROOT / "var" / "bench" / f"web-{'pg-' if url else ''}s{scale}")
    if url:
        env["DATABASE_URL"] = f"{url.rstrip('/')}_s{scale}"
    return env


def ensure_postgres_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    params = {"dbname": "postgres", "user": cfg.get("USER"), "host": cfg.get("HOST"), "port": cfg.get("PORT")}
    if cfg.get("PASSWORD"):
        params["password"] = cfg["PASSWORD"]
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))


def manage(env: dict[str, str], *args: str, settings: str = "portal.settings.dev") -> str:
    run_env = {**env, "DJANGO_SETTINGS_MODULE": settings, "DEBUG": "true" if "dev" in settings else "false"}
    if "dev" not in settings:
        run_env.update(SECRETS)
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=run_env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args[:2])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def prepare(scale: int) -> tuple[dict[str, str], str]:
    env = database_env(scale)
    Path(env["PORTAL_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    if env.get("DATABASE_URL"):
        ensure_postgres_database(env["DATABASE_URL"])
    manage(env, "migrate", "--no-input", "-v", "0")
    started = time.perf_counter()
    out = manage(env, "seed_demo", "--scale", str(scale))
    if "nothing changed" not in out:
        print(f"  seeded scale {scale} in {time.perf_counter() - started:.0f} s")
    out = manage(env, "shell", "-c", SETUP_PAGES)
    notice_url = json.loads(out.split("BENCH-JSON ", 1)[1])["notice"]
    manage(env, "collectstatic", "--no-input", "-v", "0", settings="bench.settings")
    return env, notice_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        server_env = {**env, **SECRETS, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "false"}
        self.proc = subprocess.Popen(
            [GUNICORN, "portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}", "--workers", "1"],
            cwd=ROOT,
            env=server_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if self.get("/bench/bare/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        sys.exit("gunicorn did not start")

    def request(self, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, response.getheaders(), data
        finally:
            conn.close()

    def get(self, path: str, cookie: str = ""):
        return self.request("GET", path, {"Cookie": cookie} if cookie else None)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def cookies_from(headers) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key] = rest.split(";", 1)[0]
    return found


def login(server: Server, username: str, password: str) -> str:
    status, headers, body = server.get("/accounts/login/")
    csrf = cookies_from(headers)["csrftoken"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    status, headers, _ = server.request(
        "POST",
        "/accounts/login/",
        {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"},
        urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}),
    )
    session = cookies_from(headers).get("sessionid")
    if status != 302 or not session:
        sys.exit(f"login as {username} failed ({status})")
    return f"sessionid={session}; csrftoken={csrf}"


def burst(server: Server, path: str, cookie: str, count: int, seconds: float) -> tuple[int, float]:
    started = time.perf_counter()
    done = 0
    while done < count and time.perf_counter() - started < seconds:
        server.get(path, cookie)
        done += 1
    return done, time.perf_counter() - started


def paired_rate(server: Server, path: str, cookie: str = "", rounds: int = 3) -> tuple[float, float]:
    """(page req/s, bare req/s) measured in alternating bursts, so both see the same load."""
    for _ in range(3):  # warm-up: the first request fills the caches
        status = server.get(path, cookie)[0]
        if status != 200:
            sys.exit(f"{path} answered {status}")
    page_n = page_t = bare_n = bare_t = 0.0
    for _ in range(rounds):
        n, t = burst(server, "/bench/bare/", "", REQUESTS // rounds, SECONDS / rounds)
        bare_n, bare_t = bare_n + n, bare_t + t
        n, t = burst(server, path, cookie, REQUESTS // rounds, SECONDS / rounds)
        page_n, page_t = page_n + n, page_t + t
    return page_n / page_t, bare_n / bare_t


def count_queries(env: dict[str, str], path: str, user: str = "", cookie: str = "") -> int:
    args = [PYTHON, "bench/profile_request.py", path, "-n", "0"]
    if user:
        args += ["--user", user]
    if cookie:
        args += ["--cookie", cookie]
    run_env = {**env, **SECRETS, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    out = subprocess.run(args, cwd=ROOT, env=run_env, capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+) queries", out)
    return int(match.group(1)) if match else -1


def bench_scale(scale: int) -> list[tuple]:
    env, notice_url = prepare(scale)
    server = Server(env)
    try:
        member = login(server, "dangyuan", "demo12345")
        uncached = "messages=bench"
        server.get(notice_url)
        cached_hit = server.get(notice_url)
        hit = dict((k.lower(), v) for k, v in cached_hit[1]).get("x-portal-cache")
        pages = [
            ("(a) notice, anonymous, cached", notice_url, "", ""),
            ("(b) notice, anonymous, uncached", notice_url, uncached, ""),
            ("(c) home page, member", "/", member, "dangyuan"),
            ("(d) notice list, member", "/notices/", member, "dangyuan"),
            ("chart, member", "/chart/", member, "dangyuan"),
        ]
        rows = []
        for name, path, cookie, user in pages:
            page_rps, bare_rps = paired_rate(server, path, cookie)
            queries = count_queries(env, path, user, "" if user else cookie)
            rows.append((name, page_rps, bare_rps, queries))
    finally:
        server.stop()
    print(f"  page cache header on a repeated anonymous notice request: {hit}")
    bare = sum(row[2] for row in rows) / len(rows)
    return [("bare Django view (mean)", bare, 1.0, 0), *((name, r, r / b, q) for name, r, b, q in rows)]


def main() -> int:
    db = os.environ.get("DATABASE_URL") or "SQLite (var/bench/web-s<scale>/)"
    cache = "Redis " + os.environ["REDIS_URL"] if os.environ.get("REDIS_URL") else "file cache"
    print(f"Pages through gunicorn (1 sync worker, DEBUG off) on loopback | {db} | {cache}")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for scale in SCALES:
        print(f"\nscale {scale}:")
        table = bench_scale(scale)
        print(f"  {'page':<34}{'req/s':>9}{'× bare':>9}{'queries':>9}")
        for name, rps, ratio, queries in table:
            print(f"  {name:<34}{rps:>9.0f}{ratio:>9.2f}{queries:>9}")
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
