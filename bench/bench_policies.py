"""Policy matching: Tongban against OpenFisca, exactness, and persisted runs on PostgreSQL.

100 three-condition policies × 1,000,000 enterprises, Tongban side by side with OpenFisca
(openfisca-core, requirements-bench.txt) in one run; exactness on a boundary test set; then on
PostgreSQL the first full run with its match records, a re-run after 1% of profiles changed, and
one explanation.

Environment: BENCH_ENTERPRISES (default 1000000), BENCH_POLICIES (100), BENCH_REPEAT (3, best
of), BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tongban_bench_policies;
the database is dropped and recreated), BENCH_SKIP_DB=1 to run the in-memory comparison only.
Quick run: BENCH_ENTERPRISES=100000 python -m bench policies
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import statistics
import time
from decimal import Decimal

import numpy as np

from ._table import print_table

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tongban_bench_policies"
TODAY = dt.date(2026, 6, 15)
REGIONS = np.array(
    [410102, 410103, 410105, 410122, 410181, 410303, 410305, 410311, 410702, 411002], dtype=np.int32
)
INDUSTRIES = [
    "C1310",
    "C3311",
    "E4700",
    "F5123",
    "G5810",
    "G5920",
    "I6510",
    "K7010",
    "M7320",
    "M7484",
]
TAG_NAMES = [
    "高新技术企业",
    "科技型中小企业",
    "专精特新",
    "外贸企业",
    "守信激励对象",
    "退役军人创业",
]

# The condition palette policies are drawn from (like real policies, many share a condition).
AREAS = ["2000", "5000", "20000", "1999.99", "30000.01"]
MONEY = ["1000000", "5000000", "10000000.01", "50000000", "3000000.5"]
REVENUE = ["20000000", "100000000", "400000000.5", "12345678.91"]


def _setup_django(url: str | None) -> None:
    if url:
        import psycopg

        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    import django

    django.setup()
    if url:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


# --- rules -------------------------------------------------------------------------------------


def _leaf(rng: random.Random) -> dict:
    kind = rng.randrange(10)
    if kind == 0:
        return {
            "field": "project_floor_area",
            "op": rng.choice(["lt", "lt", "gte"]),
            "value": rng.choice(AREAS),
        }
    if kind == 1:
        return {
            "field": "registered_capital",
            "op": rng.choice(["gt", "lte"]),
            "value": rng.choice(MONEY),
        }
    if kind == 2:
        return {
            "field": "annual_revenue",
            "op": rng.choice(["lt", "gte"]),
            "value": rng.choice(REVENUE),
        }
    if kind == 3:
        lo = rng.choice([10, 20, 100])
        return {"field": "employees", "op": "between", "value": [lo, lo * rng.choice([3, 10])]}
    if kind == 4:
        return {
            "field": "region_code",
            "op": "within",
            "value": rng.choice(["410100", "410300", "410102", "410700"]),
        }
    if kind == 5:
        return {
            "field": "size_class",
            "op": "in",
            "value": rng.choice([["micro"], ["micro", "small"], ["medium", "large"]]),
        }
    if kind == 6:
        return {
            "field": "founded_on",
            "op": rng.choice(["years_less_than", "years_at_least"]),
            "value": rng.choice([3, 5, 10]),
        }
    if kind == 7:
        return {"field": "credit_grade", "op": "gte", "value": rng.choice(["A", "B"])}
    if kind == 8:
        return {
            "field": "tags",
            "op": rng.choice(["has_any", "has_all"]),
            "value": rng.sample(TAG_NAMES, rng.choice([1, 2])),
        }
    return {
        "field": "project_use",
        "op": "in",
        "value": rng.choice([["logistics", "warehouse"], ["industrial"], ["commercial", "public"]]),
    }


def make_rules(n: int, seed: int = 9) -> list[dict]:
    from tongban.policies.rules.spec import validate

    rng = random.Random(seed)
    rules = []
    while len(rules) < n:
        fields = set()
        leaves = []
        while len(leaves) < 3:
            leaf = _leaf(rng)
            if leaf["field"] not in fields:
                fields.add(leaf["field"])
                leaves.append(leaf)
        rules.append(validate({"all": leaves}, tags=set(TAG_NAMES)))
    return rules


# --- data ----------------------------------------------------------------------------------------


def make_data(n: int, seed: int = 2026) -> dict[str, np.ndarray]:
    """Columns in fixed point; about 2% of money and area values sit exactly on, or one unit
    beside, a threshold of the palette (where float32 goes wrong)."""
    from tongban.policies.rules.vector import choice_index

    g = np.random.default_rng(seed)
    data = {
        "ids": np.arange(1, n + 1, dtype=np.int64),
        "region_code": REGIONS[g.integers(0, len(REGIONS), n)],
        "industry_code": g.integers(1, len(INDUSTRIES) + 1, n).astype(np.int32),
        "size_class": g.choice(np.array([1, 2, 3, 4], dtype=np.int8), n, p=[0.4, 0.35, 0.2, 0.05]),
        "registered_capital": g.integers(10_000_00, 100_000_000_00, n, dtype=np.int64),
        "annual_revenue": g.integers(1_000_00, 1_000_000_000_00, n, dtype=np.int64),
        "employees": g.integers(1, 3000, n, dtype=np.int64),
        "founded_on": g.integers(
            (dt.date(1995, 1, 1) - dt.date(1970, 1, 1)).days, (TODAY - dt.date(1970, 1, 1)).days, n
        ).astype(np.int32),
        "credit_grade": g.integers(1, 5, n).astype(np.int8),
        "tags": g.integers(0, 64, n, dtype=np.int64) & g.integers(0, 64, n, dtype=np.int64),
        "project_use": g.integers(1, len(choice_index("project_use")) + 1, n).astype(np.int8),
        "project_floor_area": g.integers(100_00, 50_000_00, n, dtype=np.int64),
    }
    data["project_region"] = data["region_code"].copy()
    for field, palette in (
        ("registered_capital", MONEY),
        ("annual_revenue", REVENUE),
        ("project_floor_area", AREAS),
    ):
        idx = g.choice(n, n // 50, replace=False)
        thresholds = np.array([int(Decimal(v) * 100) for v in palette], dtype=np.int64)
        data[field][idx] = thresholds[g.integers(0, len(thresholds), len(idx))] + g.integers(
            -1, 2, len(idx)
        )
    return data


def to_columns(data):
    from tongban.policies.rules.vector import Columns, set_column

    cols = Columns(ids=data["ids"], categories={"industry_code": ["", *INDUSTRIES]})
    for name, arr in data.items():
        if name != "ids":
            set_column(cols, name, arr, np.ones(len(arr), dtype=bool))
    return cols


def records_of(data, rows) -> list[dict]:
    from tongban.policies.rules.vector import choice_index

    names = {
        name: {i: v for v, i in choice_index(name).items()}
        for name in ("size_class", "credit_grade", "project_use")
    }
    out = []
    for i in rows:
        out.append(
            {
                "region_code": str(data["region_code"][i]),
                "industry_code": INDUSTRIES[data["industry_code"][i] - 1],
                "size_class": names["size_class"][int(data["size_class"][i])],
                "registered_capital": int(data["registered_capital"][i]),
                "annual_revenue": int(data["annual_revenue"][i]),
                "employees": int(data["employees"][i]),
                "founded_on": dt.date(1970, 1, 1) + dt.timedelta(days=int(data["founded_on"][i])),
                "credit_grade": names["credit_grade"][int(data["credit_grade"][i])],
                "tags": int(data["tags"][i]),
                "project_use": names["project_use"][int(data["project_use"][i])],
                "project_floor_area": int(data["project_floor_area"][i]),
                "project_region": str(data["project_region"][i]),
            }
        )
    return out


# --- the exactness oracle: independent of Tongban -------------------------------------------------
# Each rule is evaluated on one enterprise at a time with Python's Decimal, from the rule's own
# text (values as written: "1999.99" yuan or m²) and the enterprise's values in yuan / m². It
# shares no code with Tongban's evaluator or its `explain`.

GRADE_ORDER = "DCBA"  # worst to best: "gte B" means B or A


def _within(code: str, region: str) -> bool:
    if region.endswith("0000"):
        return code[:2] == region[:2]
    if region.endswith("00"):
        return code[:4] == region[:4]
    return code == region


def oracle_leaf(leaf: dict, rec: dict) -> bool:
    f, op, v = leaf["field"], leaf["op"], leaf["value"]
    if f in ("registered_capital", "annual_revenue", "project_floor_area", "employees"):
        actual = Decimal(rec[f]) if f == "employees" else Decimal(rec[f]) / 100
        if op == "between":
            return Decimal(str(v[0])) <= actual <= Decimal(str(v[1]))
        t = Decimal(str(v))
        return {"lt": actual < t, "lte": actual <= t, "gt": actual > t, "gte": actual >= t}[op]
    if op == "within":
        return _within(rec[f], v)
    if f == "credit_grade":
        return GRADE_ORDER.index(rec[f]) >= GRADE_ORDER.index(v)
    if op == "in":
        return rec[f] in v
    if f == "founded_on":
        anniversary = dt.date(TODAY.year - int(v), TODAY.month, TODAY.day)  # TODAY is not 29 Feb
        return rec[f] <= anniversary if op == "years_at_least" else rec[f] > anniversary
    held = {name for bit, name in enumerate(TAG_NAMES) if rec[f] >> bit & 1}
    return bool(held & set(v)) if op == "has_any" else set(v) <= held


def oracle(rule: dict, rec: dict) -> bool:
    return all(oracle_leaf(leaf, rec) for leaf in rule["all"])


# --- OpenFisca: the same rules as variables with vectorised formulas ------------------------------


def openfisca_system(rules, shared: bool = False):
    """The rules as OpenFisca variables. With ``shared``, every distinct condition is its own
    variable, which OpenFisca computes once per simulation and every policy reuses (as Tongban
    shares sub-conditions): the fairest vectorised formulation we could write."""
    from openfisca_core.entities import build_entity
    from openfisca_core.periods import YEAR
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    from tongban.policies.rules.spec import years_before
    from tongban.policies.rules.vector import choice_index, region_span

    ent = build_entity(key="enterprise", plural="enterprises", label="企业", is_person=True)
    system = TaxBenefitSystem([ent])
    types = {
        "registered_capital": float,
        "annual_revenue": float,
        "project_floor_area": float,
        "founded_on": dt.date,
    }
    for name in (
        "region_code",
        "industry_code",
        "size_class",
        "registered_capital",
        "annual_revenue",
        "employees",
        "founded_on",
        "credit_grade",
        "tags",
        "project_use",
        "project_floor_area",
        "project_region",
    ):
        system.add_variable(
            type(
                name,
                (Variable,),
                {
                    "value_type": types.get(name, int),
                    "entity": ent,
                    "definition_period": YEAR,
                    "label": name,
                },
            )
        )
    tag_bit = {t: i for i, t in enumerate(TAG_NAMES)}

    def leaf_fn(leaf):
        f, op, v = leaf["field"], leaf["op"], leaf["value"]
        if f in ("registered_capital", "annual_revenue", "project_floor_area", "employees"):
            conv = int if f == "employees" else float  # yuan and m² as floats: OpenFisca's way
            if op == "between":
                lo, hi = (conv(x) for x in v)
                return lambda e, p: (e(f, p) >= lo) * (e(f, p) <= hi)
            t = conv(v)
            return {
                "lt": lambda e, p: e(f, p) < t,
                "lte": lambda e, p: e(f, p) <= t,
                "gt": lambda e, p: e(f, p) > t,
                "gte": lambda e, p: e(f, p) >= t,
            }[op]
        if op == "within":
            lo, hi = region_span(int(v))
            return lambda e, p: (e(f, p) >= lo) * (e(f, p) <= hi)
        if op == "in":
            idx = choice_index(f)
            wanted = np.array([idx[x] for x in v])
            return lambda e, p: np.isin(e(f, p), wanted)
        if f == "founded_on":
            cutoff = np.datetime64(years_before(TODAY, int(v)))
            return (
                (lambda e, p: e(f, p) <= cutoff)
                if op == "years_at_least"
                else (lambda e, p: e(f, p) > cutoff)
            )
        if f == "credit_grade":
            target = choice_index(f)[v]
            return lambda e, p: e(f, p) >= target
        mask = sum(1 << tag_bit[t] for t in v)
        return (
            (lambda e, p: (e(f, p) & mask) != 0)
            if op == "has_any"
            else (lambda e, p: (e(f, p) & mask) == mask)
        )

    names = []
    conditions: dict[str, str] = {}
    if shared:
        import json

        for rule in rules:
            for leaf in rule["all"]:
                key = json.dumps(leaf, sort_keys=True, ensure_ascii=False)
                if key in conditions:
                    continue
                cname = f"condition_{len(conditions)}"
                conditions[key] = cname
                fn = leaf_fn(leaf)
                system.add_variable(type(cname, (Variable,), {
                    "value_type": bool, "entity": ent, "definition_period": YEAR, "label": cname,
                    "formula": (lambda enterprise, period, parameters, fn=fn: fn(enterprise, period)),
                }))
    for n, rule in enumerate(rules):
        if shared:
            import json

            cnames = [conditions[json.dumps(leaf, sort_keys=True, ensure_ascii=False)] for leaf in rule["all"]]

            def formula(enterprise, period, parameters, cnames=cnames):
                out = enterprise(cnames[0], period)
                for c in cnames[1:]:
                    out = out * enterprise(c, period)
                return out
        else:
            fns = [leaf_fn(leaf) for leaf in rule["all"]]

            def formula(enterprise, period, parameters, fns=fns):
                return (
                    fns[0](enterprise, period) * fns[1](enterprise, period) * fns[2](enterprise, period)
                )

        name = f"policy_{n}"
        system.add_variable(
            type(
                name,
                (Variable,),
                {
                    "value_type": bool,
                    "entity": ent,
                    "definition_period": YEAR,
                    "label": name,
                    "formula": formula,
                },
            )
        )
        names.append(name)
    return system, names


def openfisca_simulation(system, data):
    from openfisca_core.simulations import SimulationBuilder

    n = len(data["ids"])
    sim = SimulationBuilder().build_default_simulation(system, count=n)
    for name, arr in data.items():
        if name == "ids":
            continue
        if name in ("registered_capital", "annual_revenue", "project_floor_area"):
            sim.set_input(name, "2026", arr / 100)  # stored by OpenFisca as float32
        elif name == "founded_on":
            sim.set_input(name, "2026", arr.astype("datetime64[D]"))
        else:
            sim.set_input(name, "2026", arr.astype(np.int32))
    return sim


# --- the in-memory comparison ---------------------------------------------------------------------


def compare(n: int, n_policies: int, repeat: int) -> list[list]:
    from tongban.policies.rules import explain as ex
    from tongban.policies.rules.vector import Evaluator, build_columns

    rules = make_rules(n_policies)
    data = make_data(n)
    cols = to_columns(data)
    bits = {t: i for i, t in enumerate(TAG_NAMES)}
    tb_times, of_times = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ev = Evaluator(cols, TODAY, bits)
        ours = [ev.evaluate(r) for r in rules]
        tb_times.append(time.perf_counter() - t0)
    system, names = openfisca_system(rules)
    for _ in range(repeat):
        sim = openfisca_simulation(system, data)
        t0 = time.perf_counter()
        theirs = [sim.calculate(name, "2026") for name in names]
        of_times.append(time.perf_counter() - t0)
    shared_system, shared_names = openfisca_system(rules, shared=True)
    ofs_times = []
    for _ in range(repeat):
        sim = openfisca_simulation(shared_system, data)
        t0 = time.perf_counter()
        theirs_shared = [sim.calculate(name, "2026") for name in shared_names]
        ofs_times.append(time.perf_counter() - t0)
    same_as_naive = all((a == b).all() for a, b in zip(theirs, theirs_shared, strict=True))
    differ = sum(int((a != b).sum()) for a, b in zip(ours, theirs, strict=True))
    eligible = sum(int(a.sum()) for a in ours)
    their_eligible = sum(int(b.sum()) for b in theirs)
    # Who is right where the two differ? Judge a sample one enterprise at a time, exactly.
    sample = []
    for p_idx, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        for i in np.flatnonzero(a != b)[:5].tolist():
            sample.append((p_idx, i))
    sample = sample[:200]
    recs = records_of(data, [i for _, i in sample])
    ours_right = sum(
        oracle(rules[p_idx], rec) == bool(ours[p_idx][i])
        for (p_idx, i), rec in zip(sample, recs, strict=True)
    )
    # A random sample judged by the oracle on every policy.
    picks = np.random.default_rng(5).choice(n, min(n, int(os.environ.get("BENCH_ORACLE_SAMPLE", "5000"))), replace=False)
    sample_recs = records_of(data, picks.tolist())
    truth = np.array([[oracle(r, rec) for rec in sample_recs] for r in rules])
    tb_sample_err = int((np.array([a[picks] for a in ours]) != truth).sum())
    of_sample_err = int((np.array([b[picks] for b in theirs]) != truth).sum())

    # Boundary test set: for each numeric condition, enterprises one unit below, on and above it.
    rows = []
    g = np.random.default_rng(7)
    boundary = {k: [] for k in data}
    for rule in rules:
        for leaf in rule["all"]:
            if leaf["field"] not in (
                "registered_capital",
                "annual_revenue",
                "project_floor_area",
                "employees",
            ):
                continue
            values = leaf["value"] if isinstance(leaf["value"], list) else [leaf["value"]]
            scale = 1 if leaf["field"] == "employees" else 100
            for v in values:
                t = int(Decimal(str(v)) * scale)
                for delta in (-1, 0, 1):
                    i = int(g.integers(0, n))
                    for k in data:
                        boundary[k].append(data[k][i])
                    boundary[leaf["field"]][-1] = t + delta
                    rows.append(len(rows))
    bdata = {k: np.array(v, dtype=data[k].dtype) for k, v in boundary.items()}
    bdata["ids"] = np.arange(1, len(rows) + 1, dtype=np.int64)
    records = records_of(bdata, range(len(rows)))
    exact = np.array([[oracle(r, rec) for rec in records] for r in rules])
    explain_agrees = bool(
        (np.array([[ex.explain(r, rec, today=TODAY, tag_bits=bits).passed for rec in records] for r in rules])
         == exact).all()
    )
    bcols = build_columns(
        bdata["ids"].tolist(), {k: [rec[k] for rec in records] for k in records[0]}
    )
    bev = Evaluator(bcols, TODAY, bits)
    tb_err = int((np.array([bev.evaluate(r) for r in rules]) != exact).sum())
    bsim = openfisca_simulation(system, bdata)
    of_err = int((np.array([bsim.calculate(name, "2026") for name in names]) != exact).sum())
    pairs = len(rules) * len(rows)
    tb, of, ofs = min(tb_times), min(of_times), min(ofs_times)
    return [
        ["规则 × 企业", f"{n_policies} × {n:,}", f"{n_policies} × {n:,}", ""],
        [
            f"匹配计算（最优 / 共 {repeat} 次）",
            f"{tb:.3f} s",
            f"{of:.3f} s（逐条件）",
            f"Tongban 快 {of / tb:.1f} 倍",
        ],
        [
            "OpenFisca 共享子条件（每个不同条件一个变量）",
            "",
            f"{ofs:.3f} s（{len(shared_system.variables) - len(names) - 12} 个条件变量）",
            f"Tongban 快 {ofs / tb:.1f} 倍；结果与逐条件写法{'相同' if same_as_naive else '不同'}",
        ],
        [
            f"随机抽样 {len(picks):,} 家 × {n_policies} 项，以 Decimal 独立判定为准",
            f"误判 {tb_sample_err}",
            f"误判 {of_sample_err}",
            "判定器与 Tongban 不共享代码",
        ],
        [
            "符合条件的（政策, 企业）对",
            f"{eligible:,}",
            f"{their_eligible:,}（{differ:,} 对不同）",
            f"抽查不同处 {len(sample)} 对，Tongban 正确 {ours_right} 对",
        ],
        [
            f"边界测试集（{len(rows)} 家 × {n_policies} 项 = {pairs:,} 对）",
            f"误判 {tb_err}",
            f"误判 {of_err}",
            f"以 Decimal 独立判定为准；Tongban explain 与之{'一致' if explain_agrees else '不一致'}",
        ],
    ]


# --- persisted runs on PostgreSQL -----------------------------------------------------------------


def _copy(cursor, table: str, columns: list[str], lines) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buf = io.StringIO()
        for line in lines:
            buf.write(line)
            if buf.tell() > 8_000_000:
                copy.write(buf.getvalue())
                buf = io.StringIO()
        copy.write(buf.getvalue())


def persisted(n: int, n_policies: int) -> list[list]:
    from django.db import connection
    from django.utils import timezone

    from tongban.accounts.models import Organisation
    from tongban.policies import matching, selectors
    from tongban.policies.models import (
        EnterpriseProfile,
        Policy,
        PolicyMatch,
        PolicyTag,
        PolicyVersion,
    )
    from tongban.policies.rules.vector import choice_index

    rules = make_rules(n_policies)
    data = make_data(n)
    for bit, name in enumerate(TAG_NAMES):
        PolicyTag.objects.create(name=name, bit=bit)
    org = Organisation.objects.create(
        name="压测省人防办",
        kind="agency",
        level="province",
        division_code="410000",
        code="BENCHPOL",
        path="000001/",
    )
    for i, rule in enumerate(rules):
        policy = Policy.objects.create(
            title=f"压测政策{i + 1}",
            organisation=org,
            legal_basis="压测",
            benefit_type="subsidy",
            status=Policy.Status.PUBLISHED,
        )
        PolicyVersion.objects.create(
            policy=policy, number=1, valid_from=dt.date(2026, 1, 1), condition=rule
        )
    names = {
        f: {i: v for v, i in choice_index(f).items()}
        for f in ("size_class", "credit_grade", "project_use")
    }
    t0 = time.perf_counter()
    now = timezone.now().isoformat()
    epoch = dt.date(1970, 1, 1)
    with connection.cursor() as c:
        raw = c.cursor
        _copy(
            raw,
            "accounts_enterprise",
            ["id", "uscc", "name", "legal_representative", "division_code", "address"],
            (
                f"{i}\tBN{i:016d}\t压测企业{i}\t\t{data['region_code'][i - 1]}\t\n"
                for i in range(1, n + 1)
            ),
        )
        cols = {k: data[k].tolist() for k in data}
        _copy(
            raw,
            "policies_enterpriseprofile",
            [
                "id",
                "enterprise_id",
                "region_code",
                "industry_code",
                "size_class",
                "registered_capital_fen",
                "annual_revenue_fen",
                "employees",
                "founded_on",
                "credit_grade",
                "tag_bits",
                "project_use",
                "project_floor_area_cm2",
                "project_region",
                "source",
                "updated_at",
                "match_dirty",
            ],
            (
                f"{i + 1}\t{i + 1}\t{cols['region_code'][i]}\t{INDUSTRIES[cols['industry_code'][i] - 1]}\t"
                f"{names['size_class'][cols['size_class'][i]]}\t{cols['registered_capital'][i]}\t{cols['annual_revenue'][i]}\t"
                f"{cols['employees'][i]}\t{epoch + dt.timedelta(days=cols['founded_on'][i])}\t"
                f"{names['credit_grade'][cols['credit_grade'][i]]}\t{cols['tags'][i]}\t{names['project_use'][cols['project_use'][i]]}\t"
                f"{cols['project_floor_area'][i]}\t{cols['project_region'][i]}\tbench\t{now}\tt\n"
                for i in range(n)
            ),
        )
        for table in ("accounts_enterprise", "policies_enterpriseprofile"):
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        c.execute("ANALYZE")
    setup = time.perf_counter() - t0

    t0 = time.perf_counter()
    full = matching.run_full(on=TODAY)
    full_s = time.perf_counter() - t0
    with connection.cursor() as c:
        c.execute("ANALYZE policies_policymatch")

    # 1% of profiles change: a new headcount and a project half as large.
    rng = random.Random(11)
    changed = rng.sample(range(1, n + 1), max(1, n // 100))
    with connection.cursor() as c:
        c.execute(
            "UPDATE policies_enterpriseprofile SET employees = 3001 - employees, "
            "project_floor_area_cm2 = project_floor_area_cm2 / 2, match_dirty = true, updated_at = now() "
            "WHERE id = ANY(%s)",
            [changed],
        )
    t0 = time.perf_counter()
    inc = matching.run_profiles(on=TODAY)
    inc_s = time.perf_counter() - t0
    check = matching.run_full(on=TODAY)  # must find nothing left to change

    all_policies = list(Policy.objects.order_by("pk"))
    timings = []
    picks = [(rng.choice(all_policies), rng.randrange(1, n + 1)) for _ in range(1000)]
    for policy, pk in picks:
        t0 = time.perf_counter()
        profile = EnterpriseProfile.objects.select_related("enterprise").get(pk=pk)
        result = selectors.explain_for(policy, profile, TODAY)
        timings.append((time.perf_counter() - t0) * 1000)
        assert result["step"] is not None
    records = PolicyMatch.objects.count()
    timings.sort()
    return [
        ["准备：COPY 写入企业与画像（不计时）", f"{n:,} 家", f"{setup:.1f} s", ""],
        [
            "首次全量匹配并写入匹配记录",
            f"{n_policies} × {n:,}",
            f"{full_s:.1f} s",
            f"新增 {full.created:,} 条；目标 ≤ 60 s",
        ],
        [
            "1% 画像变更后的增量匹配",
            f"{len(changed):,} 家变更",
            f"{inc_s:.2f} s",
            f"新增 {inc.created:,}，恢复 {inc.reopened:,}，失效 {inc.expired:,}；目标 ≤ 2 s",
        ],
        [
            "增量后再全量核对（应无变化）",
            "",
            f"{check.seconds:.1f} s",
            f"新增 {check.created}，恢复 {check.reopened}，失效 {check.expired}",
        ],
        [
            "单个解释（读画像 + 版本 + 逐条说明）",
            f"1,000 次，{len(all_policies)} 项政策轮换",
            f"中位 {statistics.median(timings):.2f} ms",
            f"p95 {timings[int(len(timings) * 0.95)]:.2f} ms；目标 ≤ 5 ms",
        ],
        ["匹配记录总数", "", f"{records:,}", ""],
    ]


def run() -> None:
    n = int(os.environ.get("BENCH_ENTERPRISES", "1000000"))
    n_policies = int(os.environ.get("BENCH_POLICIES", "100"))
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    skip_db = os.environ.get("BENCH_SKIP_DB") == "1"
    _setup_django(None if skip_db else os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    from importlib.metadata import version

    print(
        f"\n同一数据、同一规则：Tongban（定点整数列 + 共享子条件）对比 OpenFisca {version('openfisca-core')}（float32）"
    )
    print_table(["项目", "Tongban", "OpenFisca", "说明"], compare(n, n_policies, repeat))
    if skip_db:
        return
    from django.db import connection

    print(f"\n持久化（{connection.vendor}）")
    print_table(["步骤", "规模", "用时", "说明"], persisted(n, n_policies))
