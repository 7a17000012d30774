"""Reads of the catalog: the public catalog of published items, staff lists scoped by the actor,
and the consistency report (同要素比对)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Organisation
from tongban.accounts.permissions import organisations_in_scope
from tongban.core.permissions import require, scope_q

from .models import Bundle, BundleItem, ItemKind, ItemVersion, Material, ServiceItem
from .permissions import VIEW

_STOP_WORDS = {
    "办理",
    "如何",
    "怎么",
    "怎样",
    "我要",
    "我想",
    "在哪",
    "哪里",
    "需要",
    "什么",
    "的",
    "了",
}
_TOKEN = re.compile(r"[\w\u4e00-\u9fff]+")


def search_terms(q: str) -> list[str]:
    """Split a query into words (jieba for Chinese), dropping filler words."""
    q = q.strip()[:100]
    if not q:
        return []
    import jieba

    terms: list[str] = []
    for chunk in _TOKEN.findall(q):
        words = [w for w in jieba.lcut(chunk) if w.strip()]
        for word in words:
            if word in _STOP_WORDS or (len(word) < 2 and not word.isascii()):
                continue
            if word not in terms:
                terms.append(word)
    return terms or [q]


def published_items(
    *,
    q: str = "",
    organisation: Organisation | int | None = None,
    level: str = "",
    topic: str = "",
    kind: str = "",
) -> QuerySet[ServiceItem]:
    """Items the public may see: active, with a published version. `organisation` includes
    its departments and units (an agency's items are often implemented by its 审批办)."""
    qs = (
        ServiceItem.objects.filter(is_active=True, current_version__isnull=False)
        .select_related("current_version", "organisation__parent")
        .order_by("organisation__path", "base_code")
    )
    if organisation:
        org = (
            organisation
            if isinstance(organisation, Organisation)
            else Organisation.objects.filter(pk=organisation).first()
        )
        qs = qs.filter(organisation__path__startswith=org.path) if org else qs.none()
    if level:
        qs = qs.filter(organisation__level=level)
    if topic:
        qs = qs.filter(current_version__topic=topic)
    if kind:
        qs = qs.filter(current_version__kind=kind)
    for term in search_terms(q):
        qs = qs.filter(
            Q(current_version__name__icontains=term)
            | Q(current_version__topic__icontains=term)
            | Q(current_version__conditions__icontains=term)
            | Q(current_version__materials__name__icontains=term)
            | Q(base_code__iexact=term)
            | Q(implementation_code__iexact=term)
        )
    if q:
        qs = qs.distinct()
    return qs


def get_published_version(item: ServiceItem) -> ItemVersion | None:
    """The version a new application is filed under, or None when the item is not offered."""
    if not item.is_active or item.current_version_id is None:
        return None
    version = item.current_version
    return version if version.status == ItemVersion.Status.PUBLISHED else None


def topics() -> list[str]:
    return sorted(
        set(
            ItemVersion.objects.filter(
                status=ItemVersion.Status.PUBLISHED, item__is_active=True
            ).values_list("topic", flat=True)
        )
        - {""}
    )


def catalog_organisations() -> QuerySet[Organisation]:
    """Agencies that implement at least one published item (theirs or their departments')."""
    paths = set(
        ServiceItem.objects.filter(is_active=True, current_version__isnull=False).values_list(
            "organisation__path", flat=True
        )
    )
    agencies = Organisation.objects.filter(kind=Organisation.Kind.AGENCY, is_active=True)
    ids = [a.pk for a in agencies if any(p.startswith(a.path) for p in paths)]
    return Organisation.objects.filter(pk__in=ids).order_by("path")


def _full_version_qs():
    return ItemVersion.objects.select_related(
        "item__organisation__parent", "published_by"
    ).prefetch_related("materials", "stages", "fees")


def guide_version(implementation_code: str, number: int | None = None) -> ItemVersion:
    """The public guide: the current version, or an earlier published one (a case filed under
    it keeps it). Drafts are never public."""
    item = ServiceItem.objects.filter(implementation_code=implementation_code).first()
    if item is None:
        raise Http404("事项不存在。")
    qs = _full_version_qs().filter(item=item)
    if number is None:
        if not item.is_active or item.current_version_id is None:
            raise Http404("该事项未公开或已停止实施。")
        return qs.get(pk=item.current_version_id)
    version = qs.filter(
        number=number,
        status__in=[ItemVersion.Status.PUBLISHED, ItemVersion.Status.SUPERSEDED],
    ).first()
    if version is None:
        raise Http404("该版本不存在或尚未发布。")
    return version


def full_version(version: ItemVersion) -> ItemVersion:
    return _full_version_qs().get(pk=version.pk)


def public_material(pk: int) -> Material:
    material = (
        Material.objects.filter(
            pk=pk,
            version__status__in=[ItemVersion.Status.PUBLISHED, ItemVersion.Status.SUPERSEDED],
        )
        .select_related("version__item")
        .first()
    )
    if material is None:
        raise Http404("材料不存在。")
    return material


# --- staff -------------------------------------------------------------------------------


def staff_items(
    actor, *, q: str = "", organisation_id: int | None = None, state: str = ""
) -> QuerySet[ServiceItem]:
    """Items of the actor's subtree, with their current version and pending draft."""
    require(actor, VIEW)
    drafts = ItemVersion.objects.filter(status=ItemVersion.Status.DRAFT).only(
        "id", "item_id", "number", "name", "created_at"
    )
    qs = (
        ServiceItem.objects.filter(scope_q(actor))
        .select_related("organisation__parent", "current_version")
        .prefetch_related(Prefetch("versions", queryset=drafts, to_attr="drafts"))
        .order_by("organisation__path", "base_code")
    )
    if organisation_id:
        org = organisations_in_scope(actor).filter(pk=organisation_id).first()
        qs = qs.filter(organisation__path__startswith=org.path) if org else qs.none()
    if q:
        qs = qs.filter(
            Q(current_version__name__icontains=q)
            | Q(versions__name__icontains=q)
            | Q(base_code__icontains=q)
            | Q(implementation_code__icontains=q)
        ).distinct()
    if state == "draft":
        qs = qs.filter(versions__status=ItemVersion.Status.DRAFT).distinct()
    elif state == "unpublished":
        qs = qs.filter(current_version__isnull=True)
    elif state == "withdrawn":
        qs = qs.filter(is_active=False)
    return qs


def bundles_for(actor) -> QuerySet[Bundle]:
    require(actor, VIEW)
    return (
        Bundle.objects.filter(scope_q(actor))
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=BundleItem.objects.select_related("item__current_version").order_by(
                    "order"
                ),
            )
        )
    )


