"""Who may act on works projects, and the fetch-and-authorise helpers.

Staff see projects supervised by organisations in their subtree (the supervision station and the
agency above it); an enterprise's users see the projects their enterprise builds. Anything else is
a 404, so project ids don't leak.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tongban.accounts.models import Organisation, Role
from tongban.core.permissions import grant, has_perm, require, scope_q

from .models import Building, Project, Rectification

VIEW = "works.view"
ACCEPT = "works.accept"  # accept or return a registration, assign the supervisor
VISIT = "works.visit"  # record supervision visits, close rectifications
LETTER = "works.letter"  # single-building letters and the project verification document
FEE = "works.fee"  # assess the relocation fee, enter reliefs, record payment
SUPERVISE = "works.supervise"  # press (督办) overdue registrations and rectification orders

for _role in (Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN):
    grant(_role, VIEW)
grant(Role.CLERK, ACCEPT)
grant(Role.APPROVER, ACCEPT, LETTER, FEE)
grant(Role.INSPECTOR, VISIT)
grant(Role.REVIEWER, FEE)
grant(Role.SUPERVISOR, SUPERVISE)

STATION_MARK = "质量监督站"  # the supervision station is the agency's unit with this in its name


def station_for(region_code: str) -> Organisation | None:
    """The supervision station of the city (else the province) where the project lies."""
    for code in (region_code[:4] + "00", region_code[:2] + "0000"):
        station = (
            Organisation.objects.filter(
                kind=Organisation.Kind.UNIT, name__contains=STATION_MARK, parent__division_code=code,
                parent__kind=Organisation.Kind.AGENCY,
            ).order_by("pk").first()
        )
        if station is not None:
            return station
    return None


def projects_for(actor) -> QuerySet[Project]:
    if not getattr(actor, "is_authenticated", False):
        return Project.objects.none()
    if actor.is_superuser:
        return Project.objects.all()
    if actor.is_staff_member:
        if not has_perm(actor, VIEW):
            return Project.objects.none()
        return Project.objects.filter(scope_q(actor))
    if actor.enterprise_id:
        return Project.objects.filter(builder_id=actor.enterprise_id)
    return Project.objects.none()


def is_builder(actor, project: Project) -> bool:
    return bool(getattr(actor, "enterprise_id", None)) and project.builder_id == actor.enterprise_id


def get_project_for(actor, pk: int, *, perm: str | None = None, builder: bool = False,
                    for_update: bool = False) -> Project:
    """Fetch a project the actor may see; with `perm` the actor must be staff holding it, with
    `builder` the actor must act for the builder."""
    qs = projects_for(actor).select_related("organisation", "builder", "supervisor")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    project = qs.filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在或不在您的管辖范围内。")
    if perm is not None:
        if not actor.is_staff_member:
            from tongban.core.permissions import deny

            raise deny(actor, perm, project)
        require(actor, perm, project)
    if builder and not is_builder(actor, project):
        from tongban.core.permissions import deny

        raise deny(actor, "works.builder", project)
    return project


def get_building_for(actor, pk: int, **kwargs) -> Building:
    project_id = Building.objects.filter(pk=pk).values_list("project_id", flat=True).first()
    if project_id is None:
        raise Http404("单体建筑不存在。")
    get_project_for(actor, project_id, **kwargs)
    return Building.objects.select_related("project").get(pk=pk)


def rectifications_for(actor) -> QuerySet[Rectification]:
    return Rectification.objects.filter(project__in=projects_for(actor))
