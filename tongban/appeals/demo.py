"""Demo appeals, routing rules and a civil air defence knowledge base (人防 hotline FAQ), dated
relative to today so the closed loop, warnings and supervision have something to show."""

from __future__ import annotations

import datetime as dt

from django.test.utils import override_settings

from tongban.core.calendar import WorkCalendar
from tongban.core.demo import register
from tongban.core.timeutil import today

CATEGORIES = [
    ("rf-build", "人防工程报建", "防空地下室报建审批、结建标准咨询", "consultation", "报建,结建,防空地下室"),
    ("rf-fee", "易地建设费", "防空地下室易地建设费的缴纳、减免、退费", "consultation", "易地建设费,减免,缴费"),
    ("rf-quality", "人防工程质量", "人防工程质量监督、竣工验收备案、渗漏等质量问题", "complaint", "质量,渗水,验收"),
    ("rf-use", "人防工程使用管理", "平战结合、人防车位、维护管理", "complaint", "车位,平战结合,维护"),
    ("rf-alarm", "防空警报", "警报试鸣、警报设施故障或噪声", "consultation", "警报,试鸣"),
    ("service", "政务服务", "窗口服务、网上办理、办事效率", "complaint", "窗口,服务,效率"),
]

# name, priority, kinds, keywords, division prefix, category code, organisation code
RULES = [
    ("洛阳地区诉求", 200, "", "", "4103", "", "LY"),
    ("易地建设费", 150, "", "易地建设费,减免,缴费,退费,缓缴", "", "rf-fee", "ZZ"),
    ("工程质量与验收", 140, "", "质量,渗水,渗漏,裂缝,竣工验收,质量监督", "", "rf-quality", "ZZ-ZJZ"),
    ("人防车位与使用", 130, "", "车位,车库,平战结合,占用", "", "rf-use", "ZZ-PGC"),
    ("防空警报", 120, "", "警报,试鸣", "", "rf-alarm", "HA"),
    ("报建审批", 110, "", "报建,结建,防空地下室,施工图", "4101", "rf-build", "ZZ-SPB"),
]

