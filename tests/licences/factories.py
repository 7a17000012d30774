"""Licences test data: a licence type mapped to an item's base code, licences issued directly
(as the system), and an application that may reuse them."""

from __future__ import annotations

import uuid

import factory

from tongban.licences import services
from tongban.licences.models import LicenceType, LicenceTypeItem

FIELDS = [
    {"key": "project_name", "label": "项目名称", "source": "project_name", "public": True},
    {"key": "address", "label": "建设地点", "source": "address", "public": False},
    {"key": "case_number", "label": "办件编号", "source": "case_number", "public": False},
]


class LicenceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenceType

    code = "LIC-RFJSSP"
    name = "人防工程建设审批意见书"
    fields = factory.LazyFunction(lambda: [dict(f) for f in FIELDS])
    validity_months = 24


def make_licence_type(organisation, *, base_code: str | None = None, **overrides) -> LicenceType:
    """A licence type issued by `organisation`, yielded by the items of `base_code`."""
    lt = LicenceTypeFactory(organisation=organisation, **overrides)
    if base_code:
        LicenceTypeItem.objects.create(licence_type=lt, base_code=base_code)
    return lt


def issue_licence(licence_type, issuer, holder_user, *, issued_on=None, **fields):
    """Issue a licence of the type to the enterprise user's enterprise, as the system."""
    ent = holder_user.enterprise
    return services.licence_issue(
        actor=None, licence_type=licence_type, issuer=issuer, holder_name=ent.name, holder_code=ent.uscc,
        holder=holder_user, holder_enterprise=ent, issued_on=issued_on,
        fields={"project_name": "龙湖里住宅小区", "address": "郑州市郑东新区", "case_number": "X-1", **fields},
    )


def submit_with(actor, version, files=None, provided=None, key=None):
    """Submit an application with only the given files (the rest may come from licences)."""
    from tongban.cases import services as cases

    return cases.case_submit(
        actor=actor, version=version, data={"contact_name": "王经理", "contact_phone": "13800138000"},
        files=files or {}, provided=provided, submission_key=key or uuid.uuid4().hex,
    )
