"""Generate a realistic platform-shaped dataset at a chosen scale, reproducibly from a seed.

    python -m bench.generate --database postgres://postgres@127.0.0.1:5432/tongban_scale \\
        --cases 1000000 --seed 2026

What a province's civil air defence system looks like after two years online:
- organisations on three levels: a province, 18 cities, 4–5 counties each (≈ 110 agencies), each
  agency with its 行政审批 department;
- 500 published items spread over the agencies (the province holds more, counties few), with real
  legal limits (20 working days under 《行政许可法》第四十二条 for most, 10/15/30/45 for others),
  promised limits compressed to 25–60 % of them, stages with their own limits, 4–8 materials and
  sometimes a fee;
- 200,000 applicant accounts (70,000 enterprises with valid 统一社会信用代码, the rest citizens);
- cases in every state: 78 % concluded and delivered, 7 % refused, withdrawn or terminated,
  15 % open spread over the stages (待受理, 待补正, 审查中, 特别程序, 待签批) with stage deadlines;
  items drawn with a popularity skew; receipt dates over two years for closed cases, and for
  open ones within their item's promised time (4 % already late); every due date counted in
  working days on the platform's real calendar (调休 included); distinct query codes;
- appeals (one per ten cases), ratings (one per three concluded cases, 6 % bad) and e-licences
  (really SM2-signed, one per approved case up to --licences).

Cases are written with one INSERT … SELECT over a template row, so every column the model gains
later is filled as the ORM would fill it. PostgreSQL only (random() under setseed() makes the
rows reproducible). Existing generated rows are replaced.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from .bench_cases import _setup_django

PREFIX = "GEN"
LEGAL_LIMITS = [(20, 60), (10, 8), (15, 10), (30, 12), (45, 6), (60, 4)]  # (working days, weight)
TOPICS = ["防空地下室", "易地建设费", "人防工程竣工验收", "人防工程质量监督", "人防工程拆除", "人防工程使用",
          "防护设备", "平战结合", "人防车位", "警报设施"]
ACTIONS = ["审批", "备案", "核准", "核定", "登记", "变更", "注销", "延续", "确认", "减免"]


def organisations(rng: random.Random, n_cities: int = 18):
    from tongban.accounts.models import Organisation
    from tongban.accounts.services import _set_path

    def make(code, name, level, division, parent, kind="agency"):
        org, _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "level": level, "division_code": division,
                                 "parent": parent, "phone": "0371-12345678"})
        _set_path(org)
        org.save(update_fields=["path", "depth"])
        return org

    agencies = []
    province = make(PREFIX, "生成省人民防空办公室", "province", "410000", None)
    agencies.append(province)
    make(f"{PREFIX}-SPB", "行政审批处", "province", "410000", province, kind="department")
    for c in range(n_cities):
        division = f"41{c + 1:02d}00"
        city = make(f"{PREFIX}{c:02d}", f"生成{c + 1}市人民防空办公室", "city", division, province)
        make(f"{PREFIX}{c:02d}-SPB", "行政审批科", "city", division, city, kind="department")
        agencies.append(city)
        for k in range(rng.randint(4, 6)):
            county = make(f"{PREFIX}{c:02d}-{k:02d}", f"生成{c + 1}市第{k + 1}县人民防空办公室", "county",
                          f"41{c + 1:02d}{k + 21:02d}", city)
            make(f"{PREFIX}{c:02d}-{k:02d}-SPB", "行政审批股", "county", county.division_code, county,
                 kind="department")
            agencies.append(county)
    return agencies


def items(agencies, rng: random.Random, n: int = 500):
    """n published items: the province 10 %, cities 60 %, counties the rest."""
    from django.utils import timezone

    from tongban.catalog.models import Fee, ItemVersion, Material, ServiceItem, Stage

    generated = ServiceItem.objects.filter(implementation_code__startswith=f"{PREFIX}-ITEM-")
    generated.update(current_version=None)
    ItemVersion.objects.filter(item__in=generated).delete()
    generated.delete()
    by_level = {lvl: [a for a in agencies if a.level == lvl] for lvl in ("province", "city", "county")}
    owners = ([by_level["province"][0]] * (n // 10) + [rng.choice(by_level["city"]) for _ in range(n * 6 // 10)])
    owners += [rng.choice(by_level["county"]) for _ in range(n - len(owners))]
    limits = [d for d, w in LEGAL_LIMITS for _ in range(w)]
    now = timezone.now()
    versions = []
    for i, org in enumerate(owners):
        item = ServiceItem.objects.create(organisation=org, base_code=f"{PREFIX}-BASE-{i:04d}",
                                          implementation_code=f"{PREFIX}-ITEM-{i:04d}")
        legal = rng.choice(limits)
        promised = max(1, round(legal * rng.uniform(0.25, 0.6)))
        name = f"{rng.choice(TOPICS)}{rng.choice(ACTIONS)}（{i + 1}）"
        version = ItemVersion.objects.create(
            item=item, number=1, status="published", published_at=now, name=name, kind="licensing",
            legal_basis="《中华人民共和国人民防空法》第二十二条\n《中华人民共和国行政许可法》第四十二条",
            conditions="申请人为依法设立的建设单位；项目已取得建设工程规划许可。",
            legal_limit_days=legal, promised_limit_days=promised, place=f"{org.name}政务服务窗口",
            hours="工作日 9:00-12:00，13:30-17:30", consult_phone="0371-12345678", result_name=f"{name}决定书")
        item.current_version = version
        item.save(update_fields=["current_version"])
        Stage.objects.bulk_create([
            Stage(version=version, order=k, name=stage, limit_days=max(1, promised * share // 100))
            for k, (stage, share) in enumerate((("受理", 10), ("审查", 60), ("决定", 30)), 1)])
        Material.objects.bulk_create([
            Material(version=version, order=k, name=f"申请材料{k}", form=rng.choice(["electronic", "copy"]),
                     copies=1, required=k <= 3, source="申请人自备",
                     condition="" if k <= 3 else "涉及变更设计的")
            for k in range(1, rng.randint(4, 8) + 1)])
        if rng.random() < 0.15:
            Fee.objects.create(version=version, order=1, name="防空地下室易地建设费", standard="按应建面积计收",
                               amount=None, basis="计价格〔2000〕474号")
        versions.append(version)
    return versions


def applicants(rng: random.Random, n: int = 200_000, n_enterprises: int = 70_000, divisions=("410100",)):
    """n applicant accounts, the first n_enterprises of them acting for an enterprise."""
    from django.db import connection

    from tongban.accounts.models import Enterprise, User
    from tongban.core.validators import make_uscc

    if User.objects.filter(username__startswith="gen_u").count() == n:
        return n  # generated before with this size: keep them (deleting 200,000 users is slow)
    User.objects.filter(username__startswith="gen_u").delete()
    Enterprise.objects.filter(name__startswith="生成企业").delete()
    rows, seen = [], set()
    while len(rows) < n_enterprises:
        body = f"{rng.randrange(10**8):08d}"
        uscc = make_uscc("9", "1", rng.choice(divisions), body)
        if uscc not in seen:
            seen.add(uscc)
            rows.append(Enterprise(uscc=uscc, name=f"生成企业{len(rows):06d}有限公司",
                                   division_code=uscc[2:8], legal_representative="张三"))
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,
              is_staff, is_active, date_joined, kind, real_name, phone, citizen_id, organisation_id,
              enterprise_id)
            SELECT '!', false, 'gen_u' || g, '', '', '', false, true, now(),
              CASE WHEN g <= %(ne)s THEN 'enterprise' ELSE 'citizen' END,
              '生成用户' || g, '138' || lpad((g * 7919 %% 100000000)::text, 8, '0'),
              CASE WHEN g > %(ne)s THEN '41010119900101' || lpad((g %% 10000)::text, 4, '0') ELSE '' END,
              NULL, e.id
            FROM generate_series(1, %(n)s) AS g
            LEFT JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM accounts_enterprise
                       WHERE name LIKE '生成企业%%') e ON e.k = g AND g <= %(ne)s
            """,
            {"n": n, "ne": n_enterprises},
        )
    return n


