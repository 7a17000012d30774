"""Licence reuse (免证可办): after the applicant authorises the lookup, a material whose catalog
entry names a licence type (`Material.provides_from`) is provided from the applicant's own valid
e-licence of that type, verified on the spot, instead of an upload.

Cases does not call this module: `supply_materials` is registered as a material provider with
`tongban.catalog.material_sources` (in apps.py), and `case_apply` asks the providers before filing the case
and lets them record, after it, which licence stood in for which material and what its
verification said (`reuse_record`). An expired, revoked or forged licence is never accepted; the
applicant is told why and uploads the material instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tongban.core import audit

from . import signing
from .models import Licence, LicenceType, LicenceUse, Status
from .permissions import holder_q


@dataclass
class MaterialReuse:
    material_id: int
    material_name: str
    type_code: str
    type_name: str = ""
    licence: Licence | None = None
    verification: signing.Verification | None = None
    message: str = ""

    @property
    def provided(self) -> bool:
        return self.verification is not None and self.verification.usable

    @property
    def source_text(self) -> str:
        """What the case records in CaseMaterial.provided_from (at most 200 characters)."""
        lic = self.licence
        return (f"电子证照《{self.type_name}》{lic.number}，签发机关{lic.issuer.name}，"
                f"验签通过，{timezone.localdate().isoformat()} 核验有效")[:200]


@dataclass
class ReuseResult:
    authorised: bool
    rows: list[MaterialReuse] = field(default_factory=list)

    @property
    def provided(self) -> dict[int, str]:
        """The mapping for `case_submit(provided=...)`: material id → source text."""
        return {r.material_id: r.source_text for r in self.rows if r.provided}

    def for_material(self, material_id: int) -> MaterialReuse | None:
        return next((r for r in self.rows if r.material_id == material_id), None)


def reusable_materials(version) -> list:
    """The version's materials that a licence type registered here can stand in for."""
    materials = [m for m in version.materials.all() if m.provides_from]
    codes = set(LicenceType.objects.filter(code__in=[m.provides_from for m in materials], is_active=True)
                .values_list("code", flat=True))
    return [m for m in materials if m.provides_from in codes]


def _candidates(actor, type_code: str):
    return (Licence.objects.filter(holder_q(actor), licence_type__code=type_code)
            .select_related("licence_type", "issuer", "key").order_by("-issued_on", "-id"))


def reuse_lookup(*, actor, version, authorised: bool) -> ReuseResult:
    """Look up and verify the applicant's licences for the version's materials. Without the
    applicant's authorisation nothing is looked up."""
    result = ReuseResult(authorised=authorised)
    if not authorised or not getattr(actor, "is_applicant", False):
        return result
    types = {t.code: t for t in LicenceType.objects.filter(is_active=True)}
    for material in reusable_materials(version):
        lt = types[material.provides_from]
        row = MaterialReuse(material.pk, material.name, lt.code, lt.name)
        checked = [(lic, signing.verify_licence(lic)) for lic in _candidates(actor, lt.code)[:10]]
        usable = next(((lic, v) for lic, v in checked if v.usable), None)
        if usable is not None:
            row.licence, row.verification = usable
            row.message = f"已由电子证照 {row.licence.number} 提供，无需上传。"
        elif checked:
            row.licence, row.verification = checked[0]
            row.message = f"您的《{lt.name}》（{row.licence.number}）{_refusal(row.verification)}，不能用于免提交，请上传材料。"
        else:
            row.message = f"未找到您名下的《{lt.name}》电子证照，请上传材料。"
        result.rows.append(row)
    return result


def _refusal(v: signing.Verification) -> str:
    lic = v.licence
    if v.result == Status.EXPIRED:
        return f"已于 {lic.valid_until.isoformat()} 到期"
    if v.result == Status.REVOKED:
        return f"已注销（原因：{lic.revoke_reason}）"
    return "签名验证未通过"


@transaction.atomic
def reuse_record(*, case, lookup: ReuseResult, actor) -> int:
    """File, on the case, which licence provided which material and its verification result.
    Idempotent: a resubmitted form records nothing twice."""
    return sum(_record_row(case=case, row=row, actor=actor) for row in lookup.rows if row.provided)


def _record_row(*, case, row: MaterialReuse, actor) -> int:
    _, created = LicenceUse.objects.get_or_create(
        case=case, material_id=row.material_id,
        defaults={"licence": row.licence, "result": row.verification.result, "signature_ok": row.verification.signature_ok,
                  "checked_at": timezone.now(), "authorised_by": actor},
    )
    if created:
        audit.record("licence.reuse", actor=actor, obj=row.licence,
                     changes={"case": case.number, "material": row.material_name, "result": row.verification.result})
    return int(created)


def supply_materials(*, actor, version, authorised: bool) -> list:
    """The material provider licences registers with cases (免证可办): every material a licence
    type can stand in for, and, once the applicant authorises the lookup, whether their own valid
    licence does, verified on the spot."""
    from tongban.catalog.material_sources import Supply

    lookup = reuse_lookup(actor=actor, version=version, authorised=authorised)
    supplies = []
    for material in reusable_materials(version):
        row = lookup.for_material(material.pk)
        if row is None:
            supplies.append(Supply(material.pk, provided=False, message="可由电子证照免提交（需授权查询）。"))
            continue
        supplies.append(Supply(
            material.pk, provided=row.provided, source=row.source_text if row.provided else "", message=row.message,
            record=(lambda *, case, actor, row=row: _record_row(case=case, row=row, actor=actor)) if row.provided else None,
        ))
    return supplies


def reuse_share(cases) -> dict:
    """Metric for the dashboard: of the materials filed with the given cases (first submission),
    how many were provided without an upload."""
    from tongban.cases.models import CaseMaterial

    agg = CaseMaterial.objects.filter(case__in=cases, round=1).aggregate(
        total=Count("id"), provided=Count("id", filter=~Q(provided_from="")),
    )
    total = agg["total"] or 0
    return {
        "total": total,
        "provided": agg["provided"],
        "share": round(100.0 * agg["provided"] / total, 1) if total else None,
    }

