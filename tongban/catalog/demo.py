"""Demo catalog: the civil air defence items named in the seeds, implemented by the Henan
province office (the standard) and the Zhengzhou and Luoyang offices, plus a quality-supervision
and a commerce item so several agencies show, and one bundle (一件事)."""

from __future__ import annotations

import copy
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tongban.accounts import services as account_services
from tongban.accounts.models import Organisation
from tongban.core.demo import register

from . import services
from .models import Bundle, ItemVersion, ServiceItem

HOURS = "工作日上午 9:00—12:00，下午 13:00—17:00（法定节假日除外）"
RFF = "《中华人民共和国人民防空法》"
HN_RFF = "《河南省实施〈中华人民共和国人民防空法〉办法》"
HN_SP = "《河南省人民防空工程审批管理办法》（豫人防〔2021〕27号）"

OTHER_AGENCIES = [
    ("HA-SCJG", "河南省市场监督管理局", "0371-12345611"),
    ("HA-SWT", "河南省商务厅", "0371-12345612"),
]


def _docx(title: str, lines: list[str], filled: bool = False) -> SimpleUploadedFile:
    """A real Word form, blank (范本) or filled in (示例)."""
    from docx import Document

    doc = Document()
    doc.add_heading(title, level=1)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for line in lines:
        label, _, value = line.partition("=")
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value if filled else ""
    doc.add_paragraph("申请人（签章）：" + ("郑州城建置业有限公司" if filled else "　　　　　　"))
    doc.add_paragraph("日期：" + ("2026 年 3 月 2 日" if filled else "　　年　　月　　日"))
    buffer = io.BytesIO()
    doc.save(buffer)
    suffix = "填写示例" if filled else "空白表"
    return SimpleUploadedFile(f"{title}-{suffix}.docx", buffer.getvalue())


def _form(title: str, lines: list[str]) -> dict:
    return {"template": _docx(title, lines), "sample": _docx(title, lines, filled=True)}


def m(
    name,
    form="original",
    copies=1,
    required=True,
    condition="",
    provides_from="",
    source="申请人自备",
    **files,
):
    return {
        "name": name,
        "form": form,
        "copies": copies,
        "required": required,
        "condition": condition,
        "source": source,
        "provides_from": provides_from,
        "notes": "",
        **files,
    }


def s(name, days, description=""):
    return {"name": name, "limit_days": days, "description": description}


APPLY_FORM = [
    "建设单位=郑州城建置业有限公司",
    "统一社会信用代码=91410100MA0000010X",
    "项目名称=郑东新区龙湖里住宅小区二期",
    "建设地点=郑州市郑东新区龙湖外环路东侧",
    "地上总建筑面积（㎡）=86,500",
    "应建防空地下室面积（㎡）=6,920",
    "联系人及电话=高建国 13500000001",
]

