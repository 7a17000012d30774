"""Demo: 郑州市人民防空办公室's discretion baseline for two 人防 violations, certified officers and
a legal reviewer, and two cases (one decided and published, one awaiting the party's statement).

Baseline values follow 《中华人民共和国人民防空法》第四十八条、第四十九条; the bands are [K]
(configurable data modelled on 国办发〔2022〕27号 practice, not an official Henan table)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from tongban.core import timeutil
from tongban.core.demo import DEMO_PASSWORD, register, register_logins

from .models import Baseline, BaselineClause, BaselineItem, EnforcementCase

STAFF = [  # username, name, organisation code, role
    ("zz_legal", "冯法制", "ZZ", "legal_reviewer"),
    ("zz_rereview", "蒋复核", "ZZ", "legal_reviewer"),
]
CERTIFIED = ["zz_inspector", "zz_inspector2"]

ITEMS = [
    # code, violation, violated, penalty provision, scheme, min, max (fen), clauses
    ("RF-01", "应建防空地下室的民用建筑项目未按规定修建防空地下室",
     "《中华人民共和国人民防空法》第二十二条；《河南省实施〈中华人民共和国人民防空法〉办法》",
     "《中华人民共和国人民防空法》第四十八条：给予警告，责令限期修建，可以并处十万元以下的罚款",
     "max_only", 0, 100_000_00, [
         ("01-NP", "not_punished", "首次违法，在责令限期内主动补建或者足额缴纳易地建设费，未造成危害后果", 0, 0, "not_punished"),
         ("01-LI", "lighter", "主动配合调查、如实陈述，应建面积在 1000 平方米以下", 0, 30, "fine"),
         ("01-GE", "general", "无从轻、从重情节", 30, 60, "fine"),
         ("01-HE", "heavier", "逾期拒不修建，或者两年内再次违法", 60, 100, "fine"),
     ]),
    ("RF-02", "擅自拆除人民防空工程",
     "《中华人民共和国人民防空法》第二十八条",
     "《中华人民共和国人民防空法》第四十九条：给予警告，责令限期改正，可以对个人并处五千元以下的罚款、对单位并处一万元至五万元的罚款",
     "range", 10_000_00, 50_000_00, [
         ("02-MI", "mitigated", "主动消除危害后果并按原标准补建", -50, 0, "fine"),
         ("02-LI", "lighter", "拆除面积较小且主动停止拆除", 0, 50, "fine"),
         ("02-GE", "general", "无从轻、从重情节", 40, 60, "fine"),
         ("02-HE", "heavier", "拆除后造成防护功能丧失或者拒不恢复", 50, 100, "fine"),
     ]),
]


def _users(log):
    from tongban.accounts import services as accounts
    from tongban.accounts.models import EnforcementCertificate, Organisation, User

    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["ZZ"])}
    for username, name, code, role in STAFF:
        if not User.objects.filter(username=username).exists():
            accounts.staff_user_create(actor=None, username=username, real_name=name, organisation=orgs[code],
                                       roles=[role], password=DEMO_PASSWORD, phone="13600000" + f"{len(username):03d}")
    for i, username in enumerate(CERTIFIED, 1):
        user = User.objects.filter(username=username).first()
        if user and not user.certificates.exists():
            EnforcementCertificate.objects.create(user=user, number=f"豫执法41010020{i:04d}", issuing_authority="河南省人民政府",
                                                  valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2029, 12, 31))


def _baseline(org) -> Baseline:
    baseline = Baseline.objects.filter(organisation=org, code="ZZ-RF-CL", version=1).first()
    if baseline:
        return baseline
    baseline = Baseline.objects.create(
        organisation=org, code="ZZ-RF-CL", version=1, title="郑州市人民防空行政处罚裁量基准", status=Baseline.Status.PUBLISHED,
        effective_from=dt.date(2026, 1, 1), published_at=timezone.now(),
        basis="《中华人民共和国行政处罚法》第三十四条；国办发〔2022〕27号（幅度为可配置数据 [K]）")
    for n, (code, violation, violated, provision, scheme, low, high, clauses) in enumerate(ITEMS):
        item = BaselineItem.objects.create(baseline=baseline, code=code, violation=violation, violated_provision=violated,
                                           penalty_provision=provision, scheme=scheme, min_fen=low, max_fen=high, order=n)
        for i, (ccode, circ, cond, lo, hi, kind) in enumerate(clauses):
            BaselineClause.objects.create(item=item, code=ccode, circumstance=circ, condition=cond,
                                          low_pct=Decimal(lo), high_pct=Decimal(hi), penalty_kind=kind, order=i)
    return baseline


def _on(day):
    return override_settings(TONGBAN_TODAY=day)


def _cases(log, baseline):
    from tongban.accounts.models import Enterprise, Organisation, User

    from . import services

    if EnforcementCase.objects.filter(source_ref__startswith="DEMO-").exists():
        return
    # the case is handled by the 质监站 whose officers investigate; documents speak for the agency
    org = Organisation.objects.get(code="ZZ-ZJZ")
    o1, o2 = (User.objects.get(username=u) for u in CERTIFIED)
    head, legal = User.objects.get(username="zz_approver"), User.objects.get(username="zz_legal")
    ent1 = Enterprise.objects.filter(name="郑州城建置业有限公司").first()
    ent2 = Enterprise.objects.filter(name="中原物流仓储有限公司").first()
    if not (ent1 and ent2):
        return
    today = timeutil.today()
    start = today - dt.timedelta(days=30)
    item1 = baseline.items.get(code="RF-01")
    # one decided and published
    with _on(start):
        case = services.case_create(actor=o1, organisation=org, officer_ids=[o1.pk, o2.pk], data={
            "source": "referral", "source_ref": "DEMO-郑规移〔2026〕3号", "party_kind": "enterprise",
            "party_name": ent1.name, "party_uscc": ent1.uscc, "party_address": "郑州市郑东新区",
            "facts": "“城建·东湖苑”项目应建防空地下室 2400 平方米，未按规定修建，亦未缴纳易地建设费。",
            "act_on": start - dt.timedelta(days=60)})
        services.case_register(actor=head, case_id=case.pk, note="同意立案")
        services.record_add(actor=o1, case_id=case.pk, kind="inspection", on=start, place="城建·东湖苑项目现场",
                            content="现场检查：项目主体已封顶，地下一层为普通车库，未按人防图纸施工。", officer_ids=[o1.pk, o2.pk])
        services.record_add(actor=o1, case_id=case.pk, kind="questioning", on=start, place="市人防办询问室",
                            content="问：项目是否办理人防报建？答：已办理，但施工中变更为普通车库。", officer_ids=[o1.pk, o2.pk])
        services.penalty_propose(actor=o1, case_id=case.pk, baseline_item_id=item1.pk, facts=[])
        services.prior_notice(actor=o1, case_id=case.pk)
        services.notice_deliver(actor=o1, case_id=case.pk, delivered_on=start)
        services.legal_review(actor=legal, case_id=case.pk, opinion="agree", reasons="事实清楚，证据确凿，适用裁量基准一般情形，程序合法。")
    with _on(start + dt.timedelta(days=20)):
        services.case_decide(actor=head, case_id=case.pk, reasons="当事人在陈述申辩期内未提出意见。")
        services.case_deliver(actor=o1, case_id=case.pk, method="直接送达")
        services.case_publish(actor=o1, case_id=case.pk)
    # one awaiting the party's statement (the enterprise sees it on the portal)
    item2 = baseline.items.get(code="RF-02")
    with _on(today - dt.timedelta(days=1)):
        case2 = services.case_create(actor=o1, organisation=org, officer_ids=[o1.pk, o2.pk], data={
            "source": "discovery", "source_ref": "DEMO-巡查-0412", "party_kind": "enterprise", "party_name": ent2.name,
            "party_uscc": ent2.uscc, "party_address": "郑州市中原区", "facts": "擅自拆除仓库地下人防工程隔墙约 120 平方米。",
            "act_on": today - dt.timedelta(days=20)})
        services.case_register(actor=head, case_id=case2.pk)
        services.record_add(actor=o1, case_id=case2.pk, kind="evidence", on=today - dt.timedelta(days=1),
                            content="现场拍照取证，调取监控录像。", officer_ids=[o1.pk, o2.pk], place="中原物流仓库")
        services.penalty_propose(actor=o1, case_id=case2.pk, baseline_item_id=item2.pk, facts=["02-LI"])
        services.prior_notice(actor=o1, case_id=case2.pk)
        services.notice_deliver(actor=o1, case_id=case2.pk)
    log(f"行政执法：裁量基准 {baseline.label}，案件 {EnforcementCase.objects.count()} 件")


@register(80, "enforcement")
@transaction.atomic
def load(log) -> None:
    from tongban.accounts.models import Organisation

    org = Organisation.objects.filter(code="ZZ").first()
    if org is None:
        return
    _users(log)
    _cases(log, _baseline(org))


@register_logins
def logins() -> list[tuple[str, str]]:
    return [(u, f"{n}（法制审核人员，郑州市人民防空办公室）") for u, n, _c, _r in STAFF]
