"""Credit: the practitioner evaluation run over every firm (set-based SQL) and the standing
provider per subject, each beside a reference measured in the same run.

Issue 18 targets: 200,000 firms with 2,000,000 records evaluated in ≤ 30 s; standing ≤ 2 ms per
subject. References: the same aggregation in numpy over the rows loaded from the database (load
included), and a naive per-firm ORM loop timed on a sample and extrapolated; for standing, the
naive three queries per subject.

Environment: BENCH_FIRMS (default 200000), BENCH_RECORDS (2000000), BENCH_SAMPLE (500 firms for
the naive loop), BENCH_DATABASE_URL (default: a fresh SQLite file under var/; a postgres:// URL
is dropped and recreated). Quick run: BENCH_FIRMS=2000 BENCH_RECORDS=20000 python -m bench credit
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from ._table import print_table

TODAY = dt.date(2026, 6, 15)
TYPES = [("penalty_general", -5, 15), ("penalty_serious", -30, None), ("penalty_minor", -1, 3),
         ("award", 5, 10), ("inspection_problem", -3, 9), ("licence", None, None)]


def _setup(url: str | None) -> None:
    if url and url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        folder = Path(__file__).resolve().parent.parent / "var"
        folder.mkdir(exist_ok=True)
        path = Path(tempfile.mkdtemp(dir=folder, prefix="bench-credit-")) / "db.sqlite3"
        url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    os.environ["TONGBAN_TODAY"] = TODAY.isoformat()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.TONGBAN_TODAY = TODAY
    call_command("migrate", verbosity=0)


def _uscc(n: int) -> str:
    from tongban.core.validators import make_uscc

    return make_uscc("9", "1", "410100", f"B{n:07d}")


def _generate(firms: int, records: int) -> tuple[list[str], object]:
    from django.db import connection, transaction

    from tongban.accounts.models import Enterprise, Organisation, Role, StaffRole, User
    from tongban.credit.models import CreditRecord, PublicityRule, ScoringMethod, ScoringRule

    rng = random.Random(18)
    org = Organisation.objects.create(name="基准人防办", kind="agency", level="city", division_code="410100",
                                      code="BENCH", path="")
    org.path = f"{org.pk:06d}/"
    org.save(update_fields=["path"])
    admin = User.objects.create(username="bench_credit", kind="staff", organisation=org)
    StaffRole.objects.create(user=admin, role=Role.CREDIT_ADMIN)
    method = ScoringMethod.objects.create(code="bench", name="基准评价方法", basis="bench", base_score=100, min_score=0,
                                          max_score=110, window_months=24, status="active",
                                          grades=[{"grade": "A", "min": 95}, {"grade": "B", "min": 85},
                                                  {"grade": "C", "min": 70}, {"grade": "D", "min": 0}])
    for code, points, cap in TYPES:
        if points:
            ScoringRule.objects.create(method=method, record_type=code, label=code, points=points, cap=cap)
    rule = PublicityRule.objects.get(code="2025")
    codes = [_uscc(n) for n in range(firms)]
    ent_table, rec_table = Enterprise._meta.db_table, CreditRecord._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        for start in range(0, firms, 20_000):
            cur.executemany(f"INSERT INTO {ent_table} (uscc, name, legal_representative, division_code, address) "
                            "VALUES (%s, %s, '', '410100', '')",
                            [(c, f"基准企业{n}") for n, c in enumerate(codes[start:start + 20_000], start)])
        cols = ("number, subject_kind, subject_code, subject_name, organisation_id, source, source_ref, record_type, "
                "title, content, legal_basis, decision_number, decided_on, penalty_kind, fine_fen, procedure, severity, "
                "rule_id, dual_publicity, status, unpublished_reason, published_on, repair_from, takedown_on, "
                "disputed, warning, extra, row_version, created_at, updated_at, void_reason")
        now = dt.datetime(2026, 6, 15, 9, tzinfo=dt.UTC)
        sql = (f"INSERT INTO {rec_table} ({cols}) VALUES (%s, 'enterprise', %s, '', %s, 'import', %s, %s, '', '', '', "
               "'', %s, '', 0, '', %s, %s, false, %s, '', NULL, NULL, NULL, false, '', '{}', 1, %s, %s, '')")
        batch = []
        for n in range(records):
            kind = TYPES[rng.randrange(len(TYPES))][0]
            severity = {"penalty_general": "general", "penalty_serious": "serious", "penalty_minor": "minor"}.get(kind, "")
            status = rng.choice(["published", "published", "published", "unpublished", "expired", "void"])
            decided = TODAY - dt.timedelta(days=rng.randrange(900))
            batch.append((f"B{n:09d}", codes[rng.randrange(firms)], org.pk, f"b{n}", kind, decided, severity, rule.pk,
                          status, now, now))
            if len(batch) == 50_000:
                cur.executemany(sql, batch)
                batch = []
        if batch:
            cur.executemany(sql, batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {rec_table}")
            cur.execute(f"ANALYZE {ent_table}")
    return codes, admin


def _numpy_reference(method) -> float:
    """The same scores in numpy: load (firm, type, points) rows, sum per firm and type, cap, sum,
    bound. Load time included."""
    import numpy as np
    from django.db import connection

    from tongban.credit.models import CreditRecord, ScoringRule
    from tongban.credit.services.evaluation import COUNTED

    t = time.perf_counter()
    rules = {r.record_type: (r.points, r.cap) for r in ScoringRule.objects.filter(method=method)}
    type_ids = {k: i for i, k in enumerate(rules)}
    start = TODAY.replace(year=TODAY.year - 2)
    with connection.cursor() as cur:
        cur.execute(f"SELECT subject_code, record_type FROM {CreditRecord._meta.db_table} "
                    f"WHERE decided_on >= %s AND status IN ({', '.join(['%s'] * len(COUNTED))})", [start, *COUNTED])
        rows = cur.fetchall()
    codes = {}
    firm = np.fromiter((codes.setdefault(c, len(codes)) for c, _ in rows), dtype=np.int64, count=len(rows))
    typ = np.fromiter((type_ids.get(k, -1) for _, k in rows), dtype=np.int64, count=len(rows))
    keep = typ >= 0
    firm, typ = firm[keep], typ[keep]
    points = np.array([rules[k][0] for k in rules])[typ]
    totals = np.zeros((len(codes), len(rules)), dtype=np.int64)
    np.add.at(totals, (firm, typ), points)
    caps = np.array([rules[k][1] or 10**9 for k in rules])
    totals = np.clip(totals, -caps, caps)
    _scores = np.clip(method.base_score + totals.sum(axis=1), method.min_score, method.max_score)
    return time.perf_counter() - t


def _naive_loop(method, codes: list[str]) -> float:
    """One query per firm and a Python sum: the way not to do it."""
    from tongban.credit.models import CreditRecord, ScoringRule
    from tongban.credit.services.evaluation import COUNTED

    rules = {r.record_type: (r.points, r.cap) for r in ScoringRule.objects.filter(method=method)}
    start = TODAY.replace(year=TODAY.year - 2)
    t = time.perf_counter()
    for code in codes:
        per: dict[str, int] = {}
        for rt in CreditRecord.objects.filter(subject_code=code, decided_on__gte=start, status__in=COUNTED).values_list(
                "record_type", flat=True):
            if rt in rules:
                per[rt] = per.get(rt, 0) + rules[rt][0]
        total = sum(max(-(rules[k][1] or 10**9), min(v, rules[k][1] or 10**9)) for k, v in per.items())
        _score = max(method.min_score, min(method.max_score, method.base_score + total))
    return time.perf_counter() - t


def _naive_standing(code: str) -> None:
    from tongban.credit.models import CreditRecord, Evaluation, ListEntry

    list(CreditRecord.objects.filter(subject_code=code, status__in=["published", "unpublished"]).values("severity"))
    list(ListEntry.objects.filter(subject_code=code, status="member").values("credit_list__name"))
    Evaluation.objects.filter(subject_code=code, run__status="published").order_by("-run__run_at").first()


def run() -> dict:
    firms = int(os.environ.get("BENCH_FIRMS", 200_000))
    records = int(os.environ.get("BENCH_RECORDS", 2_000_000))
    sample = min(int(os.environ.get("BENCH_SAMPLE", 500)), firms)
    _setup(os.environ.get("BENCH_DATABASE_URL"))
    from django.db import connection

    from tongban.core import standing
    from tongban.credit import services
    from tongban.credit.models import Evaluation, ScoringMethod

    t = time.perf_counter()
    codes, admin = _generate(firms, records)
    gen = time.perf_counter() - t
    method = ScoringMethod.objects.get(code="bench")
    t = time.perf_counter()
    run_ = services.evaluation_run(actor=admin)
    evaluation = time.perf_counter() - t
    services.evaluation_publish(actor=admin, run_id=run_.pk)
    assert Evaluation.objects.filter(run=run_).count() == firms
    ref_numpy = _numpy_reference(method)
    rng = random.Random(7)
    naive = _naive_loop(method, rng.sample(codes, sample)) / sample * firms

    batch = rng.sample(codes, min(1000, firms))
    timings = []
    for _ in range(5):
        t = time.perf_counter()
        standing.standing_bulk(batch)
        timings.append((time.perf_counter() - t) / len(batch) * 1000)
    bulk_ms = min(timings)
    singles = []
    for code in rng.sample(codes, min(200, firms)):
        t = time.perf_counter()
        standing.standing_of(code)
        singles.append((time.perf_counter() - t) * 1000)
    single_ms = statistics.median(singles)
    naive_s = []
    for code in rng.sample(codes, min(200, firms)):
        t = time.perf_counter()
        _naive_standing(code)
        naive_s.append((time.perf_counter() - t) * 1000)
    naive_ms = statistics.median(naive_s)
    print(f"{connection.vendor}: {firms:,} firms, {records:,} records (generated in {gen:.1f} s)")
    print_table(["measure", "Tongban", "reference", "target"], [
        ["evaluation run, every firm (s)", f"{evaluation:.2f}", f"numpy {ref_numpy:.2f} / naive loop ≈{naive:.0f}", "≤ 30"],
        ["standing, bulk of 1,000 (ms per subject)", f"{bulk_ms:.3f}", "—", "≤ 2"],
        ["standing_of, one subject (ms, median)", f"{single_ms:.2f}", f"naive 3 queries {naive_ms:.2f}", "≤ 2"],
    ])
    return {"vendor": connection.vendor, "firms": firms, "records": records, "evaluation_s": round(evaluation, 3),
            "numpy_reference_s": round(ref_numpy, 3), "naive_loop_extrapolated_s": round(naive, 1),
            "standing_bulk_ms_per_subject": round(bulk_ms, 4), "standing_of_ms": round(single_ms, 3),
            "naive_standing_ms": round(naive_ms, 3)}
