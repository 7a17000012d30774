"""Licences API: thin over services and selectors; every operation has a stable operation id."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from tongban.core.pagination import PageNumberPagination

from . import selectors, services, signing
from .models import Licence
from .permissions import get_licence_for

router = Router(tags=["电子证照"])


class FieldOut(Schema):
    key: str
    label: str
    value: str


class LicenceOut(Schema):
    id: int
    number: str
    type_code: str
    type_name: str
    issuer: str
    holder_name: str
    holder_code: str
    fields: list[FieldOut]
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    status: str
    status_label: str
    revoked_at: dt.datetime | None
    revoke_reason: str
    verify_url: str

    @staticmethod
    def resolve_type_code(obj: Licence) -> str:
        return obj.licence_type.code

    @staticmethod
    def resolve_type_name(obj: Licence) -> str:
        return obj.licence_type.name

    @staticmethod
    def resolve_issuer(obj: Licence) -> str:
        return obj.issuer.name

    @staticmethod
    def resolve_fields(obj: Licence):
        return obj.payload.get("fields", [])

    @staticmethod
    def resolve_status(obj: Licence) -> str:
        return signing.live_status(obj)

    @staticmethod
    def resolve_status_label(obj: Licence) -> str:
        return signing.RESULT_LABELS[signing.live_status(obj)]

    @staticmethod
    def resolve_verify_url(obj: Licence) -> str:
        return signing.verify_url(obj)


class LicenceDetailOut(LicenceOut):
    export: dict

    @staticmethod
    def resolve_export(obj: Licence) -> dict:
        return signing.export(obj)


class VerifyIn(Schema):
    document: dict  # the exported licence (the JSON file, or licence.json from the PDF)


class VerifyOut(Schema):
    result: str  # valid / expired / revoked / forged
    label: str
    message: str
    signature_ok: bool
    number: str | None = None
    type_name: str | None = None
    issuer: str | None = None
    valid_until: dt.date | None = None


class RevokeIn(Schema):
    reason: str


@router.get("/mine/", response=list[LicenceOut], operation_id="licence_list_mine")
@paginate(PageNumberPagination, page_size=50)
def licence_list_mine(request):
    """The licences held by the logged-in enterprise or citizen (staff: those in scope)."""
    return selectors.my_licences(request.user)


@router.get("/{int:licence_id}/", response=LicenceDetailOut, operation_id="licence_get")
def licence_get(request, licence_id: int):
    """One licence with its signed export (payload, DER signature in base64, key id)."""
    return get_licence_for(request.user, licence_id)


@router.post("/{int:licence_id}/revoke/", response=LicenceOut, operation_id="licence_revoke")
def licence_revoke(request, licence_id: int, body: RevokeIn):
    services.licence_revoke(actor=request.user, licence_id=licence_id, reason=body.reason)
    return get_licence_for(request.user, licence_id)


@router.post("/verify/", response=VerifyOut, auth=None, operation_id="licence_verify")
def licence_verify(request, body: VerifyIn):
    """Anyone may verify an exported licence: signature, then the live status at the issuer."""
    v = signing.verify_export(body.document)
    lic = v.licence if v.result != signing.FORGED else None
    return {
        "result": v.result, "label": v.label, "message": v.message, "signature_ok": v.signature_ok,
        "number": lic.number if lic else None, "type_name": lic.licence_type.name if lic else None,
        "issuer": lic.issuer.name if lic else None, "valid_until": lic.valid_until if lic else None,
    }
