"""Applying for a bundle: one merged form, one de-duplicated material list, one submission that
creates one case per item through `case_apply` (all or nothing), and the bundle's own status,
conclusion and single supplement notice."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongban.cases import services as cases
from tongban.cases.models import Case
from tongban.cases.models import Status as CaseStatus
from tongban.catalog.material_sources import material_supplies
from tongban.catalog.models import Bundle, ItemVersion, Material
from tongban.core import attachments, audit, timeutil
from tongban.core.notifications import notify
from tongban.core.permissions import deny
from tongban.core.sequences import next_number

from .models import BundleApplication, BundleCase, BundleNotice

SHARED_FIELDS = ("contact_name", "contact_phone", "project_name", "address", "summary")
DONE = {CaseStatus.CONCLUDED, CaseStatus.DELIVERED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN, CaseStatus.TERMINATED}


@dataclass
class MergedMaterial:
    """One line of the merged list: the same document asked for by one or more items."""

    key: str
    name: str
    required: bool
    provides_from: str
    members: list[tuple[ItemVersion, Material]] = field(default_factory=list)

    @property
    def item_names(self) -> list[str]:
        return [v.name for v, _ in self.members]

    @property
    def field_name(self) -> str:
        return f"bm_{self.key}"


def _identity(material: Material) -> str:
    # The same licence type is the same document; otherwise the same name (ignoring spaces and
    # bracketed qualifiers like “（复印件）”) is.
    if material.provides_from:
        return "from:" + material.provides_from
    name = "".join(material.name.split())
    for bracket in ("（", "("):
        name = name.split(bracket, 1)[0]
    return "name:" + name


def bundle_versions(bundle: Bundle) -> list[ItemVersion]:
    """The member items' versions; one item that cannot be applied for online (deactivated,
    unpublished, not online) closes the whole bundle, and the message names it and why."""
    versions = []
    for entry in bundle.entries.select_related("item__current_version", "item__organisation").order_by("order"):
        version = entry.item.current_version
        reason = cases.application_closed(entry.item, version)
        if reason is not None:
            raise ValidationError(f"“{version.name if version else entry.item}”{reason}，该一件事暂不能申请。")
        versions.append(version)
    return versions


def merged_materials(versions: list[ItemVersion]) -> list[MergedMaterial]:
    rows: dict[str, MergedMaterial] = {}
    for version in versions:
        for material in version.materials.all():
            ident = _identity(material)
            row = rows.get(ident)
            if row is None:
                key = hashlib.sha256(ident.encode("utf-8")).hexdigest()[:10]
                row = rows[ident] = MergedMaterial(key, material.name, False, material.provides_from)
            row.required = row.required or material.required
            row.members.append((version, material))
    return list(rows.values())


@transaction.atomic
def bundle_submit(
    *, actor, bundle: Bundle, data: Mapping, files: Mapping, submission_key: str, authorise_reuse: bool = False
) -> BundleApplication:
    """One submission, one case per item, in one transaction: if any item's case cannot be made,
    none is. The same key from the same applicant returns the application already made."""
    if not getattr(actor, "is_applicant", False):
        raise PermissionDenied("只有企业或个人用户可以在线申请。")
    if not submission_key or len(submission_key) > 40:
        raise ValidationError("缺少提交标识，请刷新页面后重新提交。")
    existing = BundleApplication.objects.filter(applicant=actor, submission_key=submission_key).first()
    if existing is not None:
        return existing
    if not bundle.is_published:
        raise ValidationError("该一件事未发布，暂不能申请。")
    versions = bundle_versions(bundle)
    merged = merged_materials(versions)
    lookups = {v.pk: material_supplies(actor=actor, version=v, authorised=authorise_reuse) for v in versions}

    errors: dict[str, list[str]] = {}
    uploads: dict[str, tuple[str, bytes, str]] = {}
    for row in merged:
        upload = files.get(row.key)
        if upload is not None:
            try:
                content, kind = attachments.check_upload(upload, label=row.name)
            except ValidationError as exc:
                errors.setdefault(row.field_name, []).extend(exc.messages)
                continue
            uploads[row.key] = (upload.name, content, kind)
            continue
        provided_everywhere = all(m.pk in lookups[v.pk].provided for v, m in row.members)
        if row.required and not provided_everywhere:
            errors.setdefault(row.field_name, []).append(f"请上传“{row.name}”。")
    for name, label in (("contact_name", "联系人"), ("contact_phone", "联系电话")):
        if not str(data.get(name, "")).strip():
            errors.setdefault(name, []).append(f"请填写{label}。")
    if errors:
        raise ValidationError(errors)

    shared = {k: str(data.get(k, "")).strip() for k in SHARED_FIELDS}
    today = timeutil.today()
    application = BundleApplication.objects.create(
        number=f"YJS-{today:%Y%m%d}-{next_number('bundle', period=f'{today:%Y%m%d}'):04d}", bundle=bundle, applicant=actor,
        enterprise=actor.enterprise if actor.enterprise_id else None,
        applicant_name=actor.enterprise.name if actor.enterprise_id else actor.display_name,
        data=shared, submission_key=submission_key, submitted_at=timezone.now(),
    )
    for order, version in enumerate(versions, 1):
        case_files = {}
        for row in merged:
            if row.key not in uploads:
                continue
            name, content, kind = uploads[row.key]
            for v, material in row.members:
                if v.pk == version.pk:  # each case keeps its own copy, stored and checked as usual
                    case_files[str(material.pk)] = SimpleUploadedFile(name, content, content_type=kind)
        # Each member case is an online application like any other, within this transaction.
        case = cases.case_apply(actor=actor, version=version, data=shared, files=case_files,
                                submission_key=f"{submission_key}-{order}", supplies=lookups[version.pk])
        BundleCase.objects.create(application=application, case=case, order=order)
        # The applicant hears of the bundle's notices once, for all its cases (relay_supplements).
        Case.objects.filter(pk=case.pk).update(notices_relayed=True)
    audit.record("bundle.submit", actor=actor, obj=application,
                 changes={"bundle": bundle.code, "cases": [e.case.number for e in application.entries.select_related("case")]})
    transaction.on_commit(lambda: notify(
        actor, f"{bundle.name}：申请已提交", body=f"申请编号 {application.number}，共 {len(versions)} 个事项同步办理。",
        url=reverse("bundles:my_detail", args=[application.pk])))
    return application


# --- the applicant's one status ---------------------------------------------------------------------

OVERALL_LABELS = {
    "concluded": "已办结", "supplement": "待补正", "submitted": "待受理", "in_progress": "办理中",
}


def overall_status(cases_: list[Case]) -> str:
    statuses = {c.status for c in cases_}
    if statuses <= DONE:
        return "concluded"
    if CaseStatus.SUPPLEMENT in statuses:
        return "supplement"
    if statuses <= {CaseStatus.SUBMITTED}:
        return "submitted"
    return "in_progress"


def bundle_refresh(application_id: int) -> bool:
    """Conclude the application when every case has concluded; tell the applicant once."""
    application = BundleApplication.objects.select_related("bundle").get(pk=application_id)
    statuses = set(Case.objects.filter(bundle_entry__application=application).values_list("status", flat=True))
    if not statuses or not statuses <= DONE:
        return False
    with transaction.atomic():
        won = BundleApplication.objects.filter(pk=application.pk, status=BundleApplication.Status.OPEN).update(
            status=BundleApplication.Status.CONCLUDED, concluded_at=timezone.now())
        if not won:
            return False
        audit.record("bundle.conclude", obj=application, changes={"status": ["open", "concluded"]})
        transaction.on_commit(lambda: notify(
            application.applicant, f"{application.bundle.name}：已全部办结",
            body=f"申请编号 {application.number} 的全部事项均已办结。",
            url=reverse("bundles:my_detail", args=[application.pk]), sms=True))
    return True


def on_case_decided(case_id: int, decision: str = "") -> None:
    """Subscriber of "case.decided": a decided case may conclude its bundle."""
    entry = BundleCase.objects.filter(case_id=case_id).first()
    if entry is not None:
        bundle_refresh(entry.application_id)


def refresh_open() -> int:
    ids = list(BundleApplication.objects.filter(status=BundleApplication.Status.OPEN).values_list("id", flat=True))
    return sum(bundle_refresh(pk) for pk in ids)


def on_supplement_requested(case_id: int) -> None:
    """Subscriber of "case.supplement_requested": relay this case's notice at once rather than
    at the next sweep (the sweep still catches anything missed)."""
    relay_supplements(case_id=case_id)


def relay_supplements(case_id: int | None = None) -> int:
    """Every supplement notice on a bundled case reaches the applicant as one notice of the
    bundle (listing every item and material to supplement), never twice for the same case.
    With `case_id`, only the bundle of that case is looked at."""
    from tongban.cases.models import SupplementNotice

    notices = SupplementNotice.objects.all()
    if case_id is not None:
        notices = notices.filter(case__bundle_entry__application__entries__case_id=case_id)
    pending = (notices.filter(case__bundle_entry__isnull=False)
               .exclude(case_id__in=BundleNotice.objects.values("case_id"))
               .select_related("case__version", "case__bundle_entry__application__bundle"))
    grouped: dict[int, list] = {}
    for notice in pending:
        grouped.setdefault(notice.case.bundle_entry.application_id, []).append(notice)
    sent = 0
    now = timezone.now()
    for application_id, notices in grouped.items():
        with transaction.atomic():
            application = BundleApplication.objects.select_for_update().select_related("bundle").get(pk=application_id)
            fresh = [n for n in notices if not BundleNotice.objects.filter(case_id=n.case_id).exists()]
            if not fresh:
                continue
            for n in fresh:
                BundleNotice.objects.create(application=application, case_id=n.case_id, relayed_at=now)
            lines = "；".join(f"{n.case.version.name}：" + "、".join(f"{i['name']}（{i['problem']}）" for i in n.items)
                             for n in fresh)
            audit.record("bundle.supplement_notice", obj=application, changes={"cases": [n.case_id for n in fresh]})
            transaction.on_commit(lambda a=application, body=lines: notify(
                a.applicant, f"{a.bundle.name}：请补正材料", body=body,
                url=reverse("bundles:my_detail", args=[a.pk]), sms=True, level="warning"))
            sent += 1
    return sent


@transaction.atomic
def bundle_supplement(*, actor, application_id: int, files: Mapping[int, Mapping]) -> BundleApplication:
    """Answer every open supplement notice of the bundle in one go (one call per case, all or none)."""
    application = BundleApplication.objects.filter(pk=application_id).first()
    if application is None or not is_owner(actor, application):
        raise deny(actor, "bundles.supplement", application)
    waiting = list(Case.objects.filter(bundle_entry__application=application, status=CaseStatus.SUPPLEMENT))
    if not waiting:
        raise ValidationError("没有待补正的事项。")
    for case in waiting:
        cases.case_supplement(actor=actor, case_id=case.pk, files=files.get(case.pk, {}))
    audit.record("bundle.supplement", actor=actor, obj=application, changes={"cases": [c.pk for c in waiting]})
    return application


def is_owner(actor, application: BundleApplication) -> bool:
    return application.applicant_id == actor.pk or (
        bool(getattr(actor, "enterprise_id", None)) and application.enterprise_id == actor.enterprise_id)
