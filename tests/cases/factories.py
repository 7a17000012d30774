"""Cases test data: a published item made directly (fast, no catalog rules), PDF uploads, and
helpers that submit a case and take it to a decision through the real services."""

from __future__ import annotations

import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from tongban.catalog.models import ItemVersion, Material, ServiceItem, Stage


def blank_pdf(width: int = 595, height: int = 842) -> bytes:
    """A real one-page PDF (uploads are parsed, so a few magic bytes are not enough)."""
    writer = PdfWriter()
    writer.add_blank_page(width, height)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = blank_pdf()

CONTACT = {"contact_name": "王经理", "contact_phone": "13800138000"}


def pdf(name="材料.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def make_item(org, *, code="11410100MB0001", name="应建防空地下室的民用建筑项目报建审批", legal=20, promised=10):
    """A published item at `org` with two required materials and one stage; returns its version."""
    item = ServiceItem.objects.create(organisation=org, base_code=code[:10] + "X", implementation_code=code)
    version = ItemVersion.objects.create(
        item=item, number=1, status=ItemVersion.Status.PUBLISHED, published_at=timezone.now(),
        name=name, kind="licensing", legal_basis="《中华人民共和国人民防空法》第二十二条", conditions="依法应建防空地下室的民用建筑",
        legal_limit_days=legal, promised_limit_days=promised, acceptance_limit_days=5, result_name="人防工程报建审批决定书",
    )
    Material.objects.create(version=version, order=1, name="建设工程规划许可证", form="copy", copies=1, required=True)
    Material.objects.create(version=version, order=2, name="防空地下室施工图设计文件", form="original", copies=1, required=True)
    Stage.objects.create(version=version, order=1, name="审查", limit_days=6)
    item.current_version = version
    item.save()
    return version


def submit_case(actor, version, *, key: str | None = None, files=None, **data):
    """Submit an application with every material uploaded (unless `files` is given)."""
    from tongban.cases.services import case_submit

    return case_submit(
        actor=actor,
        version=version,
        data={**CONTACT, **data},
        files=files if files is not None else {str(m.pk): pdf(f"{m.name}.pdf") for m in version.materials.all()},
        submission_key=key or uuid.uuid4().hex,
    )


def decide_case(case, *, clerk, reviewer, approver, decision="approve"):
    """Accept, review and decide a submitted case; returns the decided case."""
    from tongban.cases import services

    services.case_accept(actor=clerk, case_id=case.pk)
    services.case_submit_review(actor=reviewer, case_id=case.pk, opinion="符合条件", recommend=decision)
    return services.case_decide(actor=approver, case_id=case.pk, decision=decision,
                                reasons="" if decision == "approve" else "不符合条件")
