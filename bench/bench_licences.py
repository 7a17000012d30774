"""E-licences: SM2/SM3 sign and verify per second per core; verification page requests/s, with the
SM2 verification memo on and off (TONGBAN_VERIFY_MEMO=0), beside /ping on the same server.

The verification page (the QR target) is measured under a burst of scans through gunicorn.

Environment: BENCH_DATABASE_URL (default: a throw-away SQLite file under var/), BENCH_CLIENTS
(concurrent clients, default 32), BENCH_SECONDS (default 15), BENCH_WORKERS (gunicorn workers,
default 2 x cores), BENCH_LICENCES (distinct licences scanned, default 200).
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time

from ._table import print_table


def _crypto_rows(seconds: float = 3.0) -> list[list]:
    from tongban.licences import crypto

    pair = crypto.generate_keypair()
    message = ('{"fields":[{"key":"project_name","label":"项目名称","value":"龙湖里住宅小区二期"}],'
               '"holder":{"code":"91410100MA0000010X","name":"郑州城建置业有限公司"}}').encode()
    rows = []
    signature = crypto.sign(message, pair.private_hex, pair.public_hex)
    for label, fn in (
        ("SM2 sign (SM3, DER, secrets nonce)", lambda: crypto.sign(message, pair.private_hex, pair.public_hex)),
        ("SM2 verify", lambda: crypto.verify(message, signature, pair.public_hex)),
        ("SM3 digest with Z (1 KB)", lambda: crypto.message_digest(message * 4, pair.public_hex)),
    ):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            fn()
            n += 1
        elapsed = time.perf_counter() - t0
        rows.append([label, n, f"{n / elapsed:,.0f}/s", f"{elapsed / n * 1e3:.2f} ms"])
    return rows


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _licences(n: int) -> list[str]:
    """n licences of one type issued by one organisation; their verification codes."""
    from tongban.accounts.models import Organisation
    from tongban.accounts.services import _set_path
    from tongban.licences import services
    from tongban.licences.models import Licence, LicenceType

    org, _ = Organisation.objects.get_or_create(
        code="BENCHLIC", defaults={"name": "压测市人防办", "kind": "agency", "level": "city", "division_code": "410100"})
    _set_path(org)
    org.save()
    lt, _ = LicenceType.objects.get_or_create(code="LIC-BENCH", defaults={
        "name": "人防工程建设审批意见书（压测）", "organisation": org, "validity_months": 24,
        "fields": [{"key": "project_name", "label": "项目名称", "source": "project_name", "public": True}]})
    have = Licence.objects.filter(licence_type=lt).count()
    t0 = time.perf_counter()
    for k in range(have, n):
        services.licence_issue(actor=None, licence_type=lt, issuer=org, holder_name=f"压测企业{k}",
                               holder_code=f"91410100MA{k:07d}X"[:18], fields={"project_name": f"项目{k}"})
    if n > have:
        print(f"issued {n - have} licences in {time.perf_counter() - t0:.1f} s (signing + insert)")
    return list(Licence.objects.filter(licence_type=lt).values_list("verify_code", flat=True)[:n])


def _load(port: int, paths: list[str], clients: int, seconds: float) -> tuple[list[float], list[str]]:
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = offset
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 7
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            response = conn.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - t0
            with lock:
                timings.append(elapsed)
                if response.status != 200 or (path != "/ping" and "证照有效".encode() not in body):
                    errors.append(f"{path} {response.status}")
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return timings, errors


def run() -> None:
    print(f"one process, one core; hashlib SM3 from OpenSSL: {__import__('hashlib').algorithms_available >= {'sm3'}}")
    print_table(["operation", "count", "per second per core", "each"], _crypto_rows())

    default = "sqlite:///" + str(__import__("pathlib").Path(__file__).resolve().parent.parent / "var" / "bench_licences.sqlite3")
    url = os.environ.get("BENCH_DATABASE_URL", default)
    clients = int(os.environ.get("BENCH_CLIENTS", "32"))
    seconds = float(os.environ.get("BENCH_SECONDS", "15"))
    workers = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 2))))
    count = int(os.environ.get("BENCH_LICENCES", "200"))
    _setup(url)
    codes = _licences(count)
    paths = [f"/licences/check/{c}/" for c in codes]
    rows = []
    for memo in ("1", "0"):
        rows += _serve_and_load(url, paths, clients, seconds, workers, memo)
    rows += _serve_and_load(url, ["/ping"], clients, seconds, workers, "1", label="/ping (same server, reference)")
    print(f"burst of QR scans: {clients} concurrent clients for {seconds:.0f} s, gunicorn {workers} workers, "
          f"{os.cpu_count()} cores, {url.split(':', 1)[0]}; load average {os.getloadavg()[0]:.2f}")
    print_table(["verification page /licences/check/<code>/", "SM2 memo", "requests", "requests/s", "p50", "p95", "max"], rows)


def _serve_and_load(url, paths, clients, seconds, workers, memo, label=None) -> list[list]:
    port = 8124
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tongban.settings", "TONGBAN_VERIFY_MEMO": memo}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "tongban.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", str(workers), "--log-level", "warning"], env=env)
    memo_label = "on" if memo == "1" else "off"
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)
        _load(port, paths[:8], 4, 2)  # warm every worker
        rows = []
        cases = [(label, paths)] if label else [("one licence scanned by everyone", paths[:1]),
                                               (f"{len(paths)} different licences", paths)]
        for name, subset in cases:
            timings, errors = _load(port, subset, clients, seconds)
            if errors:
                print(f"  non-200 or wrong answers: {len(errors)} e.g. {errors[:3]}")
            timings.sort()
            rows.append([name, memo_label, len(timings), f"{len(timings) / seconds:,.0f}", f"{statistics.median(timings) * 1e3:.0f} ms",
                         f"{timings[int(0.95 * len(timings))] * 1e3:.0f} ms", f"{timings[-1] * 1e3:.0f} ms"])
    finally:
        server.terminate()
        server.wait()
    return rows
