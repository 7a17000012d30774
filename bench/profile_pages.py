"""Per-request cost of the pages people use most, on a generated PostgreSQL database.

    python -m bench profile            # or: python -m bench.profile_pages --requests 200 --top 15

Each page is requested N times with Django's test Client (in process, no HTTP server), rotating
over different objects and users as bench_load does: the progress query (API and page) over N
different cases, every published guide, the staff inbox, case list and a case page for many
clerks. Each page is measured twice: the first visit of each object (what a rotation over 20,000
cases mostly sees) and a repeat visit (what the caches serve). Per request it prints the number of
SQL queries, the Python CPU time (time.process_time, which the other processes on a busy machine
do not inflate) and the wall time (which they do: read it as a hint only, never as throughput).
--top N prints the heaviest functions of each page by cProfile.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tb_perf; generate it
with `python -m bench.generate --database … --cases 100000`), BENCH_REDIS_URL (default
redis://127.0.0.1:6379/8, flushed first; empty for the per-process cache), BENCH_REQUESTS (100).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import time

from ._table import print_table
from .bench_cases import _session_cookie, _setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tb_perf"


def _targets(n: int, rng: random.Random) -> list[tuple[str, list[tuple[str, str]]]]:
    from tongban.accounts.models import Organisation, Role, StaffRole, User
    from tongban.cases.models import Case
    from tongban.catalog.models import ServiceItem

    ids = list(Case.objects.filter(number__startswith="GEN-").values_list("id", flat=True))
    if not ids:
        raise SystemExit("no generated cases: run python -m bench.generate --database … first")
    # Different cases for the API and the page (one would warm the other's cache), one spare each
    # for the untimed warm-up request.
    picked = rng.sample(ids, min(2 * n + 2, len(ids)))
    cases = list(Case.objects.filter(id__in=picked).values_list("number", "query_code"))
    api_cases, page_cases = cases[: len(cases) // 2], cases[len(cases) // 2:]
    guides = list(ServiceItem.objects.filter(current_version__status="published", is_active=True)
                  .order_by("implementation_code").values_list("implementation_code", flat=True))
    agencies = list(Organisation.objects.filter(code__startswith="GEN", kind="agency").order_by("code"))
    clerks = []
    for k in range(min(40, n + 1)):
        org = agencies[k % len(agencies)]
        user, created = User.objects.get_or_create(
            username=f"gen_clerk{k}", defaults={"kind": "staff", "organisation": org, "real_name": f"生成窗口{k}"})
        if created:
            StaffRole.objects.create(user=user, role=Role.CLERK)
        clerks.append((org, _session_cookie(user)))
    detail = []
    for k in range(n + 1):
        org, cookie = clerks[k % len(clerks)]
        pk = (Case.objects.filter(organisation=org).order_by("-submitted_at").values_list("id", flat=True)
              [k // len(clerks): k // len(clerks) + 1].first())
        if pk:
            detail.append((f"/cases/{pk}/", cookie))
    return [
        ("/ping", [("/ping", "")]),
        ("progress API", [(f"/api/v1/cases/progress?number={a}&code={c}", "") for a, c in api_cases]),
        ("progress page", [(f"/cases/progress/?number={a}&code={c}", "") for a, c in page_cases]),
        ("guide page", [(f"/guides/{code}/", "") for code in guides]),
        ("staff inbox", [("/workspace/", cookie) for _, cookie in clerks]),
        ("case list", [("/cases/", cookie) for _, cookie in clerks]),
        ("case detail", detail),
    ]


def _measure(rows: list[tuple[str, str]], n: int, profiler: cProfile.Profile | None) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[str, Client] = {}
    # One request handler for every client: each Client builds its own middleware chain on first
    # use (WhiteNoise scans the static finders there), which a server does once per process.
    shared = Client()
    shared.get("/ping")
    queries = cpu = wall = 0.0
    statuses: dict[int, int] = {}
    for k in range(n):
        path, cookie = rows[k % len(rows)]
        client = clients.get(cookie)
        if client is None:
            client = clients[cookie] = Client()
            client.handler = shared.handler
            if cookie:
                name, value = cookie.split("=", 1)
                client.cookies[name] = value
        with CaptureQueriesContext(connection) as ctx:
            if profiler:
                profiler.enable()
            c0, w0 = time.process_time(), time.perf_counter()
            response = client.get(path)
            c1, w1 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.disable()
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        queries += len(ctx.captured_queries)
        cpu += c1 - c0
        wall += w1 - w0
    return {"queries": queries / n, "cpu_ms": 1000 * cpu / n, "wall_ms": 1000 * wall / n, "status": statuses}


def run(n: int | None = None, top: int = 0) -> dict:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    n = n or int(os.environ.get("BENCH_REQUESTS", "100"))
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
    os.environ["TONGBAN_REDIS_URL"] = redis_url
    os.environ.setdefault("TONGBAN_RATE_PUBLIC_QUERY", "100000000")
    os.environ.setdefault("TONGBAN_AXES_ENABLED", "0")
    _setup_django(url)
    from django.core.cache import cache

    from tongban.cases.models import Case

    cache.clear()
    targets = _targets(n, random.Random(7))
    rows, figures, profiles = [], {}, {}
    for label, paths in targets:
        # One untimed request on the last object (the first visits below do not reach it), so the
        # figures leave out the process's first-request costs (imports, URL resolver, templates).
        _measure([paths[-1]], 1, None)
        if len(paths) > 1:
            paths = paths[:-1]
        for visit in ("first", "repeat"):
            if label == "/ping" and visit == "repeat":
                continue
            profiler = cProfile.Profile() if top else None
            m = _measure(paths, min(n, len(paths)) if visit == "first" else n, profiler)
            figures[f"{label} ({visit})"] = m
            rows.append([label, visit, len(paths), f"{m['queries']:.1f}", f"{m['cpu_ms']:.1f}", f"{m['wall_ms']:.1f}",
                         " ".join(f"{s}×{c}" for s, c in sorted(m["status"].items()))])
            if profiler:
                profiles[f"{label} ({visit})"] = profiler
    print(f"Django test Client, in process; PostgreSQL with {Case.objects.count():,} cases; cache "
          f"{'Redis' if redis_url else 'per process'}; {n} requests per page and visit; "
          f"load average {os.getloadavg()[0]:.2f} (CPU ms is per process, wall ms is not)")
    print_table(["page", "visit", "objects", "queries/req", "CPU ms/req", "wall ms/req", "statuses"], rows)
    for label, profiler in profiles.items():
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
        print(f"\n-- {label}: top {top} by own time")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-(top + 2) * 120:])
    return {k: {"queries": round(v["queries"], 1), "cpu_ms": round(v["cpu_ms"], 2)} for k, v in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=None, help="requests per page and visit (BENCH_REQUESTS)")
    parser.add_argument("--top", type=int, default=0, help="print the top N cProfile entries per page")
    args = parser.parse_args()
    run(args.requests, args.top)


if __name__ == "__main__":
    main()
