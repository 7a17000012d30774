"""Works test data: a supervision station under a city, the shipped fee rules, projects in each
state. Built through the services, as a builder and the station would."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.accounts.models import Organisation
from tongban.policies import fee_rules
from tongban.policies.models import FeeSchedule
from tongban.works import services

from ..factories import OrganisationFactory

TODAY = dt.date(2026, 9, 9)  # a Wednesday with no holiday within two weeks


def blank_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "works test document")
    return bytes(pdf.output())


PDF = blank_pdf()


def pdf(name="材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def documents() -> dict:
    return {code: pdf(f"{label}.pdf") for code, label in services.REGISTRATION_DOCUMENTS}


def make_station(city: Organisation) -> Organisation:
    return OrganisationFactory(
        name=f"{city.name}人防工程质量监督站", parent=city, kind=Organisation.Kind.UNIT,
        division_code=city.division_code,
    )


def make_fee_schedule(province: Organisation) -> FeeSchedule:
    schedule = FeeSchedule.objects.create(
        code="RF-YDJSF", name="防空地下室易地建设费", legal_basis="《人民防空法》第二十二条", organisation=province
    )
    fee_rules.load(schedule)
    return schedule


RESIDENTIAL_WITH_BASEMENT = {
    "name": "1号楼", "use": "residential", "above_area": "10000", "below_area": "800",
    "has_basement": True, "protection_class": "6", "basement_area": "700",
}
RESIDENTIAL_PLAIN = {"name": "2号楼", "use": "residential", "above_area": "5000"}


def make_project(builder, *, region="410105", land_type="residential", buildings=None, parties=None, name="测试住宅项目"):
    return services.project_create(
        actor=builder, name=name, address="郑州市金水区测试路 1 号", region_code=region, land_type=land_type,
        buildings=buildings if buildings is not None else [RESIDENTIAL_WITH_BASEMENT, RESIDENTIAL_PLAIN],
        parties=parties or [],
    )


def submitted(builder, **kwargs):
    project = make_project(builder, **kwargs)
    return services.registration_submit(actor=builder, project_id=project.pk, files=documents())


def supervised(builder, clerk, supervisor, **kwargs):
    project = submitted(builder, **kwargs)
    return services.registration_accept(actor=clerk, project_id=project.pk, supervisor_id=supervisor.pk)
