"""Cases at scale on PostgreSQL: the supervision sweep on realistic data (bench.generate) at
100,000 and 1,000,000 cases, first run, same-day rerun and consecutive days, beside the floor of one
plain UPDATE of the same open rows; then the staff inbox, case list and case page under concurrent
clients through gunicorn.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tongban_bench),
BENCH_SWEEP_SIZES (default 100000,1000000), BENCH_CLIENTS (20), BENCH_SECONDS (20 per page),
BENCH_WORKERS (gunicorn workers, default 2 x cores).
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time

from ._table import print_table

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tongban_bench"


def _setup_django(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _session_cookie(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = next(b for b in settings.AUTHENTICATION_BACKENDS if "axes" not in b)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _load(port: int, paths: list[str], cookie: str, clients: int, seconds: float) -> dict[str, list[float]]:
    """`clients` threads request the paths round robin for `seconds`; latencies per path."""
    timings: dict[str, list[float]] = {p: [] for p in paths}
    errors: list[str] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - t0
            with lock:
                if response.status != 200:
                    errors.append(f"{path} {response.status}")
                timings[path].append(elapsed)
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(f"  non-200 answers: {len(errors)} e.g. {errors[:3]}")
    return timings


def _query_counts(user, paths: list[str]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    counts = {}
    for path in paths:
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        counts[path] = len(ctx)
    return counts


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _sweep_rows(n: int, today: dt.date) -> list[list]:
    """Generate n realistic cases, then time the sweep on consecutive days beside the floor: one
    plain set-based UPDATE touching the same open rows on the same database."""
    from django.db import connection

    from tongban.cases.models import OPEN_STATUSES
    from tongban.cases.sweep import run_sweep

    from .generate import generate

    figures = generate(cases_n=n, seed=2026, appeals_n=0, licences_n=0)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE cases_case")
        cur.execute("SELECT count(*) FROM cases_case WHERE status = ANY(%s)", [list(OPEN_STATUSES)])
        open_rows = cur.fetchone()[0]
    rows = []
    for label, day in (("first run (sets every warning)", today), ("same day again (nothing to change)", today),
                       ("next day", today + dt.timedelta(days=1)), ("day after", today + dt.timedelta(days=2)),
                       ("third day", today + dt.timedelta(days=3))):
        t0 = time.perf_counter()
        result = run_sweep(day)
        rows.append([f"{n:,}", label, f"{time.perf_counter() - t0:.2f} s", result["deemed_accepted"],
                     result["case_red"], result["case_yellow"], result["case_cleared"]])
    with connection.cursor() as cur:
        t0 = time.perf_counter()
        cur.execute("UPDATE cases_case SET warning = warning WHERE status = ANY(%s)", [list(OPEN_STATUSES)])
        floor = time.perf_counter() - t0
    rows.append([f"{n:,}", f"floor: one plain UPDATE of the {open_rows:,} open rows", f"{floor:.2f} s", "", "", "", ""])
    print(f"  {n:,} cases generated ({figures['cases_s']} s), {open_rows:,} open")
    return rows


def run() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    sizes = [int(x) for x in os.environ.get("BENCH_SWEEP_SIZES", "100000,1000000").split(",")]
    clients = int(os.environ.get("BENCH_CLIENTS", "20"))
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    workers = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2))))
    _setup_django(url)
    from tongban.accounts.models import Organisation, Role, StaffRole, User
    from tongban.cases.models import Case
    from tongban.core.timeutil import today as today_fn

    today = today_fn()
    rows = []
    for n in sizes:  # the largest last: the pages below are measured on it
        rows += _sweep_rows(n, today)
    print(f"load average {os.getloadavg()[0]:.2f}")
    print_table(["cases", "sweep", "time", "deemed accepted", "red", "yellow", "cleared"], rows)

    city = Organisation.objects.filter(code__startswith="GEN", level="city", kind="agency").order_by("code").first()
    clerk, created = User.objects.get_or_create(
        username="gen_bench_clerk", defaults={"kind": "staff", "organisation": city, "real_name": "压测窗口"})
    if created:
        StaffRole.objects.create(user=clerk, role=Role.CLERK)
    cities = [city]
    n = sizes[-1]
    sample = Case.objects.filter(organisation=cities[0], status="review").order_by("id").values_list("id", flat=True).first()
    paths = {
        "inbox /workspace/": "/workspace/",
        "case list /cases/": "/cases/",
        "filtered list /cases/?status=review&warning=red": "/cases/?status=review&warning=red",
        f"case page /cases/{sample}/": f"/cases/{sample}/",
    }
    counts = _query_counts(clerk, list(paths.values()))
    port = 8123
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tongban.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tongban.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--log-level", "warning"], env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)
        cookie = _session_cookie(clerk)
        _load(port, list(paths.values()), cookie, 4, 3)  # warm up every worker
        timings = _load(port, list(paths.values()), cookie, clients, seconds)
    finally:
        server.terminate()
        server.wait()
    rows = []
    for label, path in paths.items():
        values = timings[path]
        rows.append([label, counts[path], len(values), f"{statistics.median(values) * 1e3:.0f} ms",
                     f"{_pct(values, 0.95) * 1e3:.0f} ms", f"{max(values) * 1e3:.0f} ms"])
    total = sum(len(v) for v in timings.values())
    in_scope = Case.objects.filter(organisation__path__startswith=city.path).count()
    print(f"{clients} concurrent clients for {seconds:.0f} s against gunicorn ({workers} workers), "
          f"clerk of one city ({in_scope:,} of {n:,} cases in scope): {total / seconds:.0f} requests/s")
    print_table(["page", "queries", "requests", "p50", "p95", "max"], rows)
