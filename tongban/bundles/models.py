"""一件事一次办: one application for a bundle of items, fanned out into one case per item and
followed as one thing by the applicant."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BundleApplication(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("办理中")  # at least one of its cases is still open
        CONCLUDED = "concluded", _("已办结")  # every case has concluded (decided, rejected, withdrawn…)

    number = models.CharField(_("申请编号"), max_length=40, unique=True)
    bundle = models.ForeignKey("catalog.Bundle", on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("一件事"))
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bundle_applications")
    enterprise = models.ForeignKey("accounts.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(_("申请人"), max_length=150)
    data = models.JSONField(_("共用信息"), default=dict)
    submission_key = models.CharField(max_length=64)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    submitted_at = models.DateTimeField(_("提交时间"))
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("一件事申请")
        verbose_name_plural = _("一件事申请")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "submission_key"], name="bundles_one_per_submission"),
        ]

    def __str__(self) -> str:
        return self.number


class BundleCase(models.Model):
    application = models.ForeignKey(BundleApplication, on_delete=models.CASCADE, related_name="entries")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="bundle_entry")
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["application", "order"]

    def __str__(self) -> str:
        return f"{self.application_id}#{self.order}"


class BundleNotice(models.Model):
    """A case's supplement notice, relayed to the applicant as part of one bundle notice."""

    application = models.ForeignKey(BundleApplication, on_delete=models.CASCADE, related_name="notices")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    relayed_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "relayed_at"]

    def __str__(self) -> str:
        return f"{self.application_id} ← {self.case_id}"
