"""Demo licence types for the civil air defence items (and the business licence other items
reuse), with a few licences of the demo enterprises: valid ones, one revoked, one expired."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tongban.accounts.models import Enterprise, Organisation, User
from tongban.core import timeutil
from tongban.core.demo import register

from . import services
from .models import Licence, LicenceType

F = {
    "project": {"key": "project_name", "label": "项目名称", "source": "project_name", "public": True},
    "address": {"key": "address", "label": "建设地点", "source": "address", "public": True},
    "item": {"key": "item_name", "label": "审批事项", "source": "item_name", "public": False},
    "case": {"key": "case_number", "label": "办件编号", "source": "case_number", "public": False},
    "decided": {"key": "decided_on", "label": "决定日期", "source": "decided_on", "public": False},
}

# code, name, organisation, item base codes, validity months, fields
TYPES = [
    ("LIC-RFJSSP", "人防工程建设审批意见书", "HA", ["RF-XK-001"], 24,
     [F["project"], F["address"], F["item"], F["case"], F["decided"]]),
    ("LIC-RFJGBA", "人防工程竣工验收备案证明", "HA", ["RF-BA-002"], None,
     [F["project"], F["address"], F["case"], F["decided"]]),
    ("LIC-RFZLJD", "人防工程质量监督注册通知书", "HA-ZJZ", ["RF-FW-003"], 12,
     [F["project"], F["address"], F["case"]]),
    ("LIC-RFSJZZ", "人防工程设计资质证书", "HA", ["RF-XK-006"], 60,
     [{"key": "grade", "label": "资质等级", "source": "", "public": True}, F["case"]]),
    ("LIC-YYZZ", "营业执照", "HA-SCJG", [], None,
     [{"key": "legal_representative", "label": "法定代表人", "source": "", "public": True},
      {"key": "address", "label": "住所", "source": "", "public": True},
      {"key": "scope", "label": "经营范围", "source": "", "public": False}]),
]


@register(60, "licences")
@transaction.atomic
def load(log) -> None:
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=["HA", "HA-ZJZ", "HA-SCJG", "ZZ", "LY"])}
    admin = User.objects.filter(username="admin").first()
    for code, name, org, items, months, fields in TYPES:
        if org not in orgs or LicenceType.objects.filter(code=code).exists():
            continue
        services.licence_type_save(
            actor=admin, data={"code": code, "name": name, "organisation": orgs[org], "validity_months": months,
                               "fields": fields, "is_active": True, "description": ""},
            base_codes=items,
        )
    _licences(orgs)
    services.expire_due()
    log(f"证照类型 {LicenceType.objects.count()} 种，电子证照 {Licence.objects.count()} 张")


def _licences(orgs) -> None:
    ent = Enterprise.objects.filter(name="郑州城建置业有限公司").first()
    if ent is None or Licence.objects.filter(holder_code=ent.uscc).exists():
        return
    holder = User.objects.filter(enterprise=ent).order_by("id").first()
    today = timeutil.today()
    types = {t.code: t for t in LicenceType.objects.all()}

    def issue(code, issuer, fields, on, holder_ent=ent, user=holder):
        return services.licence_issue(
            actor=None, licence_type=types[code], issuer=issuer, holder_name=holder_ent.name, holder_code=holder_ent.uscc,
            holder=user, holder_enterprise=holder_ent, fields=fields, issued_on=on)

    issue("LIC-YYZZ", orgs["HA-SCJG"], {"legal_representative": ent.legal_representative, "address": "郑州市郑东新区商务外环路 18 号",
                                        "scope": "房地产开发经营；物业管理；建筑材料销售"}, dt.date(2018, 6, 8))
    site = {"project_name": "郑东新区龙湖里住宅小区一期", "address": "郑州市郑东新区龙湖外环路东侧"}
    issue("LIC-RFJSSP", orgs["ZZ"], {**site, "item_name": "应建防空地下室的民用建筑项目报建审批",
                                     "case_number": "ZZ-SPB-20250915-0003", "decided_on": "2025-09-19"},
          today - dt.timedelta(days=120))
    issue("LIC-RFJGBA", orgs["ZZ"], {**site, "case_number": "ZZ-SPB-20240520-0011", "decided_on": "2024-05-27"},
          dt.date(2024, 5, 27))
    # Expired: a quality-supervision registration whose year ran out.
    issue("LIC-RFZLJD", orgs["ZZ"], {**site, "case_number": "ZZ-ZJZ-20240302-0002"}, today - dt.timedelta(days=420))
    # Revoked: an approval issued in error for the wrong site and withdrawn.
    wrong = issue("LIC-RFJSSP", orgs["ZZ"], {"project_name": "龙湖里住宅小区（地块编号错误）", "address": "郑州市郑东新区",
                                            "item_name": "应建防空地下室的民用建筑项目报建审批",
                                            "case_number": "ZZ-SPB-20250601-0007", "decided_on": "2025-06-06"},
                  today - dt.timedelta(days=200))
    approver = User.objects.filter(username="zz_approver").first()
    if approver is not None:
        services.licence_revoke(actor=approver, licence_id=wrong.pk,
                                reason="地块编号填写错误，已依申请撤回原审批意见并重新核发")
    other = Enterprise.objects.filter(name="洛阳恒基建筑设计院有限公司").first()
    if other is not None:
        user = User.objects.filter(enterprise=other).order_by("id").first()
        issue("LIC-YYZZ", orgs["HA-SCJG"], {"legal_representative": other.legal_representative,
                                            "address": "洛阳市洛龙区开元大道 66 号", "scope": "工程设计；工程咨询"},
              dt.date(2015, 3, 18), holder_ent=other, user=user)
        issue("LIC-RFSJZZ", orgs["HA"], {"grade": "乙级", "case_number": "HA-SPB-20230410-0001"},
              dt.date(2023, 4, 14), holder_ent=other, user=user)