# question, answer, legal basis, category, organisation code, keywords
ARTICLES = [
    ("哪些民用建筑应当修建防空地下室？",
     "新建民用建筑应当按照国家有关规定修建战时可用于防空的地下室。城市规划区内新建的民用建筑，地面总建筑面积达到规定标准的，"
     "应按首层建筑面积或地面总建筑面积的一定比例同步修建防空地下室（结建）。具体标准以本省人民防空工程建设管理规定为准。",
     "《中华人民共和国人民防空法》第二十二条；《河南省实施〈中华人民共和国人民防空法〉办法》", "rf-build", "HA", "结建 应建面积"),
    ("防空地下室报建审批需要提交哪些材料？",
     "一般包括：人防工程建设审批申请表、建设工程规划许可证（或规划设计条件）、防空地下室施工图设计文件及审查合格书、"
     "建设单位营业执照等。实行告知承诺制的，可先行承诺后补交部分材料。全程网办，可在本平台“办事指南”中查看。",
     "《中华人民共和国行政许可法》第三十一条", "rf-build", "ZZ", "报建审批 材料"),
    ("什么情况下可以缴纳防空地下室易地建设费？",
     "因地质、地形、施工条件等原因确实不宜修建防空地下室的，经人防主管部门批准，可以不修建，由建设单位按规定标准缴纳防空地下室易地建设费，"
     "由人防主管部门统一就近易地修建。易地建设费属于政府非税收入，全额缴入国库。",
     "《中华人民共和国人民防空法》第二十二条；财政部 国家发展改革委《关于规范防空地下室易地建设收费的规定》", "rf-fee", "HA", "易地建设费 条件"),
    ("防空地下室易地建设费的收费标准是多少？",
     "收费标准按本省价格主管部门核定的标准执行，按应建防空地下室面积计算。具体金额以人防部门出具的缴款书为准，可在平台“费用计算器”试算。",
     "《河南省物价局 财政厅关于防空地下室易地建设费收费标准的通知》", "rf-fee", "HA", "收费标准 缴款书"),
    ("哪些项目可以减免防空地下室易地建设费？",
     "按规定，享受中央和省有关优惠政策的廉租住房、经济适用住房等保障性住房，以及学校、幼儿园、养老机构等公益性项目，可按规定减免；"
     "临时建筑、不增加面积的危房翻新改造项目可以免收。减免须向人防主管部门提出申请并提交证明材料。",
     "国家发展改革委 财政部《关于规范防空地下室易地建设收费的规定》第四条", "rf-fee", "ZZ", "减免 减半收取 保障性住房"),
    ("易地建设费缴纳后项目取消，能否退费？",
     "建设项目因故取消或调整，不再需要修建或减少修建防空地下室的，建设单位可凭规划部门的撤销或变更文件申请退还已缴纳的易地建设费，"
     "经审核后按非税收入退付程序办理。",
     "", "rf-fee", "ZZ", "退费"),
    ("人防工程质量监督手续怎么办理？",
     "人防工程开工前，建设单位应向人防工程质量监督机构办理质量监督手续，提交施工图审查合格书、施工和监理合同等材料。"
     "质量监督站对防护设备安装、防护密闭门、滤毒通风等关键部位实施监督抽查。",
     "《人民防空工程质量监督管理规定》", "rf-quality", "ZZ-ZJZ", "人防工程质量监督 质监"),
    ("人防工程竣工验收备案需要哪些材料？",
     "建设单位应在人防工程竣工验收合格之日起十五日内，向人防主管部门办理竣工验收备案，提交竣工验收报告、质量监督报告、"
     "防护设备质量检测报告、竣工图等材料。未经备案的，不得投入使用。",
     "《人民防空工程竣工验收备案管理办法》", "rf-quality", "ZZ", "竣工验收备案"),
    ("防空地下室出现渗水怎么办？",
     "属于保修期内的，由建设单位组织施工单位维修；已交付使用的，由产权单位或管理单位负责维护。"
     "如存在质量问题，可向人防工程质量监督站反映，监督站将依法督促整改。",
     "《建设工程质量管理条例》第四十条", "rf-quality", "ZZ-ZJZ", "渗水 渗漏 保修"),
    ("人防车位可以出售吗？",
     "人防工程的所有权归国家，人防车位不得出售，可以依法出租使用，租赁期限不得超过规定年限。平时使用不得影响其防空效能，"
     "战时须无条件服从统一调配。",
     "《中华人民共和国人民防空法》第五条、第二十六条", "rf-use", "ZZ-PGC", "人防车位 车位 出租"),
    ("平战结合的人防工程平时可以做什么用途？",
     "在不影响防空效能的前提下，人防工程平时可用于停车、仓储、商业、文化体育等用途，须办理人防工程平时使用登记，"
     "并做好维护管理，确保能够按规定时限完成平战转换。",
     "《中华人民共和国人民防空法》第二十六条", "rf-use", "ZZ-PGC", "平战结合 平时用途 平战转换"),
    ("防空警报试鸣是什么时间？",
     "本省每年统一组织防空警报试鸣，时间一般为每年9月的第三个星期六上午，试鸣前将通过新闻媒体发布公告。请市民听到警报后保持镇静。",
     "《河南省防空警报试鸣规定》", "rf-alarm", "HA", "防空警报 警报试鸣"),
    ("小区楼顶警报器噪声扰民怎么反映？",
     "警报器日常维护检测可能产生短时声响。如持续异常响动或设施损坏，可通过本平台提交诉求或拨打 12345 热线，"
     "人防部门将在规定时间内安排检修。",
     "", "rf-alarm", "HA", "警报器 噪声"),
    ("拆除人防工程需要审批吗？",
     "需要。任何组织或者个人不得擅自拆除人防工程；确需拆除的，必须报经人防主管部门批准，并由拆除单位负责补建或者补偿。",
     "《中华人民共和国人民防空法》第二十八条", "rf-use", "HA", "人防工程拆除"),
    ("防空地下室施工图设计审查由谁负责？",
     "防空地下室施工图设计文件应当由具有相应资质的审查机构审查，审查合格后报人防主管部门备案；未经审查或审查不合格的，不得施工。",
     "《建设工程质量管理条例》第十一条", "rf-build", "ZZ-SPB", "施工图审查 设计审查"),
    ("人防工程防护设备需要检测吗？",
     "防护密闭门、防爆波活门、滤毒通风设备等防护设备安装后须经具有资质的检测机构检测合格，检测报告是竣工验收备案的必备材料。",
     "《人民防空工程防护设备产品与安装质量检测管理规定》", "rf-quality", "ZZ-ZJZ", "防护设备 防护密闭门 检测"),
    ("办理人防业务可以全程网办吗？",
     "可以。防空地下室报建审批、易地建设费缴纳、竣工验收备案等事项已实现全程网办，申请人可在平台在线申请、查询进度、领取电子证照，无需到窗口。",
     "", "service", "HA", "全程网办 一网通办"),
    ("对窗口服务不满意怎么办？",
     "可在办结后对服务作出评价（好差评），差评将在15个工作日内核实、整改并答复；也可提交投诉，承办单位将按规定时限答复。",
     "《国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见》", "service", "HA", "好差评 投诉"),
]

