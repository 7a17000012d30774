"""How many working days a unit has to verify, rectify and answer a bad review (差评整改答复时限).

The limit is data, not a setting: an administrator sets it per organisation on the limits page
(`reviews.configure`, within their own subtree), every change is audited, and a rectification
takes the limit of the rated organisation or of its nearest ancestor that has one, else the
platform default. The limit in force is copied onto the rectification when it opens, so a later
change never moves a deadline already running.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.models import Organisation
from tongban.appeals.permissions import scope_root
from tongban.core import audit
from tongban.core.permissions import deny, has_perm

from .models import RectificationLimit

# [K] 国办发〔2019〕51号《关于建立政务服务"好差评"制度提高政务服务水平的意见》 and GB/T 39735-2020
# 《政务服务评价工作指南》 as practised: a real-name bad review is verified, rectified and answered within
# 15 working days. Not checked here against the official text, hence a default that administrators
# change per organisation, not a constant of the law.
DEFAULT_RECTIFY_DAYS = 15
MIN_DAYS, MAX_DAYS = 1, 60  # a week-long answer is the norm; 60 working days is about a quarter
SOURCE = "国办发〔2019〕51号、GB/T 39735-2020《政务服务评价工作指南》"


def _ancestor_paths(org: Organisation) -> list[str]:
    """The materialised paths of `org` and every organisation above it."""
    return [org.path[: i + 1] for i, ch in enumerate(org.path) if ch == "/"]


def limit_for(org: Organisation | None) -> tuple[int, Organisation | None]:
    """The limit in force at `org` and the organisation that set it (None: the platform default)."""
    if org is None:
        return DEFAULT_RECTIFY_DAYS, None
    row = (RectificationLimit.objects.select_related("organisation")
           .filter(organisation__path__in=_ancestor_paths(org)).order_by("-organisation__depth").first())
    return (row.days, row.organisation) if row else (DEFAULT_RECTIFY_DAYS, None)


def rectify_days(org: Organisation | None = None) -> int:
    return limit_for(org)[0]


def organisations_for(actor):
    """The organisations whose limit the actor may set: their agency's subtree."""
    qs = Organisation.objects.filter(is_active=True).select_related("parent").order_by("path")
    if actor.is_superuser:
        return qs
    root = scope_root(actor)
    return qs.filter(path__startswith=root.path) if root is not None else qs.none()


def limits_table(actor) -> list[dict]:
    """One row per organisation in scope: its own limit (if set) and the one in force."""
    orgs = list(organisations_for(actor))
    rows = {r.organisation_id: r for r in RectificationLimit.objects.filter(organisation__in=orgs)}
    by_path = {o.path: o for o in orgs}
    above = {r.organisation.path: r for r in RectificationLimit.objects.select_related("organisation")
             .filter(organisation__path__in={p for o in orgs for p in _ancestor_paths(o)})}
    out = []
    for org in orgs:
        source = next((above[p] for p in reversed(_ancestor_paths(org)) if p in above), None)
        out.append({"organisation": org, "own": rows.get(org.pk),
                    "days": source.days if source else DEFAULT_RECTIFY_DAYS,
                    "from": (by_path.get(source.organisation.path) or source.organisation) if source else None})
    return out


def _clean_days(days) -> int | None:
    if days is None or (isinstance(days, str) and not days.strip()):
        return None  # no limit of its own: the organisation follows its ancestors or the default
    try:
        value = int(str(days).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not MIN_DAYS <= value <= MAX_DAYS:
        raise ValidationError({"days": [_(
            "整改答复时限应为 %(min)d 至 %(max)d 个工作日的整数（平台默认 %(default)d 个工作日，依据%(source)s）。") % {
            "min": MIN_DAYS, "max": MAX_DAYS, "default": DEFAULT_RECTIFY_DAYS, "source": SOURCE}]})
    return value


@transaction.atomic
def rectification_limit_set(*, actor, organisation_id, days) -> RectificationLimit | None:
    """Set the organisation's own limit in working days; blank `days` removes it, so that the
    organisation follows its ancestors (or the platform default) again. Applies to bad reviews
    received from now on."""
    org = Organisation.objects.filter(pk=organisation_id).first() if str(organisation_id).isdigit() else None
    if not has_perm(actor, "reviews.configure"):
        raise deny(actor, "reviews.configure", org)
    if org is None or not organisations_for(actor).filter(pk=org.pk).exists():
        raise deny(actor, "reviews.configure", org)
    value = _clean_days(days)
    row = RectificationLimit.objects.select_for_update().filter(organisation=org).first()
    before = row.days if row else None
    if value is None:
        if row is not None:
            row.delete()
        row = None
    elif row is None:
        row = RectificationLimit.objects.create(organisation=org, days=value, updated_by=actor)
    else:
        row.days, row.updated_by = value, actor
        row.save(update_fields=["days", "updated_by", "updated_at"])
    audit.record("review.limit_set", actor=actor, obj=org, changes={"days": [before, value]})
    return row
