"""The consistency report (同要素比对): how each local implementation departs from the
standard implementation of the same base code, and where a guide contradicts itself (it
promises 全程网办 or 零跑腿 yet asks for a paper original, or names a source for 可免提交
that nothing supplies)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tongban.core.permissions import require, scope_q

from ..models import ItemVersion, Material, OnlineDepth, ServiceItem
from ..permissions import VIEW
from .provision import omittable_materials


@dataclass
class Difference:
    element: str
    standard: str
    local: str


@dataclass
class Contradiction:
    element: str
    message: str


@dataclass
class Comparison:
    item: ServiceItem
    version: ItemVersion | None
    differences: list[Difference] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)


@dataclass
class BaseGroup:
    base_code: str
    standard: ServiceItem | None
    standard_version: ItemVersion | None
    comparisons: list[Comparison] = field(default_factory=list)
    standard_contradictions: list[Contradiction] = field(default_factory=list)

    @property
    def differing(self) -> int:
        return sum(1 for c in self.comparisons if c.differences)

    @property
    def contradicting(self) -> int:
        """Implementations (the standard included) whose guide contradicts itself."""
        return sum(1 for c in self.comparisons if c.contradictions) + bool(
            self.standard_contradictions
        )


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


# A paper original has to be brought or posted: no 全程网办, no 零跑腿.
PAPER_FORMS = (Material.Form.ORIGINAL, Material.Form.ORIGINAL_AND_COPY)


def _promises(version: ItemVersion) -> list[str]:
    promises = []
    if version.online_depth == OnlineDepth.FULL:
        promises.append("全程网办")
    if version.visits == 0:
        promises.append("零跑腿")
    return promises


def guide_contradictions(version: ItemVersion) -> list[Contradiction]:
    """Where a version's guide takes back what it promises: a material required as a paper
    original although the item is promised 全程网办 or 零跑腿, and a 可免提交 source that no
    registered provider supplies (the guide then cannot say 可免提交 and the form asks for it)."""
    out: list[Contradiction] = []
    materials = list(version.materials.all())
    promises = "、".join(_promises(version))
    if promises:
        for m in materials:
            if m.form in PAPER_FORMS:
                out.append(
                    Contradiction(
                        f"申请材料“{m.name}”",
                        f"要求提交{m.get_form_display()}，与办事指南承诺的“{promises}”相矛盾："
                        "申请人只能到现场或寄送纸质材料。请改为电子件，或如实调整网办深度和到现场次数。",
                    )
                )
    if any(m.provides_from for m in materials):
        omittable = omittable_materials(version)
        for m in materials:
            if m.provides_from and not omittable.get(m.pk):
                out.append(
                    Contradiction(
                        f"申请材料“{m.name}”",
                        f"可免提交来源“{m.provides_from}”没有对应的在用电子证照类型或共享数据，"
                        "办事指南不显示“可免提交”，申请时仍须上传。",
                    )
                )
    return out


def consistency_report(actor) -> list[BaseGroup]:
    """For every base code with an implementation in the actor's subtree: the standard
    implementation and, per local implementation, the elements that differ and the places
    where its guide contradicts itself. Only published versions are compared: they are what
    applicants see."""
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
        if std_version is not None:
            group.standard_contradictions = guide_contradictions(std_version)
        for item in local_items:
            if item.base_code != code or (standard and item.pk == standard.pk):
                continue
            version = versions.get(item.current_version_id)
            comparison = Comparison(item, version)
            if version is not None and std_version is not None:
                comparison.differences = compare_versions(std_version, version)
            if version is not None:
                comparison.contradictions = guide_contradictions(version)
            group.comparisons.append(comparison)
        if group.comparisons or standard is not None:
            groups.append(group)
    return groups
