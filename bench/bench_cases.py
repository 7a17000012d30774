"""Cases at scale on PostgreSQL: the supervision sweep over a million open cases, and the staff
inbox, case list and case page under concurrent clients through gunicorn.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tongban_bench),
BENCH_CASES (default 1000000), BENCH_CLIENTS (20), BENCH_SECONDS (20 per page), BENCH_WORKERS
(gunicorn workers, default 2 x cores).
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


def _fixtures():
    """Organisations, staff, applicants and a published item per city (idempotent)."""
    from django.utils import timezone

    from tongban.accounts.models import Organisation, Role, StaffRole, User
    from tongban.accounts.services import _set_path
    from tongban.catalog.models import ItemVersion, ServiceItem

    province, _ = Organisation.objects.get_or_create(
        code="BENCH", defaults={"name": "压测省人防办", "kind": "agency", "level": "province", "division_code": "410000"})
    _set_path(province)
    province.save()
    cities = []
    for n in range(5):
        city, _ = Organisation.objects.get_or_create(
            code=f"BENCH{n}", defaults={"name": f"压测{n}市人防办", "kind": "agency", "level": "city",
                                        "division_code": f"41{n + 1:02d}00", "parent": province})
        _set_path(city)
        city.save()
        cities.append(city)
    versions = []
    for n, city in enumerate(cities):
        item, _ = ServiceItem.objects.get_or_create(
            implementation_code=f"BENCH-ITEM-{n}", defaults={"organisation": city, "base_code": "BENCH-BASE"})
        version = item.current_version
        if version is None:
            version = ItemVersion.objects.create(
                item=item, number=1, status="published", published_at=timezone.now(), name="人防工程报建审批（压测）",
                kind="licensing", legal_basis="《中华人民共和国人民防空法》", conditions="—",
                legal_limit_days=20, promised_limit_days=10)
            item.current_version = version
            item.save(update_fields=["current_version"])
        versions.append(version)
    clerk, created = User.objects.get_or_create(
        username="bench_clerk", defaults={"kind": "staff", "organisation": cities[0], "real_name": "压测窗口"})
    if created:
        StaffRole.objects.create(user=clerk, role=Role.CLERK)
    approver, created = User.objects.get_or_create(
        username="bench_approver", defaults={"kind": "staff", "organisation": province, "real_name": "压测领导"})
    if created:
        StaffRole.objects.create(user=approver, role=Role.APPROVER)
    applicant, _ = User.objects.get_or_create(
        username="bench_citizen", defaults={"kind": "citizen", "real_name": "压测申请人", "citizen_id": "110101199001011237"})
    return cities, versions, clerk, approver, applicant


def _generate(n: int, cities, versions, applicant, today: dt.date) -> float:
    """Insert n open cases with one INSERT ... SELECT generate_series (seconds taken)."""
    from django.db import connection

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("TRUNCATE cases_warningevent, cases_transition, core_press, cases_case RESTART IDENTITY CASCADE")
        org_ids = "ARRAY[" + ",".join(str(c.pk) for c in cities) + "]"
        ver_ids = "ARRAY[" + ",".join(str(v.pk) for v in versions) + "]"
        item_ids = "ARRAY[" + ",".join(str(v.item_id) for v in versions) + "]"
        # Status mix of open work: 20% submitted, 5% supplement, 50% review, 5% paused, 20% decision.
        cur.execute(
            f"""
            INSERT INTO cases_case (
              number, query_code, item_id, version_id, organisation_id, applicant_id, enterprise_id,
              applicant_name, applicant_code, contact_name, contact_phone, project_name, address, summary,
              channel, submission_key, status, decision, submitted_at, received_on, acceptance_due,
              accepted_on, deemed_accepted, legal_limit_days, promised_limit_days, extension_days,
              paused_days, legal_due, promised_due, due_on, stage_started_on, stage_due, warning, stage_warning,
              legal_overdue, provisional, supplement_count, visits, notices_relayed, row_version, updated_at
            )
            SELECT
              'B-' || g, 'ABCDEF', ({item_ids})[1 + g %% 5], ({ver_ids})[1 + g %% 5], ({org_ids})[1 + g %% 5],
              %(applicant)s, NULL, '压测申请人' || (g %% 5000), '110101199001011237', '联系人', '13800138000',
              '项目' || g, '', '', 'online', 'k' || g,
              s.status, '', now() - (g %% 40) * interval '1 day', r.received, r.received + 7,
              CASE WHEN s.status IN ('review','paused','decision') THEN r.received + 2 END, false, 20, 10, 0,
              0,
              CASE WHEN s.status IN ('review','paused','decision') THEN r.received + 30 - (g %% 11) END,
              CASE WHEN s.status IN ('review','paused','decision') THEN r.received + 16 - (g %% 13) END,
              CASE WHEN s.status IN ('review','paused','decision') THEN r.received + 16 - (g %% 13)
                   WHEN s.status = 'submitted' THEN r.received + 7 END,
              r.received, NULL, '', '', false, false, 0, 0, false, 1, now()
            FROM generate_series(1, %(n)s) AS g
            CROSS JOIN LATERAL (SELECT CASE
                WHEN g %% 20 < 4 THEN 'submitted' WHEN g %% 20 = 4 THEN 'supplement'
                WHEN g %% 20 < 15 THEN 'review' WHEN g %% 20 = 15 THEN 'paused' ELSE 'decision' END AS status) s
            CROSS JOIN LATERAL (SELECT CASE
                -- submitted cases are recent (2 in 10,000 overdue for acceptance), others up to 40 days old
                WHEN s.status = 'submitted' AND g %% 5000 <> 0 THEN %(today)s::date - (g %% 5)
                WHEN s.status = 'submitted' THEN %(today)s::date - 20
                ELSE %(today)s::date - (g %% 40) END AS received) r
            """,
            {"n": n, "applicant": applicant.pk, "today": today},
        )
        cur.execute("ANALYZE cases_case")
    return time.perf_counter() - t0


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


def run() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    n = int(os.environ.get("BENCH_CASES", "1000000"))
    clients = int(os.environ.get("BENCH_CLIENTS", "20"))
    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    workers = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2))))
    _setup_django(url)
    from tongban.cases.models import Case
    from tongban.cases.sweep import run_sweep
    from tongban.core.timeutil import today as today_fn

    today = today_fn()
    cities, versions, clerk, _approver, applicant = _fixtures()
    t_gen = _generate(n, cities, versions, applicant, today)
    print(f"{n:,} open cases generated in {t_gen:.1f} s ({url})")

    rows = []
    for label, day in (("first run (sets every warning)", today), ("same day again (nothing to change)", today),
                       ("next day (one day's changes)", today + dt.timedelta(days=1))):
        t0 = time.perf_counter()
        result = run_sweep(day)
        rows.append([label, f"{time.perf_counter() - t0:.2f} s", result["deemed_accepted"],
                     result["case_red"], result["case_yellow"], result["case_cleared"]])
    print_table(["sweep over open cases", "time", "deemed accepted", "red", "yellow", "cleared"], rows)
    from django.db import connection

    with connection.cursor() as cur:  # what autovacuum does after a day's sweeps
        cur.execute("VACUUM ANALYZE cases_case")

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
    print(f"{clients} concurrent clients for {seconds:.0f} s against gunicorn ({workers} workers), "
          f"clerk of one city ({n // 5:,} cases in scope): {total / seconds:.0f} requests/s")
    print_table(["page", "queries", "requests", "p50", "p95", "max"], rows)
