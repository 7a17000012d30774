"""Catalog API: the published catalog, readable without login like the guides themselves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from tongban.accounts.models import Organisation
from tongban.core.pagination import PageNumberPagination

from . import selectors
from .models import ItemKind

router = Router(tags=["事项目录"])


class OrganisationRef(Schema):
    id: int
    code: str
    name: str
    level: str


class ItemSummary(Schema):
    id: int = Field(description="事项 id：提交申请（case_submit）的 item_id")
    implementation_code: str
    base_code: str
    name: str
    kind: str
    kind_label: str
    topic: str
    organisation: OrganisationRef
    version: int
    legal_limit_days: int
    promised_limit_days: int
    visits: int
    online_depth: int
    is_free: bool

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.current_version.name

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.current_version.kind

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.current_version.get_kind_display())

    @staticmethod
    def resolve_topic(obj) -> str:
        return obj.current_version.topic

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.current_version.number

    @staticmethod
    def resolve_legal_limit_days(obj) -> int:
        return obj.current_version.legal_limit_days

    @staticmethod
    def resolve_promised_limit_days(obj) -> int:
        return obj.current_version.promised_limit_days

    @staticmethod
    def resolve_visits(obj) -> int:
        return obj.current_version.visits

    @staticmethod
    def resolve_online_depth(obj) -> int:
        return obj.current_version.online_depth

    @staticmethod
    def resolve_is_free(obj) -> bool:
        return obj.current_version.is_free


class MaterialOut(Schema):
    id: int
    name: str
    form: str
    copies: int
    required: bool
    condition: str
    source: str
    provides_from: str
    omittable: bool = Field(
        description="可免提交：已有在用的电子证照类型或共享数据提供该材料，申请时无需上传"
    )
    notes: str
    template_url: str | None
    sample_url: str | None


class StageOut(Schema):
    name: str
    limit_days: int
    description: str


class FeeOut(Schema):
    name: str
    standard: str
    amount: Decimal | None
    basis: str


class ItemDetail(Schema):
    id: int = Field(description="事项 id：提交申请（case_submit）的 item_id")
    implementation_code: str
    base_code: str
    is_standard: bool
    organisation: OrganisationRef
    version: int
    published_at: dt.datetime | None
    name: str
    kind: str
    topic: str
    applicant_type: str
    legal_basis: list[str]
    conditions: str
    legal_limit_days: int
    promised_limit_days: int
    acceptance_limit_days: int
    extension_limit_days: int = Field(description="经负责人批准可延长的工作日数（《行政许可法》第四十二条）")
    extension_moves_promised: bool = Field(description="延期是否同时顺延承诺时限")
    is_free: bool
    visits: int
    online_depth: int
    place: str
    hours: str
    consult_phone: str
    complaint_phone: str
    result_name: str
    guide_url: str
    materials: list[MaterialOut]
    stages: list[StageOut]
    fees: list[FeeOut]


def _material(request, m, omittable: frozenset[int]) -> dict:
    from django.urls import reverse

    def url(kind):
        if not getattr(m, kind):
            return None
        return request.build_absolute_uri(reverse("guides:material-file", args=[m.pk, kind]))

    return {
        **{k: getattr(m, k) for k in ("id", "name", "form", "copies", "required", "condition")},
        **{k: getattr(m, k) for k in ("source", "provides_from", "notes")},
        "omittable": m.pk in omittable,
        "template_url": url("template"),
        "sample_url": url("sample"),
    }


@router.get(
    "/items",
    response=list[ItemSummary],
    auth=None,
    operation_id="catalog_list_items",
    url_name="catalog_list_items",
    summary="已发布的政务服务事项",
    description="可按关键词、实施机构（含其内设机构）、层级、主题、事项类型筛选。无需登录。",
)
@paginate(PageNumberPagination, page_size=50)
def list_items(
    request,
    q: str = "",
    organisation: int | None = None,
    level: str = "",
    topic: str = "",
    kind: str = "",
):
    if level and level not in Organisation.Level.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"level": f"层级应为：{'、'.join(Organisation.Level.values)}"})
    if kind and kind not in ItemKind.values:
        from django.core.exceptions import ValidationError

        raise ValidationError({"kind": f"事项类型应为：{'、'.join(ItemKind.values)}"})
    return selectors.published_items(
        q=q[:100], organisation=organisation, level=level, topic=topic[:40], kind=kind
    )


@router.get(
    "/items/{code}",
    response=ItemDetail,
    auth=None,
    operation_id="catalog_get_item",
    url_name="catalog_get_item",
    summary="事项详情（办事指南）",
    description="按实施编码取现行版本；`version` 参数取某一已发布的历史版本。无需登录。",
)
def get_item(request, code: str, version: int | None = None):
    from django.urls import reverse

    if version is not None and version < 1:
        raise Http404("版本不存在。")
    v = selectors.guide_version(code, version)
    item = v.item
    omittable = selectors.omittable_ids(v)
    return {
        "id": item.pk,
        "implementation_code": item.implementation_code,
        "base_code": item.base_code,
        "is_standard": item.is_standard,
        "organisation": item.organisation,
        "version": v.number,
        "published_at": v.published_at,
        **{
            k: getattr(v, k)
            for k in (
                "name",
                "kind",
                "topic",
                "applicant_type",
                "conditions",
                "legal_limit_days",
                "promised_limit_days",
                "acceptance_limit_days",
                "extension_limit_days",
                "extension_moves_promised",
                "is_free",
                "visits",
                "online_depth",
                "place",
                "hours",
                "consult_phone",
                "complaint_phone",
                "result_name",
            )
        },
        "legal_basis": v.legal_basis_lines,
        "guide_url": request.build_absolute_uri(
            reverse("guides:item", args=[item.implementation_code])
        ),
        "materials": [_material(request, m, omittable) for m in v.materials.all()],
        "stages": list(v.stages.all()),
        "fees": list(v.fees.all()),
    }
