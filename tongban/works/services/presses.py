"""Supervision presses (督办) on overdue works: a registration past the station's 5-working-day
acceptance limit [K], and a rectification order past its deadline. Through core.supervision, so
presses reach the handlers' inbox; accepting/returning the registration or closing the order
answers them."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.urls import reverse

from tongban.accounts.models import User
from tongban.core import supervision
from tongban.core.errors import Conflict
from tongban.core.permissions import ROLE_PERMISSIONS

from ..models import Project, Rectification
from ..permissions import ACCEPT, SUPERVISE, get_project_for
from ._common import registration_days, today


def _prefixes(path: str) -> list[str]:
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]


def acceptance_staff(project: Project) -> list[User]:
    """Active staff of the station or the agency above it who may accept the registration."""
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if ACCEPT in perms]
    return list(User.objects.filter(
        is_active=True, kind=User.Kind.STAFF, organisation__path__in=_prefixes(project.organisation.path),
        roles__role__in=roles,
    ).distinct())


@transaction.atomic
def registration_press(*, actor, project_id: int, note: str):
    """督办 a registration the station has not accepted within its limit."""
    project = get_project_for(actor, project_id, perm=SUPERVISE)
    if project.status != Project.Status.SUBMITTED:
        raise Conflict("该报监已处理，无需督办。", code="handled")
    if not project.registration_due or project.registration_due >= today():
        raise Conflict(
            f"报监受理期限（{registration_days()}个工作日，提交当日不计）尚未届满，不能督办。", code="not_overdue"
        )
    return supervision.press(
        actor=actor, obj=project, note=note, notify_users=acceptance_staff(project), warning=project.warning,
        title=f"督办：{project.name} 报监逾期未受理", url=reverse("works:project", args=[project.pk]),
    )


@transaction.atomic
def rectification_press(*, actor, rectification_id: int, note: str):
    """督办 an open rectification order past its deadline; it reaches the project's supervisor."""
    project_id = Rectification.objects.filter(pk=rectification_id).values_list("project_id", flat=True).first()
    if project_id is None:
        raise Http404("整改通知不存在。")
    project = get_project_for(actor, project_id, perm=SUPERVISE)
    rect = Rectification.objects.get(pk=rectification_id)
    if rect.status != Rectification.Status.OPEN:
        raise Conflict("该整改通知已经销号，无需督办。", code="closed")
    if rect.due_on >= today():
        raise Conflict(f"整改期限（{rect.due_on}）尚未届满，不能督办。", code="not_overdue")
    return supervision.press(
        actor=actor, obj=rect, note=note, notify_users=[project.supervisor], warning=rect.warning,
        title=f"督办：{project.name} 整改逾期", url=reverse("works:project", args=[project.pk]),
    )
