"""Performance assessment (目标绩效): versioned indicators, schemes with weights per unit type,
monthly summaries (月总结), quarterly runs (季考评) that store the definition they used and every
score with the records behind it, objections to a data point, and the opinion base (评议意见库)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    """One version of an indicator. A change of formula or parameters is a new version; runs keep
    the version they used, so a past quarter is recomputed with its own definition."""

    class Kind(models.TextChoices):
        COMPUTED = "computed", _("系统计算")  # a named computation over the platform's data
        MANUAL = "manual", _("人工填报")  # a value with evidence entered per unit and period

    code = models.CharField(_("指标代码"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("指标名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    computation = models.CharField(_("计算方法"), max_length=60, blank=True)
    description = models.TextField(_("口径说明"), blank=True)
    valid_from = models.DateField(_("启用日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="ledger_indicator_version"),
            models.CheckConstraint(name="ledger_computed_has_formula",
                                   condition=Q(kind="manual") | ~Q(computation="")),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Scheme(models.Model):
    """考评方案: which indicator versions count, with which weight, for which kind of unit."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("考评机关"))
    name = models.CharField(_("方案名称"), max_length=100)
    grades = models.JSONField(_("等次划分"), default=list, blank=True,
                              help_text=_("[[最低分, 等次], …] 从高到低；为空用平台默认"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考评方案")
        verbose_name_plural = _("考评方案")

    def __str__(self) -> str:
        return self.name


class SchemeItem(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    unit_kind = models.CharField(_("单位类型"), max_length=16, help_text=_("accounts.Organisation.Kind 的值"))
    weight = models.DecimalField(_("权重（分）"), max_digits=5, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator", "unit_kind"], name="ledger_scheme_item_once"),
            models.CheckConstraint(name="ledger_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.indicator_id} {self.unit_kind}"


class ManualValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="manual_values")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(_("得分率（%）"), max_digits=5, decimal_places=2)
    evidence = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    note = models.TextField(_("依据说明"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["indicator", "organisation", "period_start", "period_end"],
                                    name="ledger_manual_once"),
            models.CheckConstraint(name="ledger_manual_range", condition=Q(value__gte=0) & Q(value__lte=100)),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.organisation_id} {self.value}"


class Run(models.Model):
    """A quarterly appraisal (季考评) run: the period, the definition it used, the scores."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs")
    label = models.CharField(_("考评期"), max_length=20)
    period_start = models.DateField()
    period_end = models.DateField()
    definition = models.JSONField(default=dict, help_text="indicator versions, weights and grades used")
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考评")
        verbose_name_plural = _("考评")
        ordering = ["-period_start", "-id"]
        constraints = [models.CheckConstraint(name="ledger_run_period",
                                              condition=Q(period_start__lte=models.F("period_end")))]

    def __str__(self) -> str:
        return f"{self.scheme} {self.label}"


class Score(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    grade = models.CharField(max_length=10, blank=True)
    rank = models.PositiveSmallIntegerField(null=True)

    class Meta:
        ordering = ["run", "rank", "organisation__path"]
        constraints = [models.UniqueConstraint(fields=["run", "organisation"], name="ledger_score_once")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.organisation_id} {self.total}"


class DataPoint(models.Model):
    """One indicator of one unit in a run: the rate, its points and the ids of the records."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="points")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    numerator = models.PositiveIntegerField(null=True)
    denominator = models.PositiveIntegerField(null=True)
    rate = models.DecimalField(max_digits=6, decimal_places=2, null=True)  # percent; null = no data
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    records = models.JSONField(default=dict, blank=True)  # {"model": "cases.case", "ok": [...], "not_ok": [...]}

    class Meta:
        ordering = ["score", "indicator__code"]

    def __str__(self) -> str:
        return f"{self.score_id} {self.indicator_id}"


class Objection(models.Model):
    """A unit objects to a data point (e.g. a case counted late that was paused); answered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待答复")
        ACCEPTED = "accepted", _("异议成立")  # corrected in the next run with a corrected fact
        REJECTED = "rejected", _("异议不成立")

    point = models.ForeignKey(DataPoint, on_delete=models.CASCADE, related_name="objections")
    reason = models.TextField(_("异议理由"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.point_id} {self.status}"


class MonthlySummary(models.Model):
    """月总结 written by a unit."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="first day of the month")
    text = models.TextField(_("工作总结"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="ledger_one_summary_per_month"),
            models.CheckConstraint(name="ledger_summary_first_of_month", condition=Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"


class AppraisalOpinion(models.Model):
    """评议意见库: an opinion from an enterprise or from the grassroots on a unit in a period."""

    class Source(models.TextChoices):
        ENTERPRISE = "enterprise", _("服务对象")
        GRASSROOTS = "grassroots", _("基层单位")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("被评议单位"))
    period_start = models.DateField()
    period_end = models.DateField()
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    text = models.TextField(_("评议意见"))
    author = models.CharField(_("提出人"), max_length=100, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "organisation__path"]
        indexes = [models.Index(fields=["organisation", "period_start", "period_end"], name="ledger_opinion_period")]

    def __str__(self) -> str:
        return self.text[:30]
