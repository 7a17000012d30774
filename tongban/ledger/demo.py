"""Demo 整治台账: the Zhengzhou office's business-environment campaign (seed 000) with problems
from several channels, tasks in every state (one overdue, closed ones, one failed re-check and
reopened), a survey with answers, a forum, a rule, and last quarter's appraisal."""

from __future__ import annotations

import datetime as dt

from django.test.utils import override_settings

from tongban.core.demo import DEMO_PASSWORD, register, register_logins
from tongban.core.timeutil import today

CODE = "ZZ-YSHJ"
OFFICE2 = ("ld_supervisor", "钱督查")  # confirms the re-check's public numbers (a second person)


def _prev_quarter(on: dt.date) -> tuple[dt.date, str]:
    q = (on.month - 1) // 3  # 0..3, the current quarter's index
    year, q = (on.year, q) if q else (on.year - 1, 4)
    return dt.date(year, 3 * q - 2, 1), f"{year}Q{q}"


def _on(day: dt.date):
    return override_settings(TONGBAN_TODAY=day)


@register(90, "ledger")
def load(log) -> None:
    from tongban.accounts import services as accounts
    from tongban.accounts.models import Organisation, Role, User

    from . import services
    from .models import Campaign, Indicator

    orgs = {o.code: o for o in Organisation.objects.all()}
    if "ZZ" not in orgs:
        return
    if Campaign.objects.filter(code=CODE).exists():
        log("整治台账（已存在）")
        return
    users = {u.username: u for u in User.objects.filter(username__in=[
        "zz_supervisor", "zz_approver", "zz_clerk", "zz_inspector", "zz_admin", "ent_zzcj", "ent_zywl"])}
    if len(users) < 7:
        return
    office, leader, clerk, inspector = (users[n] for n in ("zz_supervisor", "zz_approver", "zz_clerk", "zz_inspector"))
    office2 = User.objects.filter(username=OFFICE2[0]).first() or accounts.staff_user_create(
        actor=None, username=OFFICE2[0], real_name=OFFICE2[1], organisation=orgs["ZZ"], roles=[Role.SUPERVISOR],
        password=DEMO_PASSWORD, phone="13700009001")[0]
    now = today()
    start, period = _prev_quarter(now)
    spb, zjz, pgc = orgs["ZZ-SPB"], orgs["ZZ-ZJZ"], orgs["ZZ-PGC"]
    with _on(start):
        campaign = services.campaign_create(
            actor=office, title="郑州市人防系统优化营商环境集中整治", code=CODE, lead_office_id=orgs["ZZ"].pk,
            superior="河南省人防系统营商环境整治工作组", starts_on=start, finding_until=start + dt.timedelta(days=30),
            rectifying_until=start + dt.timedelta(days=150), rules_until=start + dt.timedelta(days=200),
            ends_on=start + dt.timedelta(days=270), participant_ids=[spb.pk, zjz.pk, pgc.pk], publish_list=True,
            recheck_ratio="0.6")

    def problem(title, kind="self", ref="", day=start, **kw):
        with _on(day):
            return services.problem_create(actor=office, campaign_id=campaign.pk, title=title, source_kind=kind,
                                           source_ref=ref, **kw)

    def assign(p, unit, days, day, co=()):
        with _on(day):
            return services.task_assign(actor=office, problem_id=p.pk, measures=MEASURES.get(p.title[:8], "制定整改方案，逐项落实"),
                                        lead_unit_id=unit.pk, leader_id=leader.pk, limit_days=days,
                                        co_unit_ids=[c.pk for c in co])

    def close(p, units, day):
        with _on(day):
            for unit, who in units:
                services.evidence_submit(actor=who, problem_id=p.pk, unit_id=unit.pk, note="已按措施整改，附整改前后对比")
            services.closeout_submit(actor=clerk if units[0][0] == spb else inspector, problem_id=p.pk,
                                     summary="整改完成，经自查无反弹")
            services.closeout_decide(actor=leader, problem_id=p.pk, approve=True)

    d = lambda n: start + dt.timedelta(days=n)  # noqa: E731
    p1 = problem("网上办事指南与窗口材料清单不一致，企业多跑一趟", day=d(3))
    p2 = problem("人防工程竣工验收等待时间过长", "assigned", f"豫人防整治办交办〔{start.year}〕2号", day=d(3))
    parent = problem("防空地下室报建审批环节多、时限长", day=d(4))
    c1 = problem("报建审批专家评审组织慢", parent_id=parent.pk, day=d(4))
    c2 = problem("报建审批现场勘验预约难", parent_id=parent.pk, day=d(4))
    p3 = problem("咨询电话经常无人接听", day=d(5), raised_by=users["ent_zzcj"], enterprise=users["ent_zzcj"].enterprise)
    assign(p1, spb, 10, d(5), co=[zjz])
    assign(parent, spb, 40, d(6))
    assign(c1, spb, 15, d(6))
    assign(c2, zjz, 15, d(6))
    assign(p3, spb, 5, d(6))
    close(p1, [(spb, clerk), (zjz, inspector)], d(12))
    close(c1, [(spb, clerk)], d(20))
    close(p3, [(spb, clerk)], d(9))
    with _on(d(25)):
        services.task_progress(actor=inspector, problem_id=c2.pk, progress=60, note="已开通线上预约")
    # overdue: handed down a month ago with ten working days
    assign(p2, zjz, 10, now - dt.timedelta(days=30))
    with _on(now - dt.timedelta(days=20)):
        services.task_progress(actor=inspector, problem_id=p2.pk, progress=30, note="正在梳理验收流程")
    # a rule answering the first problems
    with _on(d(40)):
        services.rule_record(actor=office, campaign_id=campaign.pk, title="办事指南线上线下一致性月度核对制度",
                             doc_number=f"郑人防〔{start.year}〕12号", adopted_on=d(40), problem_ids=[p1.pk, p3.pk])
    # the re-check: committed, numbers entered by one supervisor and confirmed by another
    with _on(now - dt.timedelta(days=5)):
        rc = services.recheck_commit(actor=office, campaign_id=campaign.pk)
        services.recheck_enter(actor=office, recheck_id=rc.pk, numbers="07,12,19,23,28,31", source="福彩双色球开奖号码")
        rc = services.recheck_confirm(actor=office2, recheck_id=rc.pk, numbers="07,12,19,23,28,31")
        items = list(rc.items.order_by("id"))
        services.recheck_result(actor=office, item_id=items[0].pk, passed=False, note="回访发现问题反弹，需重新整改")
        for item in items[1:]:
            services.recheck_result(actor=office, item_id=item.pk, passed=True, note="复查通过")
    _consultation(campaign, office, users, start, now, log)
    from .sweep import run_sweep

    run_sweep(now)
    _assessment(orgs, users["zz_admin"], period, log)
    log(f"整治台账：专项整治 1 个，问题 {campaign.problems.count()} 个；考评 {period}；指标 {Indicator.objects.count()} 项")


