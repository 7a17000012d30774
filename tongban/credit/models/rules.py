"""Publicity rules as versioned data: which tier a record falls in, how long it stays public and
when repair may be asked. Every record stores the rule version that applied when it was made, so
a later regime never silently moves an old record's dates (国办发〔2025〕22号)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    NONE = "", _("不分级")  # licences, inspection results, government records: no penalty tier
    MINOR = "minor", _("轻微失信")  # 2025: may stay unpublished, at most 3 months
    GENERAL = "general", _("一般失信")  # 2025: at least 3 months, at most 1 year
    SERIOUS = "serious", _("严重失信")  # 2025: at least 1 year, at most 3 years


class PublicityRule(models.Model):
    """One regime of publicity periods. The one in force on a record's decision date applies."""

    code = models.CharField(_("版本代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    basis = models.CharField(_("依据"), max_length=200)
    effective_from = models.DateField(_("施行日期"), unique=True)
    # Months as data per tier: [minimum (repair may be asked after it), maximum (taken down at it)].
    minor_publish = models.BooleanField(_("轻微失信信息公示"), default=False)
    minor_min_months = models.PositiveSmallIntegerField(_("轻微·最短公示期（月）"), default=0)
    minor_max_months = models.PositiveSmallIntegerField(_("轻微·最长公示期（月）"), default=3)
    general_min_months = models.PositiveSmallIntegerField(_("一般·最短公示期（月）"), default=3)
    general_max_months = models.PositiveSmallIntegerField(_("一般·最长公示期（月）"), default=12)
    serious_min_months = models.PositiveSmallIntegerField(_("严重·最短公示期（月）"), default=12)
    serious_max_months = models.PositiveSmallIntegerField(_("严重·最长公示期（月）"), default=36)
    # Penalty kinds never published (warnings), and whether summary-procedure fines are.
    unpublished_kinds = models.JSONField(_("不予公示的处罚种类"), default=list, blank=True)
    publish_summary_fines = models.BooleanField(_("公示简易程序罚款"), default=False)
    repair_decision_days = models.PositiveSmallIntegerField(_("修复审核时限（工作日）"), default=5)  # [K]
    objection_decision_days = models.PositiveSmallIntegerField(_("异议处理时限（工作日）"), default=5)  # [K]
    withdrawal_days = models.PositiveSmallIntegerField(_("撤回时限（工作日）"), default=3)  # 行政处罚法 §48
    dual_publicity_days = models.PositiveSmallIntegerField(_("双公示时限（工作日）"), default=7)  # 国办发〔2018〕118号 [K]
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("公示规则版本")
        verbose_name_plural = _("公示规则版本")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                name="credit_rule_min_le_max",
                condition=Q(minor_min_months__lte=models.F("minor_max_months"))
                & Q(general_min_months__lte=models.F("general_max_months"))
                & Q(serious_min_months__lte=models.F("serious_max_months")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def months(self, severity: str) -> tuple[int, int]:
        return {
            Severity.MINOR: (self.minor_min_months, self.minor_max_months),
            Severity.GENERAL: (self.general_min_months, self.general_max_months),
            Severity.SERIOUS: (self.serious_min_months, self.serious_max_months),
        }[severity]
