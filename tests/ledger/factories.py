"""Ledger test data: a campaign led by a city office with two departments as lead and co-unit,
their staff, the responsible leader, and helpers that walk a problem to close-out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.accounts.models import Organisation, Role
from tongban.ledger import services

from ..cases.factories import PDF
from ..factories import EnterpriseFactory, OrganisationFactory, StaffFactory


def pdf(name="佐证.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@dataclass
class World:
    city: Organisation
    dept: Organisation  # lead unit
    co: Organisation  # co-unit
    office: object  # supervisor of the lead office: manages, presses, re-checks
    office2: object  # a second supervisor (confirms public numbers)
    leader: object  # 一把手 (approver) who signs close-outs
    clerk: object  # staff of the lead unit
    co_clerk: object  # staff of the co-unit
    campaign: object


def world(city_a, *, start=dt.date(2026, 3, 2), **campaign_kw) -> World:
    dept = OrganisationFactory(name="审批科", parent=city_a, kind=Organisation.Kind.DEPARTMENT)
    co = OrganisationFactory(name="质监站", parent=city_a, kind=Organisation.Kind.UNIT)
    office = StaffFactory(username="l_office", real_name="督查甲", organisation=city_a, roles=[Role.SUPERVISOR])
    office2 = StaffFactory(username="l_office2", real_name="督查乙", organisation=city_a, roles=[Role.SUPERVISOR])
    leader = StaffFactory(username="l_leader", real_name="主任甲", organisation=city_a, roles=[Role.APPROVER])
    clerk = StaffFactory(username="l_clerk", organisation=dept, roles=[Role.CLERK])
    co_clerk = StaffFactory(username="l_coclerk", organisation=co, roles=[Role.REVIEWER])
    kw = {"title": "优化营商环境专项整治", "code": "TST", "lead_office_id": city_a.pk, "superior": "省营商环境整治工作组",
          "starts_on": start, "finding_until": start + dt.timedelta(days=30),
          "rectifying_until": start + dt.timedelta(days=120), "rules_until": start + dt.timedelta(days=150),
          "ends_on": start + dt.timedelta(days=180), "participant_ids": [dept.pk, co.pk], **campaign_kw}
    campaign = services.campaign_create(actor=office, **kw)
    return World(city_a, dept, co, office, office2, leader, clerk, co_clerk, campaign)


def listed(w: World, title="窗口办事指南与网上指南不一致，企业多跑一趟", **kw):
    return services.problem_create(actor=w.office, campaign_id=w.campaign.pk, title=title,
                                   source_kind=kw.pop("source_kind", "self"), **kw)


def assigned(w: World, title="窗口办事指南与网上指南不一致，企业多跑一趟", *, days=10, co=True, **kw):
    p = listed(w, title, **kw)
    return services.task_assign(actor=w.office, problem_id=p.pk, measures="统一线上线下指南", lead_unit_id=w.dept.pk,
                                leader_id=w.leader.pk, limit_days=days, co_unit_ids=[w.co.pk] if co else [])


def evidenced(w: World, p):
    services.evidence_submit(actor=w.clerk, problem_id=p.pk, unit_id=w.dept.pk, note="已统一指南", upload=pdf())
    if w.co in p.co_units.all():
        services.evidence_submit(actor=w.co_clerk, problem_id=p.pk, unit_id=w.co.pk, note="已核对")
    p.refresh_from_db()
    return p


def closed(w: World, p):
    evidenced(w, p)
    services.closeout_submit(actor=w.clerk, problem_id=p.pk, summary="整改完成")
    services.closeout_decide(actor=w.leader, problem_id=p.pk, approve=True)
    p.refresh_from_db()
    return p


def enterprise_user():
    from ..factories import EnterpriseUserFactory

    return EnterpriseUserFactory(enterprise=EnterpriseFactory())


def inspection_results(org, classes=("rectify", "no_issue")):
    """Results recorded through the inspections module's own services in `org`, one per class
    given (a draw of six enterprises at a ratio of 1 gives enough inspections)."""
    from tongban.inspections import services as insp

    from ..inspections.factories import (
        DAY,
        enterprise_objects,
        inspector,
        make_item,
        make_task,
        run_draw,
    )

    admin = StaffFactory(username=f"li_admin{org.pk}", organisation=org, roles=[Role.ADMIN])
    head = StaffFactory(username=f"li_head{org.pk}", organisation=org, roles=[Role.APPROVER])
    witness = StaffFactory(username=f"li_witness{org.pk}", organisation=org, roles=[Role.SUPERVISOR])
    for name in ("吴执法", "郑执法", "王执法", "冯执法"):
        inspector(org, name)
    enterprise_objects(admin, org, max(2, len(classes)))
    task = make_task(admin, org, make_item(admin, org, code=f"RF-L{org.pk}"), ratios={"medium": "1"})
    draw = run_draw(admin, witness, task)
    out = []
    for insp_row, result_class in zip(draw.inspections.order_by("position"), classes, strict=False):
        member = insp_row.members.filter(active=True).first().user
        insp.inspection_approve(actor=head, inspection_id=insp_row.pk)
        insp.inspection_notice_issue(actor=member, inspection_id=insp_row.pk)
        data = {"items_checked": "人防工程维护管理制度", "signed_name": "高建国", "signature_confirmed": True,
                "result_class": result_class, "inspected_on": DAY}
        if result_class != "no_issue":
            data["findings"] = "人防工程防护门锈蚀、密闭不严"
        if result_class == "rectify":
            data.update(rectification="三十日内修复防护门", rectification_due=DAY + dt.timedelta(days=30))
        out.append(insp.inspection_record_submit(actor=member, inspection_id=insp_row.pk, data=data))
    return out
