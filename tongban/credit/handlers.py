"""Reactions to other modules' events. Each reloads by id through the publisher's selectors and is
idempotent (record_create returns the record already made for the same source)."""

from __future__ import annotations

from . import services


def on_case_decided(case_id: int, decision: str = "") -> None:
    """行政许可 双公示: a licence granted becomes a public record."""
    if decision != "approve":
        return
    from tongban.cases.models import Case

    case = Case.objects.select_related("version", "organisation").filter(pk=case_id).first()
    if case is not None:
        services.record_from_licence(case)


def on_enforcement_published(case_id: int) -> None:
    from tongban.enforcement.selectors import publicity_summary  # above us only after the merge

    services.record_from_penalty(publicity_summary(case_id), case_id=case_id)


def on_enforcement_revoked(case_id: int) -> None:
    from tongban.enforcement.selectors import publicity_summary

    summary = publicity_summary(case_id)
    services.record_withdraw(source="penalty", source_ref=str(case_id),
                             reason=summary.get("revoked_reason") or "原行政处罚决定已变更或撤销",
                             revoked_on=_date_or_none(summary.get("revoked_on")))


def on_inspection_result_published(result_id: int) -> None:
    from tongban.inspections.selectors import result_summary

    services.record_from_inspection(result_summary(result_id), result_id=result_id)


def on_review_verified(rectification_id: int, founded: bool = False) -> None:
    """A bad rating found founded: the office's own 政务诚信 record."""
    if not founded:
        return
    from tongban.reviews.models import Rectification

    rect = Rectification.objects.select_related("rating__organisation").filter(pk=rectification_id).first()
    if rect is not None and rect.founded:
        services.record_from_review(rect)


def _date_or_none(value):
    """The publisher's revocation day when it sends one (a date or ISO text); else the service uses today."""
    import datetime as dt

    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def on_works_party_conduct(event_id: int, subject_uscc: str = "", subject_name: str = "", party_role: str = "",
                           conduct: str = "", occurred_on: str = "", source_ref: str = "", org_id: int | None = None,
                           description: str = "", conduct_label: str = "", party_role_label: str = "",
                           **_more) -> None:
    """人防工程建设从业单位信用评价: a party's conduct found in works supervision becomes the
    practitioner record the evaluation method scores by record type (`works_<conduct>`). The
    payload carries all of it: credit sits below works and never reads works. Idempotent per
    source reference (record_create returns the record already made)."""
    if not (subject_uscc and conduct and org_id):
        return  # a party without a USCC cannot be evaluated
    from .models import Source, SubjectKind
    from .services.records import _date

    services.record_create(
        source=Source.INSPECTION, source_ref=source_ref or f"works.conduct:{event_id}",
        subject_kind=SubjectKind.ENTERPRISE, subject_code=subject_uscc, subject_name=subject_name or subject_uscc,
        organisation_id=org_id, record_type=f"works_{conduct}"[:40],
        title=f"人防工程质量监督：{conduct_label or conduct}",
        content=f"{party_role_label or party_role}：{description}".strip("："), decided_on=_date(occurred_on),
        published=False,  # an evaluation input, not a public 失信 record
        extra={"party_role": party_role, "works_conduct_id": event_id},
    )
