"""Inspections test data: an office with inspectors holding certificates, a head, a published
item, a directory of enterprises, a filed plan and a task — all through the real services."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from django.utils import timezone

from tongban.accounts.models import EnforcementCertificate, Role
from tongban.inspections import selectors, services
from tongban.inspections.models import InspectorProfile

from ..factories import EnterpriseFactory, StaffFactory

REDRAW = Path(__file__).resolve().parents[2] / "scripts" / "redraw.py"
DAY = dt.date(2026, 3, 2)  # a Monday


_count = [0]


def inspector(org, name, *, specialties=(), valid_until=dt.date(2030, 12, 31)):
    _count[0] += 1
    n = _count
    user = StaffFactory(username=f"i_insp{n[0]}_{name}", real_name=name, organisation=org, roles=[Role.INSPECTOR])
    EnforcementCertificate.objects.create(user=user, number=f"豫41{n[0]:06d}", issuing_authority="河南省人民政府",
                                          valid_from=dt.date(2020, 1, 1), valid_until=valid_until)
    InspectorProfile.objects.create(user=user, specialties=list(specialties))
    return user


def enterprise_objects(admin, org, n, *, risk="medium"):
    out = []
    for i in range(n):
        ent = EnterpriseFactory(name=f"受检企业{i}有限公司")
        out.append(services.object_save(actor=admin, organisation=org, kind="enterprise", key=ent.uscc,
                                        name=ent.name, region="410105", risk_class=risk))
    return out


def make_item(admin, org, *, specialties=(), code="RF-001"):
    item = services.item_create(actor=admin, organisation=org, code=code, name="人防工程维护管理情况检查",
                                legal_basis="《中华人民共和国人民防空法》第二十五条", object_kind="enterprise",
                                required_specialties=list(specialties))
    return services.item_publish(actor=admin, item_id=item.pk)


def make_task(admin, org, item, *, ratios=None, year=2026, start=DAY, end=None, per_object=2, partners=()):
    plan = services.plan_create(actor=admin, organisation=org, year=year, title=f"{year}年度双随机抽查计划{item.pk}")
    task = services.task_create(actor=admin, plan_id=plan.pk, item_id=item.pk, name="人防工程维护管理专项抽查",
                                period_start=start, period_end=end or start + dt.timedelta(days=30),
                                ratios=ratios or {"medium": "0.5"}, inspectors_per_object=per_object,
                                partner_ids=[o.pk for o in partners])
    services.plan_file(actor=admin, plan_id=plan.pk)
    return task


def run_draw(admin, witness, task, numbers=("07", "15", "23")):
    draw = services.draw_commit(actor=admin, task_id=task.pk)
    services.draw_seed(actor=admin, draw_id=draw.pk, numbers=list(numbers), source="福利彩票第2026025期",
                       announced_on=timezone.localdate(draw.committed_at))
    return services.draw_seed(actor=witness, draw_id=draw.pk, numbers=list(numbers))


def redraw(draw, tmp_path) -> subprocess.CompletedProcess:
    path = tmp_path / f"draw-{draw.pk}.json"
    path.write_text(json.dumps(selectors.draw_file(draw), ensure_ascii=False, default=str), encoding="utf-8")
    return subprocess.run([sys.executable, "-I", str(REDRAW), str(path)], capture_output=True, text=True, check=False)