def published_bundles() -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(is_published=True)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=BundleItem.objects.select_related(
                    "item__current_version", "item__organisation"
                ).order_by("order"),
            )
        )
    )


@dataclass
class BundleGuide:
    bundle: Bundle
    versions: list[ItemVersion]
    materials: list[dict]  # {"name", "form", "copies", "required", "condition", "items": [...]}
    total_promised: int
    visits: int


def bundle_guide(pk: int) -> BundleGuide:
    bundle = published_bundles().filter(pk=pk).first()
    if bundle is None:
        raise Http404("一件事不存在或未发布。")
    versions = []
    for entry in bundle.entries.all():
        version = get_published_version(entry.item)
        if version is not None:
            versions.append(full_version(version))
    merged: dict[str, dict] = {}
    for version in versions:
        for m in version.materials.all():
            row = merged.setdefault(
                m.name,
                {
                    "material": m,
                    "required": m.required,
                    "condition": m.condition,
                    "items": [],
                },
            )
            row["required"] = row["required"] or m.required
            row["items"].append(version.name)
    return BundleGuide(
        bundle=bundle,
        versions=versions,
        materials=list(merged.values()),
        total_promised=sum(v.promised_limit_days for v in versions),
        visits=max((v.visits for v in versions), default=0),
    )


# --- consistency report ------------------------------------------------------------------


@dataclass
class Difference:
    element: str
    standard: str
    local: str


@dataclass
class Comparison:
    item: ServiceItem
    version: ItemVersion | None
    differences: list[Difference] = field(default_factory=list)


@dataclass
class BaseGroup:
    base_code: str
    standard: ServiceItem | None
    standard_version: ItemVersion | None
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def differing(self) -> int:
        return sum(1 for c in self.comparisons if c.differences)


