"""Invitations to rate: subscribers of "case.decided" and "appeal.replied"."""

from __future__ import annotations

from django.urls import reverse

from tongban.core.notifications import notify


def invite_case_rating(case_id: int, decision: str = "") -> None:
    """A decided case: its applicant is invited to rate it (once)."""
    from tongban.cases.models import Case

    case = Case.objects.select_related("applicant", "version").filter(pk=case_id).first()
    if case is None or case.applicant_id is None:
        return
    notify(case.applicant, f"{case.version.name}：请评价本次服务",
           body="您的办件已办结，欢迎对办理情况作出评价（好差评），差评将在规定时限内整改并答复您。",
           url=reverse("reviews:rate_case", args=[case.pk]))


def invite_appeal_rating(appeal_id: int) -> None:
    from tongban.appeals.models import Appeal

    appeal = Appeal.objects.select_related("requester").filter(pk=appeal_id).first()
    if appeal is None or appeal.requester_id is None:
        return
    notify(appeal.requester, f"诉求 {appeal.number}：请评价本次服务",
           url=reverse("reviews:rate_appeal", args=[appeal.pk]))
