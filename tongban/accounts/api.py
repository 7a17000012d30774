from __future__ import annotations

from ninja import Router, Schema
from ninja.pagination import paginate

from tongban.core.pagination import PageNumberPagination
from tongban.core.permissions import require

from . import selectors
from .permissions import organisations_in_scope

router = Router(tags=["用户与机构"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    division_code: str
    code: str
    parent_id: int | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    kind: str
    organisation: OrganisationOut | None
    roles: list[str]


class StaffUserOut(Schema):
    id: int
    username: str
    real_name: str
    organisation_id: int | None
    is_active: bool
    roles: list[str]
    phone_masked: str

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        return [r.role for r in obj.roles.all()]

    @staticmethod
    def resolve_phone_masked(obj) -> str:
        return obj.masked_phone


@router.get("/me", response=MeOut, operation_id="accounts_me", summary="当前用户")
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "kind": user.kind,
        "organisation": user.organisation,
        "roles": sorted(user.role_set()),
    }


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    operation_id="accounts_list_organisations",
    summary="本机构及下级机构",
)
def list_organisations(request):
    require(request.user, "accounts.view_staff")
    return list(organisations_in_scope(request.user).order_by("path"))


@router.get(
    "/organisations/{org_id}",
    response=OrganisationOut,
    operation_id="accounts_get_organisation",
    summary="机构详情",
)
def get_organisation(request, org_id: int):
    from .permissions import get_organisation_for

    return get_organisation_for(request.user, org_id)


@router.get(
    "/users", response=list[StaffUserOut], operation_id="accounts_list_users", summary="工作人员"
)
@paginate(PageNumberPagination, page_size=50)
def list_users(request, q: str = "", role: str = ""):
    return selectors.staff_users_list(request.user, q=q, role=role)