# kind, category, title, content, name, phone, days ago (working), state, extras
APPEALS = [
    ("consultation", "rf-fee", "易地建设费能否减免", "我公司在郑州建设一所民办幼儿园，请问防空地下室易地建设费能否减免？需要提交哪些材料？",
     "高建国", "13500000001", 2, "received", {}),
    ("complaint", "rf-quality", "小区地下车库防空地下室渗水严重", "金水区某小区地下车库（防空地下室）雨后多处渗水，墙面开裂，反映物业两个月未处理。",
     "", "13900003333", 6, "handling", {"division_code": "410105"}),
    ("complaint", "service", "窗口工作人员态度生硬", "3月在市人防办审批窗口办理报建，窗口工作人员态度生硬，材料一次没有说清，让我跑了三趟。",
     "李华", "13900002222", 4, "handling", {"respondent": "ZZ-SPB"}),
    ("suggestion", "service", "建议公开易地建设费计算公式", "建议在网上公开易地建设费的计算公式和标准，方便企业提前测算成本。",
     "马立新", "13500000002", 12, "replied", {"publish": True}),
    ("help", "rf-use", "人防车位被长期占用", "我租用的人防车位被他人长期占用，联系管理方无果，请帮助协调。", "张明", "13800001111", 16, "closed", {"publish": True}),
    ("consultation", "rf-alarm", "今年防空警报试鸣时间", "请问今年防空警报试鸣是哪一天？", "", "13712340000", 1, "received", {}),
    ("help", "rf-use", "洛龙区小区人防车位收费不明", "洛阳市洛龙区某小区人防车位收费标准不公开，请帮助核实。", "", "13712340001", 3,
     "transferring", {}),
    ("praise", "rf-build", "表扬报建审批窗口", "报建审批只用了5个工作日，工作人员主动上门指导，非常感谢！", "许文博", "13500000003", 8, "closed", {"publish": True}),
    ("complaint", "rf-quality", "竣工验收备案拖延", "提交竣工验收备案材料已超过半个月，至今没有答复。", "田安平", "13500000004", 14, "handling", {}),
]


def _clerk_for(organisation, default):
    """A clerk of the agency the appeal went to (金水区 has its own), else the city's."""
    from tongban.accounts.models import User

    agency = organisation.agency()
    clerks = User.objects.filter(is_active=True, roles__role="clerk", organisation__path__startswith=agency.path)
    for user in clerks.select_related("organisation").order_by("id"):
        if user.organisation.agency().pk == agency.pk:
            return user
    return default


def _back(days: int) -> dt.date:
    cal = WorkCalendar.default()
    day = today()
    while days > 0:
        day -= dt.timedelta(days=1)
        if cal.is_workday(day):
            days -= 1
    return day