# base code -> (standard elements, materials, stages, fees, organisations implementing it)
ITEMS = {
    "RF-XK-001": {
        "elements": {
            "name": "应建防空地下室的民用建筑项目报建审批",
            "kind": "licensing",
            "topic": "工程建设",
            "applicant_type": "enterprise",
            "legal_basis": f"{RFF}第二十二条\n{HN_RFF}第十六条\n{HN_SP}",
            "conditions": (
                "城市规划区内新建民用建筑，依法应当修建防空地下室的建设项目；\n"
                "已取得建设工程规划许可（或建设用地规划许可）；\n"
                "防空地下室施工图设计文件已经审查合格。"
            ),
            "legal_limit_days": 20,
            "promised_limit_days": 10,
            "visits": 0,
            "online_depth": 4,
            "result_name": "人防工程建设审批意见书",
        },
        # 全程网办 and 零跑腿: every material is electronic (a paper original would need a trip).
        "materials": [
            m(
                "人防工程报建审批申请表",
                form="electronic",
                **_form("人防工程报建审批申请表", APPLY_FORM),
            ),
            # The planning permit is issued outside the platform and no licence type for it is
            # registered, so it is not really provided: the guide does not say 可免提交 and the
            # form asks for the upload; the consistency report lists the unmatched source.
            m(
                "建设工程规划许可证",
                form="electronic",
                provides_from="LIC-JSGCGHXK",
                source="自然资源和规划部门核发",
            ),
            m("防空地下室施工图设计文件及审查合格书", form="electronic"),
            m("建设项目总平面图", form="electronic"),
            m(
                "易地建设申请及说明材料",
                form="electronic",
                required=False,
                condition="因地质、地形、结构等原因确实不能修建防空地下室，申请易地建设的",
            ),
        ],
        "stages": [
            s("审查", 6, "审查设计文件是否符合防护标准和战技要求"),
            s("决定", 3, "分管负责人签批"),
            s("制证送达", 1, "电子证照同步推送，可邮寄纸质文书"),
        ],
        "fees": [],
        "orgs": ["HA-SPB", "ZZ-SPB", "LY-SPB"],
    },
    "RF-BA-002": {
        "elements": {
            "name": "防空地下室竣工验收备案",
            "kind": "confirmation",
            "topic": "工程建设",
            "applicant_type": "enterprise",
            "legal_basis": f"{RFF}第二十二条\n《人民防空工程建设管理规定》第五十五条\n{HN_SP}",
            "conditions": "防空地下室已按批准的设计文件建成，建设单位已组织竣工验收且验收合格。",
            "legal_limit_days": 15,
            "promised_limit_days": 5,
            "visits": 1,
            "online_depth": 3,
            "result_name": "人防工程竣工验收备案证明",
        },
        "materials": [
            m(
                "人防工程竣工验收备案表",
                copies=2,
                **_form("人防工程竣工验收备案表", [*APPLY_FORM[:3], "竣工验收日期=2026-05-20"]),
            ),
            m("人防工程竣工验收报告", copies=1),
            m(
                "人防工程质量监督报告",
                form="electronic",
                provides_from="SHARE-RFZJ-JDBG",
                source="人防工程质量监督机构出具",
            ),
            m("防空地下室竣工图", form="electronic"),
        ],
        "stages": [s("材料审核", 3), s("现场核验", 1, "必要时到现场核对"), s("备案", 1)],
        "fees": [],
        "orgs": ["HA-SPB", "ZZ-SPB", "LY-SPB"],
    },
    "RF-FW-003": {
        "elements": {
            "name": "人防工程质量监督注册（网上报监）",
            "kind": "public_service",
            "topic": "工程建设",
            "applicant_type": "enterprise",
            "legal_basis": "《建设工程质量管理条例》第十三条\n《人民防空工程质量监督管理规定》",
            "conditions": "人防工程已取得建设审批，施工、监理单位已确定，开工前办理质量监督注册。",
            "legal_limit_days": 5,
            "promised_limit_days": 2,
            "visits": 0,
            "online_depth": 4,
            "result_name": "人防工程质量监督注册通知书",
        },
        "materials": [
            m(
                "人防工程质量监督注册登记表",
                form="electronic",
                **_form("人防工程质量监督注册登记表", APPLY_FORM[:4]),
            ),
            m("施工合同及监理合同", form="electronic"),
            m(
                "人防工程建设审批意见书",
                form="electronic",
                provides_from="LIC-RFJSSP",
                source="人防主管部门核发",
            ),
        ],
        "stages": [s("网上审核", 1), s("注册", 1)],
        "fees": [],
        "orgs": ["HA-ZJZ", "ZZ-ZJZ", "LY-ZJZ"],
    },
    "RF-ZS-004": {
        "elements": {
            "name": "防空地下室易地建设费收缴",
            "kind": "other_power",
            "topic": "工程建设",
            "applicant_type": "enterprise",
            "legal_basis": f"{RFF}第二十二条\n{HN_RFF}第十七条",
            "conditions": "经批准不修建或少修建防空地下室的民用建筑项目，按规定缴纳易地建设费。",
            "legal_limit_days": 20,
            "promised_limit_days": 5,
            "visits": 0,
            "online_depth": 4,
            "is_free": False,
            "result_name": "防空地下室易地建设费缴款通知书",
        },
        "materials": [
            m("易地建设费缴费申请表", form="electronic"),
            m(
                "人防工程建设审批意见书（同意易地建设）",
                form="electronic",
                provides_from="LIC-RFJSSP",
                source="人防主管部门核发",
            ),
        ],
        "stages": [s("核定应缴金额", 3), s("开具缴款通知", 2)],
        "fees": [
            {
                "name": "防空地下室易地建设费",
                "standard": "按应建防空地下室面积乘以当地核定的每平方米收费标准计收",
                "amount": None,
                "basis": "省发展改革委、省财政厅核定的防空地下室易地建设费收费标准",
            }
        ],
        "orgs": ["ZZ-SPB", "LY-SPB"],
    },
    "RF-XK-005": {
        "elements": {
            "name": "人防工程拆除审批",
            "kind": "licensing",
            "topic": "工程建设",
            "applicant_type": "both",
            "legal_basis": f"{RFF}第二十八条\n{HN_RFF}第二十四条",
            "conditions": "确需拆除人民防空工程，并已提出补建或者补偿方案。",
            "legal_limit_days": 20,
            "promised_limit_days": 10,
            "visits": 1,
            "online_depth": 3,
            "result_name": "人防工程拆除审批意见书",
        },
        "materials": [
            m(
                "人防工程拆除申请书",
                **_form(
                    "人防工程拆除申请书",
                    ["申请人=", "工程名称=", "工程位置=", "建筑面积（㎡）=", "拆除理由="],
                ),
            ),
            m("人防工程产权证明", form="original_and_copy"),
            m("补建或补偿方案", copies=2),
        ],
        "stages": [s("审查", 4), s("现场勘验", 3), s("决定", 2), s("送达", 1)],
        "fees": [],
        "orgs": ["ZZ-SPB", "LY-SPB"],
    },
    "RF-XK-006": {
        "elements": {
            "name": "人防工程设计企业资质认定",
            "kind": "licensing",
            "topic": "资质资格",
            "applicant_type": "enterprise",
            "legal_basis": "《人民防空工程设计资质管理规定》\n《人民防空工程建设管理规定》第十二条",
            "conditions": "具有独立法人资格，专业技术人员、技术装备和业绩符合相应资质等级标准。",
            "legal_limit_days": 20,
            "promised_limit_days": 15,
            "visits": 0,
            "online_depth": 4,
            "result_name": "人防工程设计资质证书",
        },
        "materials": [
            m("人防工程设计资质申请表", form="electronic"),
            m("营业执照", form="electronic", provides_from="LIC-YYZZ", source="市场监管部门核发"),
            m("主要专业技术人员注册证书及社保证明", form="electronic"),
        ],
        "stages": [s("审查", 8), s("专家评审", 5), s("决定", 2)],
        "fees": [],
        "orgs": ["HA-SPB"],
    },
    "RF-XK-007": {
        "elements": {
            "name": "人防工程监理企业资质认定",
            "kind": "licensing",
            "topic": "资质资格",
            "applicant_type": "enterprise",
            "legal_basis": "《人民防空工程监理资质管理规定》\n《人民防空工程建设管理规定》第十二条",
            "conditions": "具有独立法人资格，注册监理工程师人数和业绩符合相应资质等级标准。",
            "legal_limit_days": 20,
            "promised_limit_days": 15,
            "visits": 0,
            "online_depth": 4,
            "result_name": "人防工程监理资质证书",
        },
        "materials": [
            m("人防工程监理资质申请表", form="electronic"),
            m("营业执照", form="electronic", provides_from="LIC-YYZZ", source="市场监管部门核发"),
            m("注册监理工程师证书及社保证明", form="electronic"),
        ],
        "stages": [s("审查", 8), s("专家评审", 5), s("决定", 2)],
        "fees": [],
        "orgs": ["HA-SPB"],
    },
    "ZJ-XK-101": {
        "elements": {
            "name": "工业产品生产许可证核发",
            "kind": "licensing",
            "topic": "生产经营",
            "applicant_type": "enterprise",
            "legal_basis": "《中华人民共和国工业产品生产许可证管理条例》第二条\n《中华人民共和国工业产品生产许可证管理条例实施办法》",
            "conditions": "有营业执照；有与所生产产品相适应的专业技术人员、生产条件和检验检疫手段；产品符合有关国家标准、行业标准。",
            "legal_limit_days": 20,
            "promised_limit_days": 10,
            "visits": 0,
            "online_depth": 4,
            "result_name": "全国工业产品生产许可证",
        },
        "materials": [
            m("工业产品生产许可证申请书", form="electronic"),
            m("营业执照", form="electronic", provides_from="LIC-YYZZ", source="市场监管部门核发"),
            m("产品检验合格报告", form="electronic"),
            m(
                "委托代理人授权书",
                form="electronic",
                required=False,
                condition="委托他人代为办理的",
            ),
        ],
        "stages": [s("审查", 5), s("核查", 3, "必要时实地核查"), s("决定", 2)],
        "fees": [],
        "orgs": ["HA-SCJG"],
    },
    "SW-BA-201": {
        "elements": {
            "name": "外商投资企业设立备案",
            "kind": "confirmation",
            "topic": "投资经营",
            "applicant_type": "enterprise",
            "legal_basis": "《中华人民共和国外商投资法》第三十四条\n《外商投资信息报告办法》",
            "conditions": "不涉及国家规定实施准入特别管理措施的外商投资企业设立。",
            "legal_limit_days": 3,
            "promised_limit_days": 1,
            "visits": 0,
            "online_depth": 4,
            "result_name": "外商投资企业设立备案回执",
        },
        "materials": [
            m("外商投资企业设立备案申报表", form="electronic"),
            m("投资者主体资格证明", form="electronic"),
            m("法定代表人身份证明", form="electronic"),
        ],
        "stages": [s("审核", 1)],
        "fees": [],
        "orgs": ["HA-SWT"],
    },
}

