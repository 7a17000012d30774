"""Bundles API: submit a bundle application (multipart), read one with its cases."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from tongban.catalog.models import Bundle
from tongban.core.api_forms import files_named, multipart_body, parse_form

from . import selectors, services
from .permissions import get_application_for

router = Router(tags=["一件事"])


class BundleCaseOut(Schema):
    id: int
    number: str
    item_name: str
    organisation: str
    status: str
    status_label: str


class BundleApplicationOut(Schema):
    id: int
    number: str
    bundle_code: str
    bundle_name: str
    applicant_name: str
    status: str  # one status for the applicant: submitted / supplement / in_progress / concluded
    status_label: str
    submitted_at: dt.datetime
    concluded_at: dt.datetime | None
    cases: list[BundleCaseOut]


def _out(view: selectors.ApplicationView) -> dict:
    a = view.application
    return {
        "id": a.pk, "number": a.number, "bundle_code": a.bundle.code, "bundle_name": a.bundle.name,
        "applicant_name": a.applicant_name, "status": view.status, "status_label": view.status_label,
        "submitted_at": a.submitted_at, "concluded_at": a.concluded_at,
        "cases": [{"id": c.pk, "number": c.number, "item_name": c.version.name, "organisation": c.organisation.name,
                   "status": c.status, "status_label": c.get_status_display()} for c in view.cases],
    }


class BundleSubmitIn(Schema):
    submission_key: str
    contact_name: str
    contact_phone: str
    project_name: str = ""
    address: str = ""
    summary: str = ""
    licence_reuse: bool = False


@router.post("/{code}/applications/", response={201: BundleApplicationOut}, operation_id="bundle_submit",
             openapi_extra=multipart_body(BundleSubmitIn, files={
                 r"^bm_[0-9a-f]{10}$": "一件事合并后的申请材料文件，字段名为 bm_<材料键>，材料键见该一件事的办事指南",
             }))
def bundle_submit(request, code: str):
    """Apply for a bundle. Each file's field name is `bm_<key>`, the key of the merged material
    (see the bundle's guide); shared fields are given once."""
    payload = parse_form(request, BundleSubmitIn)
    bundle = get_object_or_404(Bundle, code=code, is_published=True)
    uploads = files_named(request, r"bm_([0-9a-f]{10})")
    application = services.bundle_submit(
        actor=request.user, bundle=bundle, data=payload.dict(), files=uploads,
        submission_key=payload.submission_key, authorise_reuse=payload.licence_reuse,
    )
    return 201, _out(selectors.application_view(application))


@router.get("/applications/{int:application_id}/", response=BundleApplicationOut, operation_id="bundle_get")
def bundle_get(request, application_id: int):
    return _out(selectors.application_view(get_application_for(request.user, application_id)))