def _calendar_tables(cur) -> None:
    """gen_cal(d, cum): working days up to and including d; gen_wpos(k, d): the k-th working day.
    add_workdays(d, n) = gen_wpos[gen_cal[d].cum + n], exactly WorkCalendar.add_workdays."""
    from tongban.core.calendar import WorkCalendar

    cal = WorkCalendar.default()
    day, end = dt.date(2019, 1, 1), dt.date(2031, 12, 31)
    cum, cal_rows, wpos_rows = 0, [], []
    while day <= end:
        if cal.is_workday(day):
            cum += 1
            wpos_rows.append((cum, day))
        cal_rows.append((day, cum))
        day += dt.timedelta(days=1)
    cur.execute("DROP TABLE IF EXISTS gen_cal; DROP TABLE IF EXISTS gen_wpos")
    cur.execute("CREATE UNLOGGED TABLE gen_cal (d date PRIMARY KEY, cum int NOT NULL)")
    cur.execute("CREATE UNLOGGED TABLE gen_wpos (k int PRIMARY KEY, d date NOT NULL)")
    with cur.copy("COPY gen_cal (d, cum) FROM STDIN") as copy:
        for row in cal_rows:
            copy.write_row(row)
    with cur.copy("COPY gen_wpos (k, d) FROM STDIN") as copy:
        for row in wpos_rows:
            copy.write_row(row)
    cur.execute("ANALYZE gen_cal; ANALYZE gen_wpos")


