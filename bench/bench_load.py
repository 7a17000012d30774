"""HTTP load on PostgreSQL with a million cases: the public progress query (page and API), the
public guide page and the staff inbox, served by gunicorn, driven by wrk; beside them a bare
view (/ping) through the same middleware as the ceiling.

Environment: BENCH_DATABASE_URL, BENCH_CASES (default 1000000; the cases benchmark's data is
reused when it is already there), BENCH_WORKERS (gunicorn workers), BENCH_CONNECTIONS (wrk
connections, default 20), BENCH_SECONDS (per URL, default 15). Needs `wrk` (Debian package wrk).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from ._table import print_table
from .bench_cases import DEFAULT_URL, _fixtures, _generate, _session_cookie, _setup_django

LUA = """
done = function(summary, latency, requests)
  io.write(string.format('JSON{"requests": %d, "seconds": %f, "errors": %d, "non2xx": %d, '
    .. '"p50": %f, "p95": %f, "p99": %f}\\n',
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3))
end
"""


def _wrk(url: str, connections: int, seconds: int, headers: dict[str, str], script: str) -> dict:
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-s", script, "--timeout", "10s"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    match = re.search(r"JSON(\{.*\})", out)
    if not match:
        raise RuntimeError(out)
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def run() -> dict:
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk); skipping the load test")
        return {}
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    n = int(os.environ.get("BENCH_CASES", "1000000"))
    workers = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2))))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "20"))
    seconds = int(os.environ.get("BENCH_SECONDS", "15"))
    _setup_django(url)
    from tongban.cases.models import Case
    from tongban.core.timeutil import today

    cities, versions, clerk, _approver, applicant = _fixtures()
    if Case.objects.count() < n:
        print(f"generating {n:,} cases ...")
        _generate(n, cities, versions, applicant, today())
    case = Case.objects.filter(organisation=cities[0]).order_by("-id").first()
    code = versions[0].item.implementation_code
    port = 8124
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tongban.settings",
           "TONGBAN_RATE_PUBLIC_QUERY": "100000000", "TONGBAN_AXES_ENABLED": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tongban.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    targets = [
        ("bare view /ping (ceiling)", "/ping", {}),
        ("progress query page", f"/cases/progress/?number={case.number}&code={case.query_code}", {}),
        ("progress query API", f"/api/v1/cases/progress?number={case.number}&code={case.query_code}", {}),
        ("guide page", f"/guides/{code}/", {}),
        ("staff inbox (clerk, 200k cases in scope)", "/workspace/", {"Cookie": _session_cookie(clerk)}),
    ]
    results = {}
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
        for label, path, headers in targets:
            _wrk(base + path, 4, 3, headers, script)  # warm every worker
            results[label] = _wrk(base + path, connections, seconds, headers, script)
    finally:
        server.terminate()
        server.wait()
        os.unlink(script)
    ceiling = results["bare view /ping (ceiling)"]["rps"]
    rows = [
        [label, f"{r['rps']:.0f}", f"{100 * r['rps'] / ceiling:.0f}%", f"{r['p50']:.0f} ms", f"{r['p95']:.0f} ms",
         f"{r['p99']:.0f} ms", r["non2xx"] + r["errors"]]
        for label, r in results.items()
    ]
    print(f"wrk, {connections} connections, {seconds} s per URL, gunicorn {workers} sync workers, "
          f"PostgreSQL with {Case.objects.count():,} cases, all on this {os.cpu_count()}-core machine")
    print_table(["URL", "requests/s", "of ceiling", "p50", "p95", "p99", "errors"], rows)
    return {label: {k: round(v, 2) for k, v in r.items()} for label, r in results.items()}
