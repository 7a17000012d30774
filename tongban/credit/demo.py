"""Demo credit data: records for the demo enterprises (one repairable today, with its date), a
scoring method and a published run, a red and a black list with their legal basis, an office
promise. Idempotent: every record is keyed by its source, every other row looked up first."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tongban.core.demo import register

BLACK_BASIS = "《中华人民共和国人民防空法》第四十八条、第四十九条；国办发〔2020〕49号"
RED_BASIS = "《河南省社会信用条例》第二十八条（守信激励）；国办发〔2020〕49号 [K]"


def _months_ago(today: dt.date, months: int) -> dt.date:
    from .services._common import add_months

    return add_months(today, -months)


@register(90, "credit")
@transaction.atomic
def load(log) -> None:
    from tongban.accounts.models import Enterprise, Organisation, User

    from . import services
    from .models import (
        Commitment,
        CreditList,
        EntryStatus,
        EvaluationRun,
        ListEntry,
        ScoringMethod,
        ScoringRule,
    )
    from .services._common import today

    org = Organisation.objects.filter(code="ZZ").first()
    admin = User.objects.filter(username="zz_credit").first()
    if org is None or admin is None:
        return
    on = today()
    firms = {e.name: e for e in Enterprise.objects.all()}
    zzcj, zywl, lyhj = firms.get("郑州城建置业有限公司"), firms.get("中原物流仓储有限公司"), firms.get("洛阳恒基建筑设计院有限公司")
    if zzcj is None or zywl is None:
        return

    def penalty(ref, ent, months, severity, kind="fine", fine=5_000_000, violation="未按规定修建防空地下室"):
        return services.record_from_penalty({
            "org_id": org.pk, "party_kind": "enterprise", "party_uscc": ent.uscc, "party_name": ent.name,
            "decision_number": f"郑人防罚〔{_months_ago(on, months).year}〕{ref}号", "decided_on": _months_ago(on, months),
            "published_on": _months_ago(on, months), "violation": violation,
            "legal_basis": "《中华人民共和国人民防空法》第四十八条", "penalty_kind": kind, "fine_fen": fine,
            "procedure": "general", "severity_hint": severity}, case_id=900_000 + ref)

    # 郑州城建置业: a general record four months old — repair may be asked since last month.
    penalty(1, zzcj, 4, "general")
    # 中原物流仓储: a serious record (black list) and a warning that stays unpublished.
    serious = penalty(2, zywl, 2, "serious", kind="suspension", fine=0, violation="擅自拆除人防工程")
    penalty(3, zywl, 1, "minor", kind="warning", fine=0, violation="人防工程维护管理不到位")

    method, made = ScoringMethod.objects.get_or_create(code="rf-practitioner", version=1, defaults={
        "name": "人防工程建设从业单位信用评价办法", "basis": "沈阳市人防办营商环境方案（seed 001） [K]",
        "base_score": 100, "min_score": 0, "max_score": 110, "window_months": 24, "status": ScoringMethod.Status.ACTIVE,
        "grades": [{"grade": "A", "min": 95}, {"grade": "B", "min": 85}, {"grade": "C", "min": 70},
                   {"grade": "D", "min": 0}]})
    if made:
        for record_type, label, points, cap in [
            ("penalty_general", "一般失信行政处罚", -5, 15), ("penalty_serious", "严重失信行政处罚", -30, None),
            ("penalty_minor", "轻微失信", -1, 3), ("commitment_broken", "违背信用承诺", -10, 20),
            ("court_judgment", "失信被执行", -20, None), ("award", "表彰奖励", 5, 10),
            ("inspection_problem", "抽查发现问题", -3, 9)]:
            ScoringRule.objects.create(method=method, record_type=record_type, label=label, points=points, cap=cap)
    if not EvaluationRun.objects.exists():
        run = services.evaluation_run(actor=admin)
        services.evaluation_publish(actor=admin, run_id=run.pk)

    black, _ = CreditList.objects.get_or_create(code="rf-black", defaults={
        "kind": CreditList.Kind.BLACK, "name": "人防领域严重失信主体名单", "legal_basis": BLACK_BASIS,
        "criteria_text": "受到严重失信行政处罚（如擅自拆除人防工程被责令停业）且在公示期内",
        "criteria": {"record_type": "penalty_serious", "min_count": 1}, "publicity_days": 5, "term_months": 36})
    CreditList.objects.get_or_create(code="rf-red", defaults={
        "kind": CreditList.Kind.RED, "name": "人防工程建设守信激励名单", "legal_basis": RED_BASIS,
        "criteria_text": "最近一次信用评价为 A 级且无公示中的一般或严重失信记录",
        "criteria": {"grade": "A", "no_bad_records": True}, "publicity_days": 5, "term_months": 12})
    if not ListEntry.objects.filter(credit_list=black, subject_code=zywl.uscc).exists():
        entry = services.list_propose(actor=admin, list_id=black.pk, subject_code=zywl.uscc,
                                      evidence=f"行政处罚决定 {serious.decision_number}")
        # The demo shows a member: its publicity ended without objection.
        ListEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.MEMBER, entered_on=on,
                                                     exit_due=services.records.add_months(on, 36))
    if not Commitment.objects.exists():
        services.commitment_create(actor=admin, kind=Commitment.Kind.GOVERNMENT,
                                   promise="人防工程竣工验收备案后 30 日内退还质量保证金", made_in="《优化营商环境服务承诺》",
                                   due_on=on + dt.timedelta(days=20))
        if lyhj is not None:
            services.commitment_create(actor=admin, kind=Commitment.Kind.SUBJECT, subject_code=lyhj.uscc,
                                       subject_name=lyhj.name, promise="三个月内补交施工图审查合格书",
                                       made_in="告知承诺书", due_on=on + dt.timedelta(days=60))
    log("信用：记录、评价方法与评价结果、红黑名单、承诺")