MEASURES = {
    "网上办事指南与窗": "逐项比对网上指南与窗口清单，统一后由质监站复核；建立月度核对机制",
    "人防工程竣工验收": "推行预约验收和限时办结，超时自动提醒",
    "咨询电话经常无人": "设专人值守咨询电话，未接来电当日回拨",
}


def _consultation(campaign, office, users, start, now, log) -> None:
    from tongban.core.demo import DEMO_PASSWORD  # noqa: F401  (kept for symmetry with the loaders)

    from . import services
    from .services import consult

    with _on(start + dt.timedelta(days=2)):
        survey = consult.survey_create(
            actor=office, title="人防审批服务企业满意度调查", campaign_id=campaign.pk, anonymous=True,
            closes_on=now + dt.timedelta(days=30), intro="请就防空地下室报建审批、竣工验收等服务提出意见。",
            questions=[
                {"kind": "single", "text": "您近一年办理过哪类人防事项", "options": ["报建审批", "竣工验收", "易地建设费"]},
                {"kind": "multiple", "text": "您遇到过哪些问题", "options": ["材料多", "跑多次", "时间长", "态度差"],
                 "required": False},
                {"kind": "scale", "text": "总体满意度", "scale_max": 5},
                {"kind": "text", "text": "意见和建议", "required": False},
            ])
    q = list(survey.questions.all())
    answers = [(0, [0, 1], 3, "希望网上能看到审批进度"), (1, [2], 2, "竣工验收要等很久"), (0, [], 5, ""),
               (2, [0], 4, "易地建设费缴费可否网上支付"), (0, [1, 2], 3, ""), (1, [2, 3], 2, "验收人员态度生硬")]
    rows = []
    for i, (single, multi, scale, text) in enumerate(answers):
        rows.append(consult.survey_answer(survey_id=survey.pk, user=None, token=f"demo-respondent-{i:04d}-token",
                                          answers={str(q[0].pk): str(single), str(q[1].pk): [str(m) for m in multi],
                                                   str(q[2].pk): str(scale), str(q[3].pk): text}))
    with _on(start + dt.timedelta(days=10)):
        free = rows[0].answers.get(question=q[3])
        p = services.problem_from_answer(actor=office, answer_id=free.pk)
    forum = None
    with _on(start + dt.timedelta(days=8)):
        forum = consult.consultation_record(
            actor=office, campaign_id=campaign.pk, kind="forum", held_on=start + dt.timedelta(days=8),
            place="郑州市人防办三楼会议室", participants="开发企业、设计院、监理单位代表 9 人",
            opinions=["希望易地建设费减免政策集中公开", "建议竣工验收实行联合验收"])
        services.problem_from_opinion(actor=office, opinion_id=forum.opinions.order_by("id").last().pk)
        first = forum.opinions.order_by("id").first()
        consult.opinion_answer(actor=office, opinion_id=first.pk, decision="adopted",
                               reply="已在门户“政策文件”栏目集中公开减免政策")
    log(f"问卷答卷 {len(rows)} 份，转为问题 {p.number}")


