"""Catalog test data, made through the real services (so the rules apply as in production)."""

from __future__ import annotations

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.catalog import services
from tongban.catalog.models import ServiceItem

_seq = itertools.count(1)


def elements(**overrides) -> dict:
    data = {
        "name": "防空地下室竣工验收备案",
        "kind": "confirmation",
        "topic": "工程建设",
        "applicant_type": "enterprise",
        "legal_basis": "《中华人民共和国人民防空法》第二十二条\n《人民防空工程建设管理规定》",
        "conditions": "防空地下室已建成并经竣工验收合格。",
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "acceptance_limit_days": 5,
        "is_free": True,
        "visits": 0,
        "online_depth": 4,
        "place": "甲市政务服务中心二楼人防窗口",
        "hours": "工作日 9:00—17:00",
        "consult_phone": "0371-66668888",
        "complaint_phone": "12345",
        "result_name": "竣工验收备案证明",
        "change_note": "",
    }
    data.update(overrides)
    return data


def material(name="竣工验收备案表", **overrides) -> dict:
    row = {
        "name": name,
        "form": "original",
        "copies": 1,
        "required": True,
        "condition": "",
        "source": "",
        "provides_from": "",
        "notes": "",
        "template": None,
        "sample": None,
    }
    row.update(overrides)
    return row


def stage(name="审查", limit_days=5, description="") -> dict:
    return {"name": name, "limit_days": limit_days, "description": description}


def docx_upload(name="备案表.docx") -> SimpleUploadedFile:
    import io

    from docx import Document

    doc = Document()
    doc.add_paragraph("人防工程竣工验收备案表")
    buffer = io.BytesIO()
    doc.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def make_item(
    organisation,
    *,
    actor=None,
    base_code: str | None = None,
    implementation_code: str | None = None,
    publish: bool = True,
    is_standard: bool = False,
    materials: list[dict] | None = None,
    stages: list[dict] | None = None,
    fees: list[dict] | None = None,
    **element_overrides,
) -> ServiceItem:
    n = next(_seq)
    base_code = base_code or f"T-BA-{n:03d}"
    item = services.item_create(
        actor=actor,
        organisation=organisation,
        base_code=base_code,
        implementation_code=implementation_code or f"{base_code}-{organisation.pk}",
        is_standard=is_standard,
        elements=elements(**element_overrides),
        materials=materials
        if materials is not None
        else [
            material(template=docx_upload(), sample=docx_upload("示例.docx")),
            material("竣工验收报告", form="copy", copies=2),
            material("委托书", required=False, condition="委托代理人办理的"),
        ],
        stages=stages if stages is not None else [stage("审查", 6), stage("决定", 3)],
        fees=fees or [],
    )
    if publish:
        services.item_publish(version=item.versions.get(), actor=actor)
        item.refresh_from_db()
    return item