@register(70, "appeals")
def load(log) -> None:
    from tongban.accounts.models import Organisation, User

    from . import kb_services, services
    from .models import Appeal, Article, Category, RoutingRule

    orgs = {o.code: o for o in Organisation.objects.all()}
    if "ZZ" not in orgs:
        log("有诉即办：缺少演示机构，跳过")
        return
    for order, (code, name, desc, kind, keywords) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "description": desc, "default_kind": kind,
                                                            "keywords": keywords, "order": order * 10})
    cats = {c.code: c for c in Category.objects.all()}
    if not RoutingRule.objects.exists():
        for name, priority, kinds, keywords, prefix, cat, org in RULES:
            RoutingRule.objects.create(name=name, priority=priority, kinds=kinds, keywords=keywords,
                                       division_prefix=prefix, category=cats.get(cat), organisation=orgs[org])
    admin = User.objects.get(username="admin")
    if not Article.objects.exists():
        for question, answer, basis, cat, org, keywords in ARTICLES:
            article = kb_services.article_save(actor=admin, data={
                "question": question, "answer": answer, "legal_basis": basis, "category_id": cats[cat].pk,
                "organisation_id": orgs[org].pk, "keywords": keywords, "valid_from": "2024-01-01"})
            kb_services.article_set_state(actor=admin, article_id=article.pk, state=Article.State.PUBLISHED)
    if Appeal.objects.filter(external_source="demo").exists():
        log(f"诉求 {Appeal.objects.count()} 件，知识库 {Article.objects.count()} 条（已存在）")
        return
    clerk = User.objects.get(username="zz_clerk")
    supervisor = User.objects.get(username="zz_supervisor")
    for n, (kind, cat, title, content, name, phone, ago, state, extra) in enumerate(APPEALS, start=1):
        with override_settings(TONGBAN_TODAY=_back(ago)):
            requester = User.objects.filter(phone=phone, kind__in=["citizen", "enterprise"]).first()
            data = {"kind": kind, "category": cat, "title": title, "content": content, "name": name, "phone": phone,
                    "division_code": extra.get("division_code", "" if cat in ("rf-alarm", "rf-use") else "410100")}
            if extra.get("respondent"):
                data["respondent_id"] = orgs[extra["respondent"]].pk
            if extra.get("publish"):  # these requesters agreed: the Open311 list is not empty
                data["publish"] = "1"
            appeal = services.appeal_submit(actor=requester, data=data, channel="web", client_ip=f"10.0.0.{n}")
            Appeal.objects.filter(pk=appeal.pk).update(external_source="demo", external_id=str(n))
            if state == "received":
                continue
            handler = _clerk_for(appeal.organisation, clerk)
            if state == "transferring":
                services.appeal_transfer(actor=handler, appeal_id=appeal.pk, to_organisation_id=orgs["LY"].pk,
                                         reason="小区位于洛阳市洛龙区，属洛阳市人防办管辖，转洛阳市人防办办理。")
                continue
            services.appeal_accept(actor=handler, appeal_id=appeal.pk)
        if state == "handling":
            if ago > 10:
                services.appeal_press(actor=supervisor, appeal_id=appeal.pk, note="已超期，请于两个工作日内答复诉求人。")
            continue
        with override_settings(TONGBAN_TODAY=_back(max(ago - 3, 0))):
            services.appeal_reply(actor=handler, appeal_id=appeal.pk, body={
                "suggestion": "感谢您的建议。易地建设费收费标准已在平台“费用计算器”公开，可按应建面积在线试算，计算公式同步公开。",
                "help": "经协调，管理单位已清理占用车辆并加装地锁，请您核实。",
                "praise": "感谢您的肯定，我们将继续提升服务。",
            }.get(kind, "已办理，详见答复。"))
        if state == "closed":
            services.appeal_callback(actor=handler, appeal_id=appeal.pk, satisfaction="satisfied", note="电话回访，满意。")
    from .sweep import run_sweep

    run_sweep()
    closed = Appeal.objects.filter(status="closed", kind="help").first()
    if closed is not None and not Article.objects.filter(source_appeal=closed).exists():
        draft = kb_services.guidance_draft(admin, closed.pk)
        kb_services.guidance_publish(actor=admin, appeal_id=closed.pk, data=draft)
    log(f"诉求 {Appeal.objects.count()} 件，知识库 {Article.objects.count()} 条，分办规则 {RoutingRule.objects.count()} 条")