# Status mix (per 10,000): concluded work dominates, open work is spread over the stages.
MIX = [("delivered", 7300), ("concluded", 500), ("rejected", 350), ("withdrawn", 250), ("terminated", 100),
       ("submitted", 250), ("supplement", 100), ("review", 700), ("paused", 80), ("decision", 370)]


def cases(n: int, versions, seed: int, today: dt.date) -> float:
    """n cases over the items, written by one INSERT … SELECT; seconds taken."""
    from django.db import connection
    from django.utils import timezone

    from tongban.cases.models import Case

    t0 = time.perf_counter()
    applicant = __import__("tongban.accounts.models", fromlist=["User"]).User.objects.filter(
        username="gen_u1").first()
    v0 = versions[0]
    with connection.cursor() as cur:
        cur.execute("TRUNCATE cases_warningevent, cases_transition, core_press, cases_case RESTART IDENTITY CASCADE")
        Case.objects.create(
            number=f"{PREFIX}-TEMPLATE", query_code="000000", item_id=v0.item_id, version=v0,
            organisation_id=v0.item.organisation_id, applicant=applicant, applicant_name="模板",
            applicant_code="410101199001010000", contact_name="联系人", contact_phone="13800138000",
            submission_key="template", submitted_at=timezone.now(), received_on=today, acceptance_due=today,
            legal_limit_days=v0.legal_limit_days, promised_limit_days=v0.promised_limit_days)
        _calendar_tables(cur)
        cur.execute("SELECT cum FROM gen_cal WHERE d = %s", [today])
        today_cum = cur.fetchone()[0]
        cur.execute("DROP TABLE IF EXISTS gen_items")
        cur.execute(
            "CREATE UNLOGGED TABLE gen_items AS SELECT row_number() OVER (ORDER BY v.id) - 1 AS k, v.id AS version_id, "
            "v.item_id, i.organisation_id, v.legal_limit_days AS legal, v.promised_limit_days AS promised "
            "FROM catalog_itemversion v JOIN catalog_serviceitem i ON i.id = v.item_id "
            "WHERE i.implementation_code LIKE %s",
            [f"{PREFIX}-ITEM-%"],
        )
        cur.execute("ALTER TABLE gen_items ADD PRIMARY KEY (k)")
        cur.execute("DROP TABLE IF EXISTS gen_applicants")
        cur.execute(
            "CREATE UNLOGGED TABLE gen_applicants AS SELECT row_number() OVER (ORDER BY u.id) - 1 AS k, u.id, "
            "u.real_name, u.enterprise_id, coalesce(e.uscc, u.citizen_id) AS code, coalesce(e.name, u.real_name) AS name "
            "FROM accounts_user u LEFT JOIN accounts_enterprise e ON e.id = u.enterprise_id "
            "WHERE u.username LIKE 'gen_u%%'",
            [],
        )
        cur.execute("ALTER TABLE gen_applicants ADD PRIMARY KEY (k)")
        cur.execute("SELECT count(*) FROM gen_applicants")
        n_app = cur.fetchone()[0]
        bounds, acc = [], 0
        for status, share in MIX:
            acc += share
            bounds.append(f"WHEN r.u < {acc / 10000} THEN '{status}'")
        status_case = "CASE " + " ".join(bounds) + " END"
        overrides = {
            "number": "'GEN-' || lpad(g::text, 8, '0')",
            "query_code": "upper(substr(md5(%(seed)s || '-' || g), 1, 6))",
            "item_id": "it.item_id", "version_id": "it.version_id", "organisation_id": "it.organisation_id",
            "applicant_id": "ap.id", "enterprise_id": "ap.enterprise_id", "applicant_name": "ap.name",
            "applicant_code": "ap.code", "project_name": "'生成项目' || g", "submission_key": "'gen' || g",
            "status": "s.status",
            "decision": "CASE WHEN s.status IN ('concluded','delivered') THEN "
                        "CASE WHEN r.u2 < 0.94 THEN 'approve' ELSE 'deny' END ELSE '' END",
            "submitted_at": "d.received + time '09:00' + (r.u3 * interval '8 hours')",
            "received_on": "d.received",
            "acceptance_due": "(SELECT w.d FROM gen_wpos w WHERE w.k = c0.cum + 5)",
            "accepted_on": "d.accepted", "legal_limit_days": "it.legal", "promised_limit_days": "it.promised",
            "legal_due": "CASE WHEN d.accepted IS NOT NULL THEN (SELECT w.d FROM gen_wpos w WHERE w.k = ca.cum + it.legal) END",
            "promised_due": "CASE WHEN d.accepted IS NOT NULL THEN (SELECT w.d FROM gen_wpos w WHERE w.k = ca.cum + it.promised) END",
            "due_on": "CASE WHEN s.status = 'submitted' THEN (SELECT w.d FROM gen_wpos w WHERE w.k = c0.cum + 5) "
                      "WHEN s.status IN ('review','decision') THEN (SELECT w.d FROM gen_wpos w WHERE w.k = ca.cum + it.promised) END",
            "stage_started_on": "CASE WHEN s.status IN ('review','decision','paused') THEN d.stage_start END",
            "stage_due": "CASE WHEN s.status = 'review' THEN (SELECT w.d FROM gen_wpos w WHERE w.k = cs.cum + greatest(1, it.promised * 6 / 10)) "
                         "WHEN s.status = 'decision' THEN (SELECT w.d FROM gen_wpos w WHERE w.k = cs.cum + greatest(1, it.promised * 3 / 10)) END",
            "supplement_count": "CASE WHEN s.status = 'supplement' OR r.u2 < 0.12 THEN 1 ELSE 0 END",
            "concluded_on": "CASE WHEN s.status IN ('concluded','delivered') THEN d.concluded END",
            "delivered_on": "CASE WHEN s.status = 'delivered' THEN d.concluded + 1 END",
            "days_used": "CASE WHEN s.status IN ('concluded','delivered') THEN greatest(1, (it.promised * (0.3 + r.u2 * 0.8))::int) END",
            "row_version": "1", "updated_at": "now()",
        }
        columns = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
        select = ", ".join(overrides.get(col, f"t.{col}") for col in columns)
        cur.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0)])
        cur.execute(
            f"""
            INSERT INTO cases_case ({", ".join(columns)})
            SELECT {select}
            FROM generate_series(1, %(n)s) AS g
            CROSS JOIN (SELECT * FROM cases_case WHERE number = %(template)s) t
            CROSS JOIN LATERAL (SELECT random() + 0 * g AS u, random() + 0 * g AS u2, random() + 0 * g AS u3,
                                       floor(power(random() + 0 * g, 2.2) * %(n_items)s)::int AS ik,
                                       floor((random() + 0 * g) * %(n_app)s)::int AS ak, random() + 0 * g AS ud) r
            CROSS JOIN LATERAL (SELECT {status_case} AS status) s
            JOIN gen_items it ON it.k = r.ik
            JOIN gen_applicants ap ON ap.k = r.ak
            CROSS JOIN LATERAL (SELECT CASE
                WHEN s.status IN ('submitted') THEN (SELECT w.d FROM gen_wpos w WHERE w.k = %(today_cum)s - floor(r.ud * 4)::int)
                -- open work received within its promised time; 4 per cent of it already late
                WHEN s.status IN ('supplement','review','paused','decision') THEN
                     (SELECT w.d FROM gen_wpos w WHERE w.k = %(today_cum)s - 2 - floor(r.ud * (it.promised + 1))::int
                                                     - CASE WHEN r.u3 < 0.04 THEN it.promised ELSE 0 END)
                ELSE %(today)s::date - 30 - floor(r.ud * 700)::int END AS received) d0
            JOIN gen_cal c0 ON c0.d = d0.received
            CROSS JOIN LATERAL (SELECT d0.received,
                CASE WHEN s.status NOT IN ('submitted','supplement','rejected','withdrawn') THEN
                     (SELECT w.d FROM gen_wpos w WHERE w.k = c0.cum + 1 + floor(r.u3 * 2)::int) END AS accepted) d1
            LEFT JOIN gen_cal ca ON ca.d = d1.accepted
            CROSS JOIN LATERAL (SELECT d1.received, d1.accepted,
                CASE WHEN d1.accepted IS NOT NULL THEN
                     (SELECT w.d FROM gen_wpos w WHERE w.k = ca.cum + least(greatest(1, (it.promised * (0.3 + r.u2 * 0.8))::int), it.legal)) END AS concluded,
                CASE WHEN d1.accepted IS NOT NULL THEN least(%(today)s::date,
                     (SELECT w.d FROM gen_wpos w WHERE w.k = ca.cum + greatest(0, (it.promised * r.u2 * 0.5)::int))) END AS stage_start) d
            LEFT JOIN gen_cal cs ON cs.d = d.stage_start
            """,
            {"n": n, "template": f"{PREFIX}-TEMPLATE", "n_items": len(versions), "n_app": n_app,
             "today": today, "seed": str(seed), "today_cum": today_cum},
        )
        cur.execute("DELETE FROM cases_case WHERE number = %s", [f"{PREFIX}-TEMPLATE"])
        cur.execute("DROP TABLE gen_items; DROP TABLE gen_applicants")
        cur.execute("ANALYZE cases_case")
    return time.perf_counter() - t0