def _assessment(orgs, admin, period, log) -> None:
    from .assessment import services as svc
    from .models import Indicator

    A = orgs["ZZ"]
    kinds = {"department": "department", "unit": "unit"}

    def ind(code, name, computation):
        found = Indicator.objects.filter(code=code).first()
        return found or svc.indicator_define(actor=admin, code=code, name=name, kind="computed", computation=computation,
                                             valid_from=dt.date(2026, 1, 1))

    on_time = ind("cases.on_time", "办件按承诺时限办结率", "cases.on_time_conclusion")
    appeals = ind("appeals.on_time", "诉求按期答复率", "appeals.replied_on_time")
    ledger = ind("ledger.on_time", "整改任务按期销号率", "ledger.closed_on_time")
    manual = Indicator.objects.filter(code="manual.rules").first() or svc.indicator_define(
        actor=admin, code="manual.rules", name="制度建设与作风评议", kind="manual", description="依据评议意见和制度成果打分")
    scheme = svc.scheme_create(actor=admin, organisation=A, name="郑州市人防办处室季度考评", items=[
        (on_time, kinds["department"], "30"), (appeals, kinds["department"], "20"), (ledger, kinds["department"], "30"),
        (manual, kinds["department"], "20"), (ledger, kinds["unit"], "60"), (manual, kinds["unit"], "40"),
    ])
    svc.manual_value_set(actor=admin, indicator_id=manual.pk, organisation_id=orgs["ZZ-SPB"].pk, period=period,
                         value="90", note="建立指南核对制度 1 项，企业评议良好")
    svc.manual_value_set(actor=admin, indicator_id=manual.pk, organisation_id=orgs["ZZ-ZJZ"].pk, period=period,
                         value="70", note="竣工验收时间长，企业意见较多")
    svc.opinion_add(actor=admin, organisation_id=orgs["ZZ-ZJZ"].pk, period=period, source="enterprise",
                    text="竣工验收等待时间长，希望提速", author="高建国")
    svc.opinion_add(actor=admin, organisation_id=orgs["ZZ-SPB"].pk, period=period, source="grassroots",
                    text="审批办指导区县业务及时", author="金水区人防办")
    run = svc.assessment_run(actor=admin, scheme_id=scheme.pk, period=period)
    log(f"季度考评 {run.label}：{run.scores.count()} 个单位")


@register_logins
def logins() -> list[tuple[str, str]]:
    return [(OFFICE2[0], f"{OFFICE2[1]}（督查人员，回头看号码复核）")]
