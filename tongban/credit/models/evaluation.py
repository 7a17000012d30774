"""Practitioner credit evaluation (从业单位信用评价): a scoring method as versioned data, runs that
score every firm set-based, and the breakdown from each score to the records that moved it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ScoringMethod(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("现行")
        RETIRED = "retired", _("已废止")

    code = models.CharField(_("方法代码"), max_length=40)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=150)
    basis = models.CharField(_("依据"), max_length=200, help_text=_("如 人防工程建设从业单位信用评价办法"))
    base_score = models.IntegerField(_("基础分"), default=100)
    min_score = models.IntegerField(_("最低分"), default=0)
    max_score = models.IntegerField(_("最高分"), default=120)
    # [{"grade": "A", "min": 90, "label": "守信"}, ...] highest first; the last one catches the rest.
    grades = models.JSONField(_("等级划分"), default=list)
    window_months = models.PositiveSmallIntegerField(_("评价周期（月）"), default=12)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("信用评价方法")
        verbose_name_plural = _("信用评价方法")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="credit_method_version"),
            models.UniqueConstraint(fields=["code"], condition=Q(status="active"), name="credit_one_active_method"),
            models.CheckConstraint(name="credit_method_bounds",
                                   condition=Q(min_score__lte=models.F("base_score"))
                                   & Q(base_score__lte=models.F("max_score"))),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def grade_for(self, score: int) -> str:
        for g in self.grades:
            if score >= int(g["min"]):
                return g["grade"]
        return self.grades[-1]["grade"] if self.grades else ""


class ScoringRule(models.Model):
    """Points for one record type (negative: a deduction, positive: a bonus), capped per firm."""

    method = models.ForeignKey(ScoringMethod, on_delete=models.CASCADE, related_name="rules")
    record_type = models.CharField(_("记录类型"), max_length=40)
    label = models.CharField(_("扣加分事项"), max_length=100)
    points = models.IntegerField(_("每条分值"))
    cap = models.PositiveIntegerField(_("单项累计上限"), null=True, blank=True,
                                      help_text=_("该类事项累计扣分或加分的最大绝对值，空为不设上限"))

    class Meta:
        verbose_name = _("计分规则")
        verbose_name_plural = _("计分规则")
        ordering = ["method", "points"]
        constraints = [
            models.UniqueConstraint(fields=["method", "record_type"], name="credit_rule_per_type"),
            models.CheckConstraint(name="credit_rule_nonzero", condition=~Q(points=0)),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.points:+d}"


class EvaluationRun(models.Model):
    class Status(models.TextChoices):
        COMPUTED = "computed", _("已计算")  # scores visible to staff only
        PUBLISHED = "published", _("已发布")  # grades public

    method = models.ForeignKey(ScoringMethod, on_delete=models.PROTECT, related_name="runs")
    # The organisation that ran the evaluation: its subtree sees the scores and breakdowns (the
    # published grades stay public). Empty only for runs made before runs were scoped.
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("评价机关"))
    period_start = models.DateField(_("周期起"))
    period_end = models.DateField(_("周期止"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.COMPUTED)
    firms = models.PositiveIntegerField(_("参评单位数"), default=0)
    lines = models.PositiveIntegerField(_("计分明细数"), default=0)
    run_at = models.DateTimeField(_("计算时间"))
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    published_on = models.DateField(_("发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("信用评价批次")
        verbose_name_plural = _("信用评价批次")
        ordering = ["-run_at", "-id"]

    def __str__(self) -> str:
        return f"{self.method} {self.period_start}–{self.period_end}"


class Evaluation(models.Model):
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="evaluations", db_index=False)
    subject_code = models.CharField(_("统一社会信用代码"), max_length=32)
    subject_name = models.CharField(_("单位名称"), max_length=150)
    score = models.IntegerField(_("得分"))
    grade = models.CharField(_("等级"), max_length=4)
    corrected = models.BooleanField(_("经异议更正"), default=False)

    class Meta:
        verbose_name = _("信用评价结果")
        verbose_name_plural = _("信用评价结果")
        ordering = ["run", "-score", "subject_code"]
        constraints = [models.UniqueConstraint(fields=["run", "subject_code"], name="credit_one_score_per_run")]
        indexes = [models.Index(fields=["subject_code", "run"], name="credit_eval_subject")]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.score} {self.grade}"


class EvaluationLine(models.Model):
    """One contribution to a firm's score: a record's points, a cap adjustment or a bound
    adjustment (record empty). Base + the sum of the lines = the score, always."""

    class Kind(models.TextChoices):
        RECORD = "record", _("记录计分")
        CAP = "cap", _("单项上限调整")
        BOUND = "bound", _("分值上下限调整")
        CORRECTION = "correction", _("异议更正")

    # Derived rows written a million at a time: no foreign-key check or index per row beyond the
    # (run, subject) index the breakdown reads by; records are never deleted (they are voided).
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    subject_code = models.CharField(max_length=32)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    record = models.ForeignKey("credit.CreditRecord", null=True, blank=True, on_delete=models.DO_NOTHING,
                               related_name="+", db_constraint=False, db_index=False)
    record_type = models.CharField(max_length=40, blank=True)
    points = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "subject_code"], name="credit_line_subject")]

    def __str__(self) -> str:
        return f"{self.subject_code} {self.kind} {self.points:+d}"
