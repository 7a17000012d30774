"""Writing records through the catalog services, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongban.accounts.models import Organisation
from tongban.core import audit
from tongban.core.errors import Conflict
from tongban.core.permissions import in_scope, require

from .. import services
from ..models import ItemVersion, ServiceItem
from ..permissions import MANAGE
from ._common import ImportRejected, Record
from .columns import ELEMENT_KEYS, HEADER


def _locate(record: Record, exc: ValidationError) -> list[str]:
    """Point each service error at the sheet/row/column (or JSON path) it came from."""
    out = []
    items_header = HEADER[None]
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for key, msgs in messages.items():
        parts = key.split(".")
        if parts[0] in ("materials", "stages", "fees") and len(parts) >= 2:
            rows = getattr(record, parts[0])
            index = int(parts[1])
            if index < len(rows):
                where = rows[index][0]
                fkey = parts[2] if len(parts) > 2 else None
                header = HEADER[parts[0]].get(fkey) if fkey else None
                out += [f"{where.at(fkey, header)}：{m}" for m in msgs]
                continue
        if parts[0] in ("materials", "stages", "fees"):
            header = {"materials": "申请材料", "stages": "办理环节", "fees": "收费项目"}[parts[0]]
            out += [f"{record.where.at(None, None)}（{header}）：{m}" for m in msgs]
            continue
        key = {"organisation": "organisation_code", "__all__": None}.get(key, key)
        header = items_header.get(key) if key else None
        out += [f"{record.where.at(key, header)}：{m}" for m in msgs]
    return out


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    published: int = 0


def _carry_files(draft: ItemVersion, materials: list[dict]) -> list[dict]:
    """Templates and samples are not in the file: keep those of same-named materials."""
    files = {m.name: (m.template.name, m.sample.name) for m in draft.materials.all()}
    return [
        {
            **row,
            "template": files.get(row["name"], ("", ""))[0],
            "sample": files.get(row["name"], ("", ""))[1],
        }
        for row in materials
    ]


def _import_one(actor, record: Record, orgs: dict[str, Organisation], publish: bool, result):
    data = record.data
    code = data["implementation_code"]
    org = orgs.get(data["organisation_code"])
    if org is None:
        raise ValidationError(
            {"organisation_code": f"机构代码“{data['organisation_code']}”不存在。"}
        )
    if actor is not None and not in_scope(actor, org):
        raise ValidationError({"organisation_code": f"机构“{org.name}”不在您的管辖范围内。"})
    elements = {k: data[k] for k in ELEMENT_KEYS}
    materials = [row for _w, row in record.materials]
    stages = [row for _w, row in record.stages]
    fees = [row for _w, row in record.fees]
    item = (
        ServiceItem.objects.filter(implementation_code=code).select_related("organisation").first()
    )
    if item is None:
        item = services.item_create(
            actor=actor,
            organisation=org,
            base_code=data["base_code"],
            implementation_code=code,
            is_standard=data["is_standard"],
            elements=elements,
            materials=materials,
            stages=stages,
            fees=fees,
        )
        draft = item.versions.get()
        result.created += 1
    else:
        if actor is not None and not in_scope(actor, item.organisation):
            raise ValidationError(
                {"implementation_code": f"实施编码“{code}”属于不在您管辖范围内的机构。"}
            )
        if item.organisation_id != org.pk:
            raise ValidationError(
                {
                    "organisation_code": f"实施编码“{code}”已属于“{item.organisation.name}”，不能改为其他机构。"
                }
            )
        if item.base_code != data["base_code"]:
            raise ValidationError(
                {"base_code": f"实施编码“{code}”的基本编码是“{item.base_code}”，不能修改。"}
            )
        if item.is_standard != data["is_standard"]:
            services.item_set_standard(actor=actor, item=item, standard=data["is_standard"])
        draft = services.draft_start(actor=actor, item=item)
        services.draft_save(
            actor=actor,
            version=draft,
            elements=elements,
            materials=_carry_files(draft, materials),
            stages=stages,
            fees=fees,
        )
        result.updated += 1
    if publish:
        services.item_publish(version=draft, actor=actor)
        result.published += 1


def catalog_import(*, actor, records: list[Record], publish: bool, source: str) -> ImportResult:
    """Write every record as a draft (and publish it if asked), or nothing at all."""
    if actor is not None:
        require(actor, MANAGE)
    if not records:
        raise ImportRejected(["文件中没有事项。"])
    orgs = {
        o.code: o
        for o in Organisation.objects.filter(
            code__in={r.data["organisation_code"] for r in records}
        )
    }
    result = ImportResult()
    errors: list[str] = []
    try:
        with transaction.atomic():
            for record in records:
                try:
                    with transaction.atomic():
                        _import_one(actor, record, orgs, publish, result)
                except ValidationError as exc:
                    errors += _locate(record, exc)
                except (Conflict, PermissionDenied) as exc:
                    errors.append(f"{record.where.at(None, None)}：{exc}")
            if errors:
                raise ImportRejected(errors)
            audit.record(
                "catalog.import",
                actor=actor,
                object_type="catalog.serviceitem",
                object_repr=source[:200],
                changes={
                    "created": result.created,
                    "updated": result.updated,
                    "published": result.published,
                },
            )
    except ImportRejected:
        raise
    return result