# Local departures from the standard, for the consistency report to find.
LOCAL = {
    ("RF-XK-001", "ZZ-SPB"): {
        "elements": {"promised_limit_days": 5},
        "stages": [s("审查", 3), s("决定", 1), s("制证送达", 1)],
    },
    ("RF-XK-001", "LY-SPB"): {
        # a paper original on a 全程网办 item: the report flags it as a contradiction
        "extra_materials": [m("人防工程建设承诺书", form="original")],
        "copies": {"人防工程报建审批申请表": 2},
    },
    ("RF-BA-002", "LY-SPB"): {"elements": {"visits": 2}},
}


def _place(org: Organisation) -> str:
    agency = org.agency()
    if "人民防空办公室" in agency.name:
        return f"{agency.name.replace('人民防空办公室', '')}政务服务中心人防窗口"
    return f"{agency.name}政务服务窗口"


def _ensure_agencies(log) -> None:
    for code, name, phone in OTHER_AGENCIES:
        if not Organisation.objects.filter(code=code).exists():
            account_services.organisation_create(
                actor=None,
                name=name,
                kind=Organisation.Kind.AGENCY,
                level=Organisation.Level.PROVINCE,
                division_code="410000",
                code=code,
                phone=phone,
            )


@register(40, "catalog")
@transaction.atomic
def load(log) -> None:
    _ensure_agencies(log)
    orgs = {o.code: o for o in Organisation.objects.all()}
    for base, spec in ITEMS.items():
        for n, code in enumerate(spec["orgs"]):
            org = orgs[code]
            impl = f"{base}-{org.division_code}"
            if ServiceItem.objects.filter(implementation_code=impl).exists():
                continue
            local = LOCAL.get((base, code), {})
            elements = {**spec["elements"], **local.get("elements", {})}
            agency = org.agency()
            elements.setdefault("is_free", not spec["fees"])
            elements.update(
                place=_place(org),
                hours=HOURS,
                consult_phone=agency.phone,
                complaint_phone="12345",
                acceptance_limit_days=elements.get("acceptance_limit_days", 5),
            )
            materials = copy.deepcopy(spec["materials"]) + copy.deepcopy(
                local.get("extra_materials", [])
            )
            for row in materials:
                row["copies"] = local.get("copies", {}).get(row["name"], row["copies"])
                for key in ("template", "sample"):
                    if row.get(key) is not None:
                        row[key].seek(0)
            item = services.item_create(
                actor=None,
                organisation=org,
                base_code=base,
                implementation_code=impl,
                is_standard=n == 0,
                elements=elements,
                materials=materials,
                stages=local.get("stages", spec["stages"]),
                fees=spec["fees"],
            )
            services.item_publish(version=item.versions.get(), actor=None)
    _revisions()
    _bundle()
    log(
        f"事项 {ServiceItem.objects.count()} 个（版本 {ItemVersion.objects.count()} 个），"
        f"一件事 {Bundle.objects.count()} 个"
    )


