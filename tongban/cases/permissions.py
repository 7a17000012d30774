"""Who may act on cases, and the fetch-and-authorise helper.

Staff see cases of organisations in their subtree; applicants see their own (an enterprise's
users see the enterprise's). Anything else is a 404, so case ids don't leak.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from tongban.accounts.models import Role
from tongban.accounts.permissions import organisations_in_scope
from tongban.core.permissions import grant, has_perm, require

from .models import Case

STAFF_ROLES = [Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.ADMIN]
for _role in STAFF_ROLES:
    grant(_role, "cases.view")
grant(Role.CLERK, "cases.accept", "cases.register", "cases.deliver")
grant(Role.REVIEWER, "cases.review", "cases.pause", "cases.extension_request")
# cases.extend: the head of the agency (本行政机关负责人) approves an extension (第四十二条).
grant(Role.APPROVER, "cases.decide", "cases.extend", "cases.terminate", "cases.pause", "cases.review",
      "cases.extension_request")
grant(Role.SUPERVISOR, "cases.press", "cases.supervise")

# action -> permission a staff actor needs (applicant actions are checked by ownership)
ACTION_PERMS = {
    "accept": "cases.accept",
    "reject": "cases.accept",
    "request_supplement": "cases.accept",
    "pause": "cases.pause",
    "resume": "cases.pause",
    "submit_review": "cases.review",
    "request_extension": "cases.extension_request",
    "decide_extension": "cases.extend",
    "decide": "cases.decide",
    "deliver": "cases.deliver",
    "terminate": "cases.terminate",
    "press": "cases.press",
}


def applicant_q(actor) -> Q:
    if actor.enterprise_id:
        return Q(applicant=actor) | Q(enterprise_id=actor.enterprise_id)
    return Q(applicant=actor)


def cases_for(actor) -> QuerySet[Case]:
    """Every case the actor may read."""
    if not actor.is_authenticated:
        return Case.objects.none()
    if actor.is_superuser:
        return Case.objects.all()
    if actor.is_staff_member:
        if not has_perm(actor, "cases.view"):
            return Case.objects.none()
        # The subtree's ids, not a join on the organisation path: lets the planner use the
        # (organisation, status, due) index on a million cases.
        return Case.objects.filter(organisation_id__in=list(organisations_in_scope(actor).values_list("id", flat=True)))
    return Case.objects.filter(applicant_q(actor))


def get_case_for(actor, pk: int, *, action: str | None = None, for_update: bool = False) -> Case:
    """Fetch a case the actor may see; with `action`, also check the actor may do it."""
    qs = cases_for(actor).select_related("organisation", "version", "item", "applicant", "enterprise", "handler")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    case = qs.filter(pk=pk).first()
    if case is None:
        raise Http404("办件不存在或不在您的管辖范围内。")
    if action is not None and action in ACTION_PERMS:
        require(actor, ACTION_PERMS[action], case)
    return case


def is_applicant_of(actor, case: Case) -> bool:
    return case.applicant_id == actor.pk or (
        actor.enterprise_id is not None and case.enterprise_id == actor.enterprise_id
    )