_YES_NO = {True: "是", False: "否"}
SCALAR_ELEMENTS = [
    "name",
    "kind",
    "applicant_type",
    "legal_basis",
    "conditions",
    "legal_limit_days",
    "promised_limit_days",
    "acceptance_limit_days",
    "is_free",
    "visits",
    "online_depth",
    "result_name",
]


def _display(version: ItemVersion, name: str) -> str:
    value = getattr(version, name)
    f = ItemVersion._meta.get_field(name)
    if f.choices:
        return str(getattr(version, f"get_{name}_display")())
    if isinstance(value, bool):
        return _YES_NO[value]
    return str(value)


def _material_desc(m: Material) -> dict[str, str]:
    return {
        "材料形式": m.get_form_display(),
        "份数": str(m.copies),
        "是否必须": "必须" if m.required else f"有条件：{m.condition}",
    }


def compare_versions(standard: ItemVersion, local: ItemVersion) -> list[Difference]:
    """Every standard element (同要素) in which a local implementation differs."""
    out: list[Difference] = []
    for name in SCALAR_ELEMENTS:
        a, b = _display(standard, name), _display(local, name)
        if a.strip() != b.strip():
            out.append(Difference(str(ItemVersion._meta.get_field(name).verbose_name), a, b))
    a_stages = "；".join(f"{s.name}（{s.limit_days} 个工作日）" for s in standard.stages.all())
    b_stages = "；".join(f"{s.name}（{s.limit_days} 个工作日）" for s in local.stages.all())
    if a_stages != b_stages:
        out.append(Difference("办理环节", a_stages or "无", b_stages or "无"))
    std_m = {m.name: m for m in standard.materials.all()}
    loc_m = {m.name: m for m in local.materials.all()}
    for name, m in std_m.items():
        if name not in loc_m:
            out.append(Difference(f"申请材料“{name}”", "要求提交", "未列出"))
            continue
        a, b = _material_desc(m), _material_desc(loc_m[name])
        for key in a:
            if a[key] != b[key]:
                out.append(Difference(f"申请材料“{name}”的{key}", a[key], b[key]))
    for name in loc_m:
        if name not in std_m:
            out.append(Difference(f"申请材料“{name}”", "未列出", "增加要求"))
    a_fees = "；".join(f"{f.name}：{f.standard}" for f in standard.fees.all())
    b_fees = "；".join(f"{f.name}：{f.standard}" for f in local.fees.all())
    if a_fees != b_fees:
        out.append(Difference("收费项目", a_fees or "不收费", b_fees or "不收费"))
    return out


def consistency_report(actor) -> list[BaseGroup]:
    """For every base code with an implementation in the actor's subtree: the standard
    implementation and, per local implementation, the elements that differ. Only published
    versions are compared: they are what applicants see."""
    require(actor, VIEW)
    local_items = list(
        ServiceItem.objects.filter(scope_q(actor), is_active=True)
        .select_related("organisation__parent")
        .order_by("base_code", "organisation__path")
    )
    base_codes = sorted({i.base_code for i in local_items})
    standards = {
        s.base_code: s
        for s in ServiceItem.objects.filter(
            base_code__in=base_codes, is_standard=True
        ).select_related("organisation__parent")
    }
    version_ids = {i.current_version_id for i in local_items if i.current_version_id}
    version_ids |= {s.current_version_id for s in standards.values() if s.current_version_id}
    versions = {
        v.pk: v
        for v in ItemVersion.objects.filter(pk__in=version_ids).prefetch_related(
            "materials", "stages", "fees"
        )
    }
    groups: list[BaseGroup] = []
    for code in base_codes:
        standard = standards.get(code)
        std_version = versions.get(standard.current_version_id) if standard else None
        group = BaseGroup(code, standard, std_version)
        for item in local_items:
            if item.base_code != code or (standard and item.pk == standard.pk):
                continue
            version = versions.get(item.current_version_id)
            comparison = Comparison(item, version)
            if version is not None and std_version is not None:
                comparison.differences = compare_versions(std_version, version)
            group.comparisons.append(comparison)
        if group.comparisons or standard is not None:
            groups.append(group)
    return groups


KIND_LABELS = dict(ItemKind.choices)
