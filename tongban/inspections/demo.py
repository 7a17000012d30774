"""Demo: 郑州市人民防空办公室's published item list, its 2026 plan, one task drawn with a confirmed
seed (one inspection approved, noticed, recorded and published; one noticed and waiting for the
visit), and one task whose commitment waits for the public numbers. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tongban.accounts.models import (
    EnforcementCertificate,
    Enterprise,
    Organisation,
    Role,
    StaffRole,
    User,
)
from tongban.core import timeutil
from tongban.core.demo import DEMO_PASSWORD, register, register_logins
from tongban.core.validators import make_uscc

from .models import AnnualPlan, InspectorProfile

# username, name, specialties (in ZZ-ZJZ, the quality supervision station)
INSPECTORS = [
    ("insp_zz_1", "孔执法", ["结构"]),
    ("insp_zz_2", "曹执法", ["防化"]),
    ("insp_zz_3", "严执法", ["电气"]),
    ("insp_zz_4", "华执法", ["通风"]),
]
EXISTING = [("zz_inspector", ["结构", "通风"]), ("zz_inspector2", ["电气"])]
PLAN_TITLE = "2026年度人防领域“双随机、一公开”抽查计划"


def _inspectors(org) -> list[User]:
    from tongban.accounts import services as accounts

    users = []
    for username, name, specs in INSPECTORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _ = accounts.staff_user_create(actor=None, username=username, real_name=name, organisation=org,
                                                 roles=[Role.INSPECTOR], password=DEMO_PASSWORD, phone="13700009999")
        users.append((user, specs))
    for username, specs in EXISTING:
        user = User.objects.filter(username=username).first()
        if user is not None:
            users.append((user, specs))
    for n, (user, specs) in enumerate(users, 1):
        StaffRole.objects.get_or_create(user=user, role=Role.INSPECTOR)
        EnforcementCertificate.objects.get_or_create(number=f"豫人防执{2024}{n:04d}", defaults={
            "user": user, "issuing_authority": "河南省人民政府", "valid_from": dt.date(2024, 1, 1),
            "valid_until": dt.date(2029, 12, 31)})
        InspectorProfile.objects.get_or_create(user=user, defaults={"specialties": specs})
    return [u for u, _s in users]


@register(85, "inspections")
@transaction.atomic
def load(log) -> None:
    from . import services

    zz = Organisation.objects.filter(code="ZZ").first()
    station = Organisation.objects.filter(code="ZZ-ZJZ").first()
    if zz is None or station is None or AnnualPlan.objects.filter(organisation=zz, title=PLAN_TITLE).exists():
        return
    admin = User.objects.get(username="zz_admin")
    head = User.objects.get(username="zz_approver")
    witness = User.objects.get(username="zz_supervisor")
    team = _inspectors(station)
    item = services.item_create(
        actor=admin, organisation=zz, code="RFJC-001", name="人防工程维护管理情况检查",
        legal_basis="《中华人民共和国人民防空法》第二十五条；《河南省实施〈中华人民共和国人民防空法〉办法》",
        object_kind="enterprise", ratio="0.05", frequency="每年一次")
    services.item_publish(actor=admin, item_id=item.pk)
    item2 = services.item_create(
        actor=admin, organisation=zz, code="RFJC-002", name="人防工程防化设备配置情况检查",
        legal_basis="《人民防空工程维护管理办法》", object_kind="enterprise", required_specialties=["防化"])
    services.item_publish(actor=admin, item_id=item2.pk)
    from tongban.accounts.demo import ENTERPRISES

    demo_usccs = [make_uscc("9", "1", div, body) for _n, div, body, _l, _u in ENTERPRISES if div.startswith("4101")]
    for ent in Enterprise.objects.filter(uscc__in=demo_usccs):
        services.object_save(actor=admin, organisation=zz, kind="enterprise", key=ent.uscc, name=ent.name,
                             address=ent.address, region=ent.division_code, industry="房地产业", risk_class="high")
    for n in range(1, 21):
        services.object_save(actor=admin, organisation=zz, kind="enterprise",
                             key=make_uscc("9", "1", "410105", f"MB{n:06d}"), name=f"金水区人防工程使用单位{n}号",
                             region="410105", industry="商务服务业", risk_class="medium" if n % 2 else "low")
    today = timeutil.today()
    plan = services.plan_create(actor=admin, organisation=zz, year=today.year, title=PLAN_TITLE)
    # Demo ratios: every high-risk enterprise (the demo companies) is visited; the rest at 10% / 5%.
    task = services.task_create(actor=admin, plan_id=plan.pk, item_id=item.pk, name="人防工程维护管理专项抽查",
                                period_start=today, period_end=today + dt.timedelta(days=45),
                                ratios={"high": "1", "medium": "0.1", "low": "0.05"})
    pending = services.task_create(actor=admin, plan_id=plan.pk, item_id=item2.pk, name="防化设备配置情况抽查",
                                   period_start=today, period_end=today + dt.timedelta(days=60))
    services.plan_file(actor=admin, plan_id=plan.pk)
    draw = services.draw_commit(actor=admin, task_id=task.pk)
    numbers = ["03", "11", "19", "24", "27", "31", "09"]
    services.draw_seed(actor=admin, draw_id=draw.pk, numbers=numbers, source=f"中国福利彩票双色球{today.year}年某期开奖号码",
                       announced_on=today)
    draw = services.draw_seed(actor=witness, draw_id=draw.pk, numbers=numbers)
    services.draw_commit(actor=admin, task_id=pending.pk)
    inspections = list(draw.inspections.order_by("position"))
    if draw.status == "drawn" and len(inspections) >= 2:
        first, second = inspections[0], inspections[1]
        for insp in (first, second):
            services.inspection_approve(actor=head, inspection_id=insp.pk)
            member = insp.members.filter(active=True).first().user
            services.inspection_notice_issue(actor=member, inspection_id=insp.pk)
        member = first.members.filter(active=True).first().user
        result = services.inspection_record_submit(actor=member, inspection_id=first.pk, data={
            "items_checked": "人防工程维护管理制度、防护设备运行记录、平时使用安全", "findings": "防护密闭门密封条老化",
            "result_class": "rectify", "rectification": "更换防护密闭门密封条", "rectification_due": today + dt.timedelta(days=30),
            "signed_name": "高建国", "signature_confirmed": True})
        services.inspection_result_publish(actor=member, result_id=result.pk)
    log(f"双随机：事项 2 项，名录 {20 + len(demo_usccs)} 个对象，"
        f"执法人员 {len(team)} 名，抽取 {len(inspections)} 个对象")


@register_logins
def logins() -> list[tuple[str, str]]:
    return [(u, f"{n}（执法人员，双随机）") for u, n, _s in INSPECTORS]
