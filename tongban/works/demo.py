"""Demo: the Zhengzhou supervision station's staff, the fee rules (Henan and Anhui, loaded by
policies), an approved protective-equipment maker, and two projects in progress — one supervised
with a single building accepted ahead of the whole, one registered and waiting for acceptance."""

from __future__ import annotations

import datetime as dt
import functools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tongban.accounts import services as accounts
from tongban.accounts.models import Enterprise, Organisation, Role, StaffRole, User
from tongban.core.demo import DEMO_PASSWORD, register, register_logins
from tongban.core.validators import make_uscc

from . import services
from .models import ApprovedMaker, Building, Project, Stage

STATION = ("ZZ-ZJZ", "人防工程质量监督站")
STAFF = [
    ("works_head", "冯站长", [Role.APPROVER]),
    ("works_clerk", "韩登记", [Role.CLERK]),
    ("works_sup1", "许监督", [Role.INSPECTOR]),
    ("works_sup2", "蒋监督", [Role.INSPECTOR]),
    ("works_fee", "曹核费", [Role.REVIEWER]),
]
# name, division, org-code body
ENTERPRISES = [
    ("郑州中建人防施工有限公司", "410100", "WK000001"),
    ("河南盾安人防防护设备有限公司", "410100", "WK000002"),
]
PROJECT_1 = "城建·金水花园二期"
PROJECT_2 = "中原物流二号仓库"


@functools.cache
def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(0, 10, "Tongban demo: works registration document", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _files() -> dict:
    return {code: SimpleUploadedFile(f"{label}.pdf", _pdf(), content_type="application/pdf")
            for code, label in services.REGISTRATION_DOCUMENTS}


def _enterprise(name, division, body) -> Enterprise:
    uscc = make_uscc("9", "1", division, body)
    return Enterprise.objects.filter(uscc=uscc).first() or accounts.enterprise_register(
        uscc=uscc, name=name, legal_representative="王建", division_code=division
    )


@register(90, "works")
@transaction.atomic
def load(log) -> None:
    zz = Organisation.objects.filter(code="ZZ").first()
    if zz is None:
        return
    station = Organisation.objects.filter(code=STATION[0]).first() or accounts.organisation_create(
        actor=None, name=STATION[1], kind=Organisation.Kind.UNIT, level=Organisation.Level.CITY,
        division_code="410100", code=STATION[0], parent=zz, phone="",
    )
    staff = {}
    for username, real_name, roles in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _ = accounts.staff_user_create(
                actor=None, username=username, real_name=real_name, organisation=station, roles=list(roles),
                password=DEMO_PASSWORD, phone="1370009" + f"{len(staff):04d}",
            )
        for role in roles:
            StaffRole.objects.get_or_create(user=user, role=role)
        staff[username] = user
    contractor, maker = (_enterprise(*row) for row in ENTERPRISES)
    ApprovedMaker.objects.get_or_create(
        enterprise=maker, defaults={"products": "防护密闭门、密闭门、防爆波活门", "certificate_number": "豫人防设〔2025〕08号",
                                    "valid_until": dt.date(2028, 12, 31)},
    )
    if Project.objects.filter(name__in=[PROJECT_1, PROJECT_2]).exists():
        return
    builder = User.objects.filter(username="ent_zzcj").first()
    logistics = User.objects.filter(username="ent_zywl").first()
    if builder is None or logistics is None:
        return
    by_body = {e.uscc[8:16]: e for e in Enterprise.objects.all()}
    designer, engineer = by_body.get("MA000003"), by_body.get("MA000004")
    parties = [{"role": "contractor", "uscc": contractor.uscc}, {"role": "equipment_maker", "uscc": maker.uscc}]
    if designer:
        parties.append({"role": "designer", "uscc": designer.uscc})
    if engineer:
        parties.append({"role": "supervising_engineer", "uscc": engineer.uscc})
    p1 = services.project_create(
        actor=builder, name=PROJECT_1, address="郑州市金水区北三环与文化路交叉口东北角", region_code="410105",
        land_type="residential", parties=parties,
        buildings=[
            {"name": "1号楼", "use": "residential", "above_area": "18000", "below_area": "3200",
             "has_basement": True, "protection_class": "6", "basement_area": "1300"},
            {"name": "2号楼", "use": "residential", "above_area": "12000", "below_area": "0"},
            {"name": "3号楼（幼儿园）", "use": "public", "above_area": "2400", "category": "kindergarten"},
        ],
    )
    services.registration_submit(actor=builder, project_id=p1.pk, files=_files())
    services.registration_accept(actor=staff["works_clerk"], project_id=p1.pk, supervisor_id=staff["works_sup1"].pk)
    sup = staff["works_sup1"]
    b1 = Building.objects.get(project=p1, name="1号楼")
    services.visit_record(actor=sup, project_id=p1.pk, stage=Stage.FOUNDATION, building_id=b1.pk, outcome="passed",
                          findings="防空地下室底板、外墙钢筋及混凝土强度符合设计要求。")
    services.visit_record(actor=sup, project_id=p1.pk, stage=Stage.MAIN_STRUCTURE, building_id=b1.pk, outcome="rectify",
                          findings="临空墙厚度局部不足。", requirement="临空墙按施工图补浇至 300 mm 并提交检测报告。",
                          party_role="contractor", due_days=10)
    b2 = Building.objects.get(project=p1, name="2号楼")
    services.building_request(actor=builder, building_id=b2.pk)
    services.building_accept(actor=staff["works_head"], building_id=b2.pk)
    p2 = services.project_create(
        actor=logistics, name=PROJECT_2, address="郑州市中原区须水镇物流园区", region_code="410102",
        land_type="logistics_warehouse", buildings=[{"name": "仓库", "use": "warehouse", "above_area": "1800"}],
    )
    services.registration_submit(actor=logistics, project_id=p2.pk, files=_files())
    log(f"人防工程：项目 {Project.objects.count()} 个（{PROJECT_1} 已出具单体备案函；{PROJECT_2} 待受理）")


@register_logins
def logins() -> list[tuple[str, str]]:
    return [(u, f"{n}（人防工程质量监督站，{', '.join(str(Role(r).label) for r in roles)}）") for u, n, roles in STAFF]
