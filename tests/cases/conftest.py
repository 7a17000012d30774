"""A published item with two materials at city_a, applicants and the staff who handle it."""

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from tongban.accounts.models import Role
from tongban.catalog.models import ItemVersion, Material, ServiceItem, Stage
from tongban.core.calendar_store import invalidate

from ..factories import StaffFactory


def blank_pdf(width: int = 595, height: int = 842) -> bytes:
    """A real one-page PDF (uploads are parsed, so a few magic bytes are not enough)."""
    writer = PdfWriter()
    writer.add_blank_page(width, height)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = blank_pdf()


def pdf(name="材料.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _fresh_calendar():
    invalidate()
    yield
    invalidate()


@pytest.fixture
def pin_today(settings):
    def pin(day: dt.date):
        settings.TONGBAN_TODAY = day

    return pin


def make_item(org, *, code="11410100MB0001", name="应建防空地下室的民用建筑项目报建审批", legal=20, promised=10):
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


@pytest.fixture
def version(city_a):
    return make_item(city_a)


@pytest.fixture
def clerk(city_a):
    return StaffFactory(username="c_clerk", organisation=city_a, roles=[Role.CLERK])


@pytest.fixture
def reviewer(city_a):
    return StaffFactory(username="c_reviewer", organisation=city_a, roles=[Role.REVIEWER])


@pytest.fixture
def approver(city_a):
    return StaffFactory(username="c_approver", organisation=city_a, roles=[Role.APPROVER])


@pytest.fixture
def supervisor(province):
    return StaffFactory(username="c_supervisor", organisation=province, roles=[Role.SUPERVISOR])


@pytest.fixture
def other_clerk(city_b):
    return StaffFactory(username="c_clerk_b", organisation=city_b, roles=[Role.CLERK])


@pytest.fixture
def submit(enterprise_user, version):
    """Submit an application as the enterprise user (on the pinned day, if any)."""
    from tongban.cases.services import case_submit

    def _submit(actor=None, **data):
        materials = list(version.materials.all())
        return case_submit(
            actor=actor or enterprise_user,
            version=version,
            data={"contact_name": "王经理", "contact_phone": "13800138000", "project_name": "郑东新区某住宅项目", **data},
            files={str(m.pk): pdf(f"{m.name}.pdf") for m in materials},
            submission_key=uuid.uuid4().hex,
        )

    return _submit