def appeals(n: int, agencies, rng: random.Random) -> int:
    """Appeals of every kind and channel, received over the last 90 days, routed to the agencies."""
    from django.utils import timezone

    from tongban.appeals.models import Appeal, Channel, Kind
    from tongban.core.calendar import WorkCalendar
    from tongban.core.timeutil import today

    Appeal.objects.filter(number__startswith="GEN-").delete()
    cal = WorkCalendar.default()
    topics = ["防空地下室易地建设费", "人防工程竣工验收备案", "人防工程质量监督", "报建审批进度", "窗口服务态度", "材料重复提交"]
    kinds, channels = list(Kind.values), list(Channel.values)
    day0 = today()
    rows = []
    for i in range(n):
        received = day0 - dt.timedelta(days=rng.randrange(90))
        limit = rng.choice([5, 10, 15])
        topic = rng.choice(topics)
        rows.append(Appeal(
            number=f"GEN-{i:08d}", query_code=f"{rng.randrange(16**6):06X}", kind=rng.choice(kinds),
            channel=rng.choice(channels), title=f"关于{topic}的诉求", content=f"生成数据：{topic}相关问题，第 {i} 件。",
            organisation=rng.choice(agencies),
            submitted_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9)) + dt.timedelta(minutes=rng.randrange(480))),
            received_on=received, limit_days=limit, clock_from=received, due_on=cal.add_workdays(received, limit),
            requester_name=f"生成群众{i % 997}", requester_phone=f"138{rng.randrange(10**8):08d}",
        ))
        if len(rows) >= 5000:
            Appeal.objects.bulk_create(rows)
            rows = []
    Appeal.objects.bulk_create(rows)
    settle_appeals(rng)
    return Appeal.objects.filter(number__startswith="GEN-").count()


