"""Demo cases in every state, on the demo catalog's Zhengzhou and Luoyang items, dated relative to
today (the demo's reference date) so warnings, deemed acceptance and the dashboard have something
to show. Every step is stamped with a moment of its own past working day, so a case's submission
time, timeline and promised dates tell one true story."""

from __future__ import annotations

import datetime as dt
import functools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings

from tongban.core.calendar import SHANGHAI, WorkCalendar
from tongban.core.demo import register
from tongban.core.timeutil import today


@functools.cache
def _scan_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(0, 10, "Tongban demo: scanned application material", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _files(version) -> dict:
    return {
        str(m.pk): SimpleUploadedFile(f"{m.name}.pdf", _scan_pdf(), content_type="application/pdf")
        for m in version.materials.all()
        if m.required
    }


def _moment(day: dt.date, n: int) -> dt.datetime | None:
    """Office hours on `day`, a different minute for each step; None (the real moment) today,
    as a time later today would lie in the future."""
    if day >= today():
        return None
    minutes = 9 * 60 + (n * 47) % (8 * 60)  # 09:00–16:59
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=SHANGHAI)


def _back(days: int) -> dt.date:
    """The working day `days` working days before today."""
    cal = WorkCalendar.default()
    day = today()
    while days > 0:
        day -= dt.timedelta(days=1)
        if cal.is_workday(day):
            days -= 1
    return day


@register(60, "cases")
def load(log) -> None:
    from tongban.accounts.models import User
    from tongban.catalog.models import ServiceItem

    from . import services
    from .models import Case
    from .sweep import run_sweep

    if Case.objects.filter(submission_key__startswith="demo-").exists():
        log(f"办件 {Case.objects.count()} 件（已存在）")
        return
    items = {i.implementation_code: i for i in ServiceItem.objects.select_related("current_version")}
    if "RF-XK-001-410100" not in items:
        log("办件：未找到演示事项，跳过")
        return
    users = {u.username: u for u in User.objects.filter(username__in=[
        "ent_zzcj", "ent_zywl", "ent_lyhj", "ent_hnap", "zz_clerk", "zz_reviewer", "zz_approver", "ly_clerk",
        "ly_approver", "zz_supervisor"])}
    clerk, reviewer, approver = users["zz_clerk"], users["zz_reviewer"], users["zz_approver"]
    permit, fee, demolish = (items[c].current_version for c in ("RF-XK-001-410100", "RF-ZS-004-410100",
                                                                 "RF-XK-005-410100"))
    ly_permit = items["RF-XK-001-410300"].current_version
    n = steps = 0

    def on(day):
        nonlocal steps
        steps += 1
        return override_settings(TONGBAN_TODAY=day, TONGBAN_NOW=_moment(day, steps))

    def submit(who, version, day, project, address, key):
        nonlocal n
        n += 1
        with on(day):
            return services.case_submit(
                actor=users[who], version=version, files=_files(version), submission_key=f"demo-{key}",
                data={"contact_name": users[who].display_name, "contact_phone": "13837100000",
                      "project_name": project, "address": address, "summary": "申请办理，材料已按清单准备。"},
            )

    def at(day, func, **kwargs):
        with on(day):
            return func(**kwargs)

    submit("ent_zzcj", permit, today(), "郑东新区龙湖里住宅小区二期", "郑州市郑东新区龙湖外环路东侧", "new")
    submit("ent_zywl", demolish, _back(4), "管城区老旧人防工程拆除", "郑州市管城回族区紫荆山南路", "yellow-accept")
    submit("ent_hnap", fee, _back(8), "高新区智能仓储中心（1,850 平方米）", "郑州市高新区科学大道", "deemed")

    # The demo enterprise itself has a supplement to answer, so its home shows one.
    case = submit("ent_zzcj", permit, _back(3), "金水区商业综合体", "郑州市金水区花园路", "supplement")
    material = permit.materials.order_by("order").first()
    at(_back(2), services.case_request_supplement, actor=clerk, case_id=case.pk, items=[
        {"material_id": material.pk, "problem": "缺少建设单位盖章页，请补充加盖公章的完整扫描件"},
        {"name": "授权委托书", "problem": "由代理人办理的，需提供法定代表人签字的授权委托书"},
    ], note="请一次补齐以上材料。")

    case = submit("ent_zywl", permit, _back(9), "经开区物流园配套住宅", "郑州市经济技术开发区航海东路", "inspection")
    at(_back(8), services.case_accept, actor=clerk, case_id=case.pk, note="材料齐全，符合法定形式")
    at(_back(2), services.case_pause, actor=reviewer, case_id=case.pk, kind="inspection",
       reason="需现场勘验防空地下室防护单元划分及口部设置")

    case = submit("ent_zzcj", fee, _back(14), "二七区安置房项目", "郑州市二七区大学路", "red")
    at(_back(13), services.case_accept, actor=clerk, case_id=case.pk)
    # 第四十二条: the reviewer asks for more time; the head of the agency has it in the inbox.
    at(_back(1), services.case_extension_request, actor=reviewer, case_id=case.pk,
       reason="安置房项目涉及多个地块，需征求规划和住建部门意见，二十日内不能作出决定。")

    case = submit("ent_zzcj", demolish, _back(6), "中原区人防工程拆除", "郑州市中原区建设西路", "decision")
    at(_back(5), services.case_accept, actor=clerk, case_id=case.pk)
    at(_back(1), services.case_submit_review, actor=reviewer, case_id=case.pk, recommend="approve",
       opinion="经审查，拆除后按规定补建，符合条件，建议准予许可。")

    case = submit("ent_zzcj", permit, _back(30), "惠济区学校综合楼", "郑州市惠济区天河路", "delivered")
    at(_back(29), services.case_accept, actor=clerk, case_id=case.pk)
    at(_back(24), services.case_submit_review, actor=reviewer, case_id=case.pk, recommend="approve",
       opinion="防空地下室面积及防护等级符合要求。")
    at(_back(22), services.case_decide, actor=approver, case_id=case.pk, decision="approve",
       reasons="准予建设，按审查意见施工。")
    at(_back(21), services.case_deliver, actor=clerk, case_id=case.pk, method="电子送达")

    case = submit("ent_zywl", demolish, _back(25), "金水区地下车库改造", "郑州市金水区经三路", "denied")
    at(_back(24), services.case_accept, actor=clerk, case_id=case.pk)
    at(_back(20), services.case_submit_review, actor=reviewer, case_id=case.pk, recommend="deny",
       opinion="拆除后无补建方案。")
    at(_back(19), services.case_decide, actor=approver, case_id=case.pk, decision="deny",
       reasons="申请拆除的人防工程未提出补建方案，不符合《人民防空工程拆除管理办法》规定的条件。")

    if "ly_clerk" in users:
        case = submit("ent_lyhj", ly_permit, _back(5), "洛龙区住宅项目", "洛阳市洛龙区开元大道", "rejected")
        at(_back(4), services.case_reject, actor=users["ly_clerk"], case_id=case.pk,
           reasons="申请事项不属于本机关职权范围，项目位于偃师区，应向偃师区人防部门申请。",
           basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项")
    result = run_sweep()
    log(f"办件 {n} 件，视为受理 {result['deemed_accepted']} 件，红牌 {result['case_red']}，黄牌 {result['case_yellow']}")