def _revisions() -> None:
    """Zhengzhou's 报建审批 has a second, published version, and a third still in draft."""
    item = ServiceItem.objects.filter(implementation_code="RF-XK-001-410100").first()
    if item is None or item.versions.count() > 1:
        return
    draft = services.draft_start(actor=None, item=item)
    services.draft_save(
        actor=None,
        version=draft,
        elements={"change_note": "申请表增加统一社会信用代码栏，结果同步推送电子证照"},
    )
    services.item_publish(version=draft, actor=None)
    draft = services.draft_start(actor=None, item=item)
    services.draft_save(
        actor=None,
        version=draft,
        elements={"promised_limit_days": 3, "change_note": "拟将承诺时限压缩至 3 个工作日"},
        stages=[s("审查", 2), s("决定", 1)],
    )


def _bundle() -> None:
    if Bundle.objects.filter(code="YJS-RF-410100-01").exists():
        return
    codes = ["RF-XK-001-410100", "RF-FW-003-410100", "RF-BA-002-410100"]
    items = [ServiceItem.objects.get(implementation_code=c) for c in codes]
    services.bundle_create(
        actor=None,
        organisation=Organisation.objects.get(code="ZZ"),
        code="YJS-RF-410100-01",
        name="民用建筑项目人防手续一件事",
        description=(
            "将人防工程报建审批、质量监督注册和竣工验收备案整合为“一件事”，"
            "一次告知、一表申请、一窗受理，材料共享免重复提交。"
        ),
        promised_limit_days=12,
        is_published=True,
        items=items,
    )