def settle_appeals(rng: random.Random) -> dict[str, int]:
    """Give the generated appeals the states a hotline's year shows: most answered and called
    back (已办结) once their deadline has passed, the open ones mostly within their deadline, a few
    overdue, and the last days' intake still waiting to be confirmed (待受理)."""
    from tongban.appeals.models import Appeal, Status
    from tongban.core.timeutil import today

    day0 = today()
    groups: dict[str, list[int]] = {}
    for pk, received, due in Appeal.objects.filter(number__startswith="GEN-").values_list("id", "received_on", "due_on"):
        r = rng.random()
        if (day0 - received).days <= 2:
            status = Status.RECEIVED if r < 0.6 else Status.HANDLING
        elif due >= day0:  # within the deadline
            status = Status.HANDLING if r < 0.55 else Status.REPLIED if r < 0.8 else Status.CLOSED
        else:  # past the deadline: nearly all concluded, a few overdue ones still open
            status = Status.CLOSED if r < 0.9 else Status.REPLIED if r < 0.95 else Status.HANDLING
        groups.setdefault(status, []).append(pk)
    for status, ids in groups.items():
        for k in range(0, len(ids), 5000):
            Appeal.objects.filter(pk__in=ids[k:k + 5000]).update(status=status)
    return {status: len(ids) for status, ids in groups.items()}


