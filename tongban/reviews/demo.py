"""Demo 好差评: windows, ratings of the demo's concluded cases and answered appeals, walk-in
window ratings, bad reviews in every stage of rectification and one appeal of a malicious rating."""

from __future__ import annotations

import datetime as dt

from django.test.utils import override_settings

from tongban.core.demo import register
from tongban.core.timeutil import today

WINDOWS = [("ZZ-SPB", "1", "人防报建审批窗口"), ("ZZ-SPB", "2", "综合受理窗口"), ("LY-SPB", "1", "人防综合窗口")]

# level, aspects, text, days ago
WALK_INS = [
    (5, ["attitude", "efficiency"], "一次就办好了，工作人员讲解很清楚。", 20),
    (5, ["efficiency"], "", 18),
    (4, ["guide"], "指南写得清楚。", 15),
    (5, ["attitude"], "", 12),
    (3, [], "排队时间有点长。", 10),
    (2, ["efficiency", "guide"], "材料清单和网上指南不一致，多跑了一趟。", 9),
    (1, ["attitude"], "窗口人员态度差，骂人，应开除！你们都是一群废物。", 6),
    (4, ["process"], "", 3),
]


@register(80, "reviews")
def load(log) -> None:
    from tongban.accounts.models import Organisation, User
    from tongban.appeals.models import Appeal
    from tongban.cases.models import Case

    from . import services
    from .models import Rating, Window

    orgs = {o.code: o for o in Organisation.objects.all()}
    if "ZZ-SPB" not in orgs:
        return
    for code, number, name in WINDOWS:
        Window.objects.get_or_create(organisation=orgs[code], number=number, defaults={"name": name})
    if Rating.objects.exists():
        log(f"评价 {Rating.objects.count()} 条（已存在）")
        return
    clerk = User.objects.get(username="zz_clerk")
    window = Window.objects.get(organisation=orgs["ZZ-SPB"], number="1")
    ratings = []
    for level, aspects, text, ago in WALK_INS:
        with override_settings(TONGBAN_TODAY=today() - dt.timedelta(days=ago)):
            ratings.append(services.rating_submit_window(actor=clerk, window_id=window.pk, level=level,
                                                         aspects=aspects, text=text,
                                                         rater_name="王女士" if level == 2 else "",
                                                         rater_phone="13600001234" if level == 2 else ""))
    # the founded bad review: verified, rectified and answered on time
    bad = ratings[5].rectification
    services.rectification_verify(actor=clerk, rectification_id=bad.pk, founded=True,
                                  verification="电话回访评价人，核实窗口材料清单与网上指南确有一项不一致。")
    services.rectification_answer(actor=clerk, rectification_id=bad.pk, outcome="rectified",
                                  measures="已按事项最新版本统一窗口材料清单，并对窗口人员开展培训。",
                                  answer="王女士您好，已核实您反映的问题属实，我们已统一材料清单，给您带来不便深表歉意。")
    # the abusive one: appealed as malicious, waiting for the approver
    services.rating_appeal_file(actor=clerk, rating_id=ratings[6].pk, reason="malicious",
                                statement="评价内容为辱骂，与当日服务无关；窗口录像显示办理过程正常，当事人因不符合受理条件不满。")
    # concluded and delivered demo cases rated by their applicants
    rated = 0
    # The demo enterprise's delivered case is left for it to rate: its home shows a rating to give.
    for case in (Case.objects.filter(status__in=["concluded", "delivered"]).exclude(applicant__username="ent_zzcj")
                 .select_related("applicant")[:6]):
        level = 5 if rated % 3 != 2 else 2
        services.rating_submit_case(actor=case.applicant, case_id=case.pk, level=level,
                                    aspects=["efficiency"] if level == 5 else ["materials"],
                                    text="" if level == 5 else "要求提交的材料太多，有些材料政府部门已经有了。")
        rated += 1
    for appeal in Appeal.objects.filter(status__in=["closed", "replied"], requester__isnull=False):
        services.rating_submit_appeal(actor=appeal.requester, appeal_id=appeal.pk, level=5, aspects=["attitude"])
    log(f"评价 {Rating.objects.count()} 条（窗口 {len(WALK_INS)}，办件 {rated}）")
