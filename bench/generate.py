"""Generate a platform-shaped dataset at a chosen scale, reproducibly from a seed:

    python -m bench.generate --database postgres://postgres@127.0.0.1:5432/tongban_scale \\
        --cities 18 --enterprises 100000 --appeals 100000 --cases 1000000 --seed 2026

Organisations (a province, cities, counties with departments), enterprises with valid 统一社会信用代码,
appeals of every kind and channel, one published catalogue item per city, and cases spread over
them in every open state, with dates
relative to today. The same seed gives the same rows. Existing generated rows are replaced.
"""

from __future__ import annotations

import argparse
import random
import time

from .bench_cases import _setup_django


def organisations(n_cities: int, rng: random.Random):
    from tongban.accounts.models import Organisation
    from tongban.accounts.services import _set_path

    def make(code, name, level, division, parent, kind="agency"):
        org, _ = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "level": level, "division_code": division, "parent": parent})
        _set_path(org)
        org.save(update_fields=["path", "depth"])
        return org

    province = make("GEN", "生成省人民防空办公室", "province", "410000", None)
    cities = []
    for c in range(n_cities):
        division = f"41{c + 1:02d}00"
        city = make(f"GEN{c:02d}", f"生成{c + 1}市人民防空办公室", "city", division, province)
        make(f"GEN{c:02d}-SPB", f"生成{c + 1}市人防行政审批科", "city", division, city, kind="department")
        for k in range(rng.randint(2, 4)):
            make(f"GEN{c:02d}-{k:02d}", f"生成{c + 1}市第{k + 1}县人防办", "county", f"41{c + 1:02d}{k + 21:02d}", city)
        cities.append(city)
    return province, cities


def enterprises(n: int, cities, rng: random.Random) -> int:
    from tongban.accounts.models import Enterprise
    from tongban.core.validators import make_uscc

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    have = set(Enterprise.objects.filter(name__startswith="生成企业").values_list("uscc", flat=True))
    rows = []
    for i in range(n):
        city = cities[i % len(cities)]
        body = "".join(rng.choice(alphabet[:10]) for _ in range(8))
        uscc = make_uscc("9", "1", city.division_code, body)
        if uscc in have:
            continue
        have.add(uscc)
        rows.append(Enterprise(uscc=uscc, name=f"生成企业{i:07d}有限公司", division_code=city.division_code))
        if len(rows) >= 5000:
            Enterprise.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Enterprise.objects.bulk_create(rows, ignore_conflicts=True)
    return Enterprise.objects.filter(name__startswith="生成企业").count()


def appeals(n: int, cities, rng: random.Random) -> int:
    """Appeals of every kind and channel, received over the last 60 days, routed to the cities."""
    import datetime as dt

    from django.utils import timezone

    from tongban.appeals.models import Appeal, Channel, Kind
    from tongban.core.calendar import WorkCalendar
    from tongban.core.timeutil import today

    Appeal.objects.filter(number__startswith="GEN-").delete()
    cal = WorkCalendar.default()
    topics = ["防空地下室易地建设费", "人防工程竣工验收备案", "人防工程质量监督", "报建审批进度", "窗口服务态度", "材料重复提交"]
    kinds, channels = list(Kind.values), list(Channel.values)
    now, day0 = timezone.now(), today()
    rows = []
    for i in range(n):
        received = day0 - dt.timedelta(days=rng.randrange(60))
        limit = rng.choice([5, 10, 15])
        topic = rng.choice(topics)
        rows.append(Appeal(
            number=f"GEN-{i:08d}", query_code=f"{rng.randrange(16**6):06X}", kind=rng.choice(kinds),
            channel=rng.choice(channels), title=f"关于{topic}的诉求", content=f"生成数据：{topic}相关问题，第 {i} 件。",
            organisation=cities[i % len(cities)], submitted_at=now, received_on=received, limit_days=limit,
            clock_from=received, due_on=cal.add_workdays(received, limit),
            requester_name=f"生成群众{i % 997}", requester_phone=f"138{rng.randrange(10**8):08d}",
        ))
        if len(rows) >= 5000:
            Appeal.objects.bulk_create(rows)
            rows = []
    Appeal.objects.bulk_create(rows)
    return Appeal.objects.filter(number__startswith="GEN-").count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/tongban_scale")
    parser.add_argument("--cities", type=int, default=18)
    parser.add_argument("--enterprises", type=int, default=10000)
    parser.add_argument("--cases", type=int, default=100000)
    parser.add_argument("--appeals", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    _setup_django(args.database)
    from tongban.core.timeutil import today

    from .bench_cases import _fixtures, _generate

    t0 = time.perf_counter()
    _province, cities = organisations(args.cities, rng)
    n_ent = enterprises(args.enterprises, cities, rng)
    n_appeals = appeals(args.appeals, cities, rng)
    _cities, versions, _clerk, _approver, applicant = _fixtures()
    t_cases = _generate(args.cases, _cities, versions, applicant, today())
    print(f"organisations {1 + len(cities)} agencies, enterprises {n_ent:,}, appeals {n_appeals:,}, cases {args.cases:,} "
          f"({t_cases:.1f} s) in {time.perf_counter() - t0:.1f} s → {args.database}")


if __name__ == "__main__":
    main()