def ratings() -> int:
    """One rating per three concluded cases, 6 % of them bad (level 1–2), in one INSERT … SELECT."""
    from django.db import connection

    from tongban.reviews.models import Rating

    columns = [f.column for f in Rating._meta.concrete_fields if f.column != "id"]
    overrides = {
        "target": "'case'", "case_id": "c.id", "appeal_id": "NULL", "window_id": "NULL",
        "organisation_id": "c.organisation_id", "item_id": "c.item_id", "staff_id": "NULL",
        "level": "CASE WHEN c.id %% 50 < 3 THEN 1 + c.id %% 2 WHEN c.id %% 50 < 8 THEN 3 ELSE 4 + c.id %% 2 END",
        "aspects": "'[]'::jsonb", "text": "''", "channel": "'online'", "real_name": "true",
        "rater_id": "c.applicant_id", "rater_name": "''", "rater_phone": "''", "state": "'normal'",
        "rated_on": "coalesce(c.delivered_on, c.concluded_on)", "created_at": "now()",
    }
    missing = [col for col in columns if col not in overrides]
    if missing:
        raise SystemExit(f"reviews.Rating has new columns the generator does not fill: {missing}")
    with connection.cursor() as cur:
        cur.execute("DELETE FROM reviews_rating WHERE case_id IN (SELECT id FROM cases_case WHERE number LIKE 'GEN-%%')", [])
        cur.execute(
            f"INSERT INTO reviews_rating ({', '.join(columns)}) SELECT {', '.join(overrides[c] for c in columns)} "
            "FROM cases_case c WHERE c.number LIKE 'GEN-%%' AND c.status IN ('concluded', 'delivered') AND c.id %% 3 = 0",
            [],
        )
        return cur.rowcount


def licences(limit: int) -> int:
    """Really signed e-licences for the first `limit` approved cases (SM2 signing costs ~15 ms)."""
    from tongban.cases.models import Case
    from tongban.licences import services
    from tongban.licences.models import Licence, LicenceType

    if limit <= 0:
        return 0
    first = Case.objects.filter(number__startswith="GEN-", decision="approve").select_related("organisation").first()
    if first is None:
        return 0
    lt, _ = LicenceType.objects.get_or_create(code="LIC-GEN", defaults={
        "name": "人防工程建设审批意见书", "organisation": first.organisation, "validity_months": 24,
        "fields": [{"key": "project_name", "label": "项目名称", "source": "project_name", "public": True}]})
    Licence.objects.filter(licence_type=lt).delete()
    made = 0
    for case in Case.objects.filter(number__startswith="GEN-", decision="approve").select_related("organisation")[:limit]:
        services.licence_issue(actor=None, licence_type=lt, issuer=case.organisation, holder_name=case.applicant_name,
                               holder_code=case.applicant_code, fields={"project_name": case.project_name})
        made += 1
    return made


def generate(*, cases_n: int, seed: int, appeals_n: int | None = None, licences_n: int = 2000,
             applicants_n: int = 200_000, items_n: int = 500) -> dict:
    from django.db import connection

    from tongban.core.timeutil import today

    rng = random.Random(seed)
    t0 = time.perf_counter()
    with connection.cursor() as cur:  # a rerun replaces everything generated before (a bench database)
        cur.execute("TRUNCATE cases_case, appeals_appeal RESTART IDENTITY CASCADE")
    def step(label, func, *args):
        t = time.perf_counter()
        out = func(*args)
        print(f"  generate: {label} {time.perf_counter() - t:.1f} s", flush=True)
        return out

    agencies = step("organisations", organisations, rng)
    versions = step("items", items, agencies, rng, items_n)
    step("applicants", applicants, rng, applicants_n, min(70_000, applicants_n * 7 // 20),
         tuple(a.division_code for a in agencies))
    t_cases = step("cases", cases, cases_n, versions, seed, today())
    n_appeals = step("appeals", appeals, cases_n // 10 if appeals_n is None else appeals_n, agencies, rng)
    n_ratings = step("ratings", ratings)
    n_licences = step("licences", licences, licences_n)
    return {"agencies": len(agencies), "items": len(versions), "applicants": applicants_n, "cases": cases_n,
            "cases_s": round(t_cases, 1), "appeals": n_appeals, "ratings": n_ratings,
            "licences": n_licences,
            "seconds": round(time.perf_counter() - t0, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/tongban_scale")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--applicants", type=int, default=200_000)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--appeals", type=int, default=None, help="default: one per ten cases")
    parser.add_argument("--licences", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    _setup_django(args.database)
    figures = generate(cases_n=args.cases, seed=args.seed, appeals_n=args.appeals, licences_n=args.licences,
                       applicants_n=args.applicants, items_n=args.items)
    print(", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in figures.items()), "→", args.database)


if __name__ == "__main__":
    main()
