"""HTTP load on PostgreSQL with realistic data (bench.generate): the public progress query (page and
API) over 20,000 different cases, every published guide in rotation, the staff inbox and case list
for many clerks — served by gunicorn with Redis as the cache, as production runs, driven by wrk;
each figure beside /ping on the same server in the same run.

Where the machine has at least two cores the server is pinned to all but the last one and wrk to
the last (taskset), so the load generator does not take the server's cores.

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tongban_load),
BENCH_CASES (default 1000000; generated when the database has fewer generated cases),
BENCH_WORKERS (gunicorn workers), BENCH_CONNECTIONS (wrk connections, default 20),
BENCH_SECONDS (per URL, default 15), BENCH_REDIS_URL (default redis://127.0.0.1:6379/7; empty
for the per-process cache), BENCH_ROTATE (different cases, default 20000), BENCH_CLERKS
(default 40). Needs `wrk` (Debian package wrk).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from ._table import print_table
from .bench_cases import _session_cookie, _setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tongban_load"

LUA = """
local paths = {}
local cookies = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  local path, cookie = line:match("([^\\t]*)\\t?(.*)")
  paths[#paths + 1] = path
  cookies[#cookies + 1] = cookie
end
local counter = 0
function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
local i = 0
request = function()
  i = i + 1
  local k = (offset + i) % #paths + 1
  local headers = {}
  if cookies[k] ~= "" then headers["Cookie"] = cookies[k] end
  return wrk.format("GET", paths[k], headers)
end
done = function(summary, latency, requests)
  io.write(string.format('JSON{"requests": %d, "seconds": %f, "errors": %d, "non2xx": %d, '
    .. '"p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3))
end
"""


def _cores() -> tuple[str, str] | None:
    n = os.cpu_count() or 1
    if n < 2 or not shutil.which("taskset"):
        return None
    return (f"0-{n - 2}" if n > 2 else "0"), str(n - 1)


def _wrk(base: str, rows: list[tuple[str, str]], connections: int, seconds: int, script: str, pin) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as fh:
        for path, cookie in rows:
            fh.write(f"{path}\t{cookie}\n")
        listing = fh.name
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", script, "--timeout", "10s", base + "/"]
    if pin:
        cmd = ["taskset", "-c", pin[1], *cmd]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env={**os.environ, "BENCH_PATHS": listing}).stdout
    finally:
        os.unlink(listing)
    match = re.search(r"JSON(\{.*\})", out)
    if not match:
        raise RuntimeError(out)
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def _targets(rotate: int, n_clerks: int, rng: random.Random) -> list[tuple[str, list[tuple[str, str]]]]:
    from tongban.accounts.models import Role, StaffRole, User
    from tongban.cases.models import Case
    from tongban.catalog.models import ServiceItem

    ids = list(Case.objects.filter(number__startswith="GEN-").values_list("id", flat=True))
    picked = rng.sample(ids, min(rotate, len(ids)))
    cases = list(Case.objects.filter(id__in=picked).values_list("number", "query_code"))
    progress_page = [(f"/cases/progress/?number={n}&code={c}", "") for n, c in cases]
    progress_api = [(f"/api/v1/cases/progress?number={n}&code={c}", "") for n, c in cases]
    guides = [(f"/guides/{code}/", "") for code in ServiceItem.objects.filter(
        current_version__status="published", is_active=True).values_list("implementation_code", flat=True)]
    # Clerks of different agencies (cities and counties), each with a session of their own.
    from tongban.accounts.models import Organisation

    agencies = list(Organisation.objects.filter(code__startswith="GEN", kind="agency").order_by("code"))
    clerks = []
    for k in range(n_clerks):
        org = agencies[k % len(agencies)]
        user, created = User.objects.get_or_create(
            username=f"gen_clerk{k}", defaults={"kind": "staff", "organisation": org, "real_name": f"生成窗口{k}"})
        if created:
            StaffRole.objects.create(user=user, role=Role.CLERK)
        clerks.append(_session_cookie(user))
    inbox = [("/workspace/", c) for c in clerks]
    case_list = [("/cases/", c) for c in clerks]
    return [
        ("bare view /ping (ceiling)", [("/ping", "")]),
        (f"progress query page, {len(progress_page):,} different cases", progress_page),
        (f"progress query API, {len(progress_api):,} different cases", progress_api),
        (f"guide page, all {len(guides)} published guides", guides),
        (f"staff inbox, {len(clerks)} clerks", inbox),
        (f"case list (staff), {len(clerks)} clerks", case_list),
    ]


def run() -> dict:
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk); skipping the load test")
        return {}
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    n = int(os.environ.get("BENCH_CASES", "1000000"))
    workers = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2))))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "20"))
    seconds = int(os.environ.get("BENCH_SECONDS", "15"))
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    rotate = int(os.environ.get("BENCH_ROTATE", "20000"))
    n_clerks = int(os.environ.get("BENCH_CLERKS", "40"))
    _setup_django(url)
    from tongban.cases.models import Case

    have = Case.objects.filter(number__startswith="GEN-").count()
    if have != n:
        from .generate import generate

        print(f"generating {n:,} cases (realistic mix, bench.generate) ...", flush=True)
        print(generate(cases_n=n, seed=2026))
    targets = _targets(rotate, n_clerks, random.Random(7))
    pin = _cores()
    port = 8124
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tongban.settings",
           "TONGBAN_RATE_PUBLIC_QUERY": "100000000", "TONGBAN_AXES_ENABLED": "0", "TONGBAN_REDIS_URL": redis_url}
    cmd = [sys.executable, "-m", "gunicorn", "tongban.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
           "--log-level", "warning"]
    if pin:
        cmd = ["taskset", "-c", pin[0], *cmd]
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()
    server = subprocess.Popen(cmd, env=env)
    base = f"http://127.0.0.1:{port}"
    results = {}
    loads = {}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA)
        script = fh.name
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/ping", timeout=1)  # noqa: S310 - our own http URL
                break
            except OSError:
                time.sleep(0.2)
        for label, rows in targets:
            _wrk(base, rows, 4, 3, script, pin)  # warm every worker
            results[label] = _wrk(base, rows, connections, seconds, script, pin)
            loads[label] = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait()
        os.unlink(script)
    ceiling = results["bare view /ping (ceiling)"]["rps"]
    rows = [
        [label, f"{r['rps']:.0f}", f"{100 * r['rps'] / ceiling:.0f}%", f"{r['p50']:.0f} ms", f"{r['p95']:.0f} ms",
         f"{r['p99']:.0f} ms", r["non2xx"] + r["errors"], f"{loads[label]:.2f}"]
        for label, r in results.items()
    ]
    placement = f"server on cores {pin[0]}, wrk on core {pin[1]}" if pin else "server and wrk share the cores"
    print(f"wrk, {connections} connections, {seconds} s per URL, gunicorn {workers} sync workers, cache "
          f"{'Redis' if redis_url else 'per process'}, PostgreSQL with {Case.objects.count():,} cases; {placement}")
    print_table(["URL (rotating)", "requests/s", "of /ping", "p50", "p95", "p99", "errors", "load avg"], rows)
    return {label: {k: round(v, 2) for k, v in r.items()} for label, r in results.items()}
