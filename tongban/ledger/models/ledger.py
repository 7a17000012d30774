"""Campaigns (专项整治), their problem list (问题清单) and its rectification ledger (整改台账): each
problem is one ledger row with its source, measures, lead unit and co-units, responsible leader,
working-day deadline, progress, evidence per unit and round, and its history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    FINDING = "finding", _("查摆问题")  # self-inspection, surveys, forums: the problem list grows
    RECTIFYING = "rectifying", _("集中整治")  # measures, deadlines, close-out one by one
    RULES = "rules", _("建章立制")  # what was learnt becomes rules and procedures
    CONSOLIDATING = "consolidating", _("总结巩固")  # re-checks, summaries, appraisal


PHASE_ORDER = [Phase.FINDING, Phase.RECTIFYING, Phase.RULES, Phase.CONSOLIDATING]


class Campaign(models.Model):
    title = models.CharField(_("名称"), max_length=150)
    code = models.CharField(_("简称代码"), max_length=20, unique=True, help_text=_("用于问题编号，如 ZZ-YSHJ"))
    lead_office = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("牵头办公室"))
    superior = models.CharField(_("报送上级"), max_length=150, help_text=_("问题清单报其备案的上级机构"))
    participants = models.ManyToManyField("accounts.Organisation", related_name="+", blank=True,
                                          verbose_name=_("参与单位"))
    phase = models.CharField(_("阶段"), max_length=16, choices=Phase.choices, default=Phase.FINDING)
    starts_on = models.DateField(_("开始日期"))
    finding_until = models.DateField(_("查摆问题截止"))
    rectifying_until = models.DateField(_("集中整治截止"))
    rules_until = models.DateField(_("建章立制截止"))
    ends_on = models.DateField(_("结束日期"))
    publish_list = models.BooleanField(_("在门户公开整改清单"), default=False)
    default_limit_days = models.PositiveSmallIntegerField(_("默认整改时限（工作日）"), default=20)
    duplicate_threshold = models.DecimalField(
        _("疑似重复阈值"), max_digits=3, decimal_places=2, default=Decimal("0.50"),
        help_text=_("两条问题字词重合度（Jaccard）达到此值即提示疑似重复"))
    recheck_ratio = models.DecimalField(_("回头看抽查比例"), max_digits=4, decimal_places=3, default=Decimal("0.200"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="ledger_campaign_phase_dates",
                condition=Q(starts_on__lte=models.F("finding_until"))
                & Q(finding_until__lte=models.F("rectifying_until"))
                & Q(rectifying_until__lte=models.F("rules_until"))
                & Q(rules_until__lte=models.F("ends_on")),
                violation_error_message=_("各阶段日期须依次排列：开始 ≤ 查摆问题 ≤ 集中整治 ≤ 建章立制 ≤ 结束。"),
            ),
            models.CheckConstraint(name="ledger_campaign_ratio",
                                   condition=Q(recheck_ratio__gt=0) & Q(recheck_ratio__lte=1)),
        ]

    def __str__(self) -> str:
        return self.title


class SourceKind(models.TextChoices):
    SELF = "self", _("单位自查")
    SURVEY = "survey", _("网上问卷")
    FORUM = "forum", _("座谈会")
    VISIT = "visit", _("明察暗访")
    ASSIGNED = "assigned", _("上级交办")
    APPEAL = "appeal", _("有诉即办诉求")
    REVIEW = "review", _("差评整改")
    INSPECTION = "inspection", _("检查发现")  # an inspection result (older rows: its number as a string)
    OTHER = "other", _("其他模块")


class Status(models.TextChoices):
    LISTED = "listed", _("待整改")  # on the problem list; measures and units being set
    RECTIFYING = "rectifying", _("整改中")  # task assigned: deadline running
    CLOSING = "closing", _("待销号")  # close-out submitted, waiting for the responsible leader
    CLOSED = "closed", _("已销号")  # closed with evidence and sign-off (may be reopened)
    MERGED = "merged", _("已合并")  # final: a duplicate merged into another problem


OPEN_STATUSES = [Status.LISTED, Status.RECTIFYING, Status.CLOSING]
CLOCKED_STATUSES = [Status.RECTIFYING, Status.CLOSING]


class Satisfaction(models.TextChoices):
    NONE = "", _("未征询")
    ASKED = "asked", _("待回复")  # the enterprise that raised it has been asked
    SATISFIED = "satisfied", _("满意")
    UNSATISFIED = "unsatisfied", _("不满意")  # reopens the problem (直到服务对象满意)


class Problem(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="problems")
    number = models.CharField(_("问题编号"), max_length=40, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级问题"))
    title = models.CharField(_("问题"), max_length=300)
    description = models.TextField(_("问题描述"), blank=True)
    source_kind = models.CharField(_("问题来源"), max_length=12, choices=SourceKind.choices)
    source_ref = models.CharField(_("来源编号"), max_length=120, blank=True)
    source_appeal = models.ForeignKey("appeals.Appeal", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    source_rating = models.ForeignKey("reviews.Rating", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    source_answer = models.ForeignKey("ledger.Answer", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    source_opinion = models.ForeignKey("ledger.Opinion", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    # Not unique: a second conversion of the same result is listed and flagged as a duplicate.
    source_result = models.ForeignKey("inspections.InspectionResult", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+", verbose_name=_("检查结果"))
    enterprise = models.ForeignKey("accounts.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("反映问题的企业"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", help_text="the applicant account asked whether satisfied")
    possible_duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                              related_name="+", verbose_name=_("疑似重复"))
    duplicate_score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)

    measures = models.TextField(_("整改措施"), blank=True)
    lead_unit = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("牵头单位"))
    co_units = models.ManyToManyField("accounts.Organisation", related_name="+", blank=True,
                                      verbose_name=_("配合单位"))
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("责任领导（一把手）"))
    limit_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"), null=True, blank=True)
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    warning = models.CharField(_("预警"), max_length=6, blank=True, default="")
    escalated_on = models.DateField(_("超期报牵头办日期"), null=True, blank=True)
    steps_total = models.PositiveSmallIntegerField(_("整改步骤数"), default=0)
    steps_done = models.PositiveSmallIntegerField(_("已完成步骤"), default=0)
    progress = models.PositiveSmallIntegerField(_("进展（%）"), default=0)
    progress_note = models.CharField(_("进展情况"), max_length=300, blank=True)

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.LISTED)
    round = models.PositiveSmallIntegerField(_("整改轮次"), default=1, help_text=_("重新整改时加一"))
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    first_closed_on = models.DateField(_("首次销号日期"), null=True, blank=True)
    satisfaction = models.CharField(_("企业满意度"), max_length=12, choices=Satisfaction.choices, blank=True,
                                    default="")
    reopen_count = models.PositiveSmallIntegerField(_("重新整改次数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_on = models.DateField(_("列入清单日期"))
    row_version = models.PositiveIntegerField(default=1, help_text="optimistic lock; bumps on each change")
    presses = GenericRelation("core.Press", related_query_name="ledger_problem")

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改问题")
        ordering = ["campaign", "number"]
        constraints = [
            models.CheckConstraint(name="ledger_progress_range", condition=Q(progress__lte=100)),
            models.CheckConstraint(name="ledger_steps_range", condition=Q(steps_done__lte=models.F("steps_total"))),
            models.CheckConstraint(name="ledger_not_own_parent", condition=~Q(parent=models.F("id"))),
            # One problem per source record: the "turn into a problem" button is idempotent.
            models.UniqueConstraint(fields=["campaign", "source_appeal"], condition=Q(source_appeal__isnull=False),
                                    name="ledger_one_problem_per_appeal"),
            models.UniqueConstraint(fields=["campaign", "source_rating"], condition=Q(source_rating__isnull=False),
                                    name="ledger_one_problem_per_rating"),
            models.UniqueConstraint(fields=["source_answer"], condition=Q(source_answer__isnull=False),
                                    name="ledger_one_problem_per_answer"),
            models.UniqueConstraint(fields=["source_opinion"], condition=Q(source_opinion__isnull=False),
                                    name="ledger_one_problem_per_opinion"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "due_on"], name="ledger_campaign_status_due"),
            models.Index(fields=["lead_unit", "status", "due_on"], name="ledger_unit_status_due"),
            models.Index(fields=["status", "due_on"], name="ledger_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def unit_ids(self) -> list[int]:
        """The lead unit first, then the co-units: each must give evidence before close-out."""
        ids = [self.lead_unit_id] if self.lead_unit_id else []
        return ids + sorted(u.pk for u in self.co_units.all() if u.pk != self.lead_unit_id)


class Transition(models.Model):
    """The problem's history: every change, who, when, why. Never edited."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=24)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    effective_on = models.DateField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["problem", "at", "id"]
        indexes = [models.Index(fields=["action", "effective_on"], name="ledger_transition_action_day")]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.action}"


class Evidence(models.Model):
    """A unit's evidence of rectification for one round; earlier rounds stay as history."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="evidence")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("提交单位"))
    round = models.PositiveSmallIntegerField(_("整改轮次"))
    note = models.TextField(_("整改情况说明"))
    attachment = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("佐证材料"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改佐证")
        verbose_name_plural = _("整改佐证")
        ordering = ["problem", "round", "submitted_at"]

    def __str__(self) -> str:
        return f"{self.problem_id} r{self.round} {self.organisation_id}"


class Milestone(models.Model):
    """A dated step of a rectification task (整改节点): what is due by when, and when it was done
    with what evidence. Overdue open milestones warn on the unit's task list and the problem page
    (core.clocks, the same yellow/red rule as the task's own deadline)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点内容"), max_length=200)
    due_on = models.DateField(_("节点期限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("完成情况"), blank=True)
    attachment = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("佐证材料"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        verbose_name = _("整改节点")
        verbose_name_plural = _("整改节点")
        ordering = ["problem", "due_on", "id"]
        constraints = [
            # done_on and done_by are set together: a milestone is done by someone, on a day
            models.CheckConstraint(name="ledger_milestone_done_together",
                                   condition=Q(done_on__isnull=True, done_by__isnull=True)
                                   | Q(done_on__isnull=False, done_by__isnull=False)),
        ]
        indexes = [models.Index(fields=["problem", "done_on", "due_on"], name="ledger_milestone_open")]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.title[:30]} {self.due_on}"


class CloseOut(models.Model):
    """A close-out request (销号申请) and the responsible leader's sign-off or rejection."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待签批")
        APPROVED = "approved", _("同意销号")
        REJECTED = "rejected", _("退回整改")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="closeouts")
    round = models.PositiveSmallIntegerField()
    summary = models.TextField(_("整改完成情况"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    reasons = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")
        ordering = ["problem", "id"]
        constraints = [models.UniqueConstraint(fields=["problem"], condition=Q(status="pending"),
                                               name="ledger_one_pending_closeout")]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.status}"


class Recheck(models.Model):
    """回头看: a verifiable draw (`core.draw`) of closed problems. The frozen list and the ratio are
    committed first; the seed comes from public numbers entered by one person and confirmed by
    another; the selection follows and can be recomputed by anyone."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("已锁定名单")  # list frozen, commitment published
        ENTERED = "entered", _("待复核号码")  # public numbers entered, waiting for a second person
        DRAWN = "drawn", _("已抽取")  # seed fixed and problems selected

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="rechecks")
    number = models.CharField(max_length=40, unique=True)
    ratio = models.CharField(max_length=8)
    frozen_ids = models.JSONField(default=list)
    list_hash = models.CharField(max_length=64)
    commitment = models.CharField(max_length=64)
    document = models.JSONField(default=dict)
    public_numbers = models.JSONField(default=list, blank=True)
    number_source = models.CharField(_("公开号码来源"), max_length=150, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    seed = models.CharField(max_length=64, blank=True)
    selected = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMMITTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="ledger_recheck_two_people",
                                   condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("entered_by"))),
            # A draw cannot be silently redone: one unfinished draw per campaign at a time.
            models.UniqueConstraint(fields=["campaign"], condition=~Q(status="drawn"), name="ledger_one_open_recheck"),
        ]

    def __str__(self) -> str:
        return self.number


class RecheckItem(models.Model):
    class Result(models.TextChoices):
        PENDING = "", _("待复查")
        PASSED = "passed", _("复查通过")
        FAILED = "failed", _("复查不合格")  # reopens the problem

    recheck = models.ForeignKey(Recheck, on_delete=models.CASCADE, related_name="items")
    problem = models.ForeignKey(Problem, on_delete=models.PROTECT, related_name="recheck_items")
    result = models.CharField(max_length=8, choices=Result.choices, blank=True, default="")
    note = models.TextField(blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    checked_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recheck", "problem"], name="ledger_recheck_item_once")]

    def __str__(self) -> str:
        return f"{self.recheck_id}:{self.problem_id}"


class RuleRecord(models.Model):
    """建章立制: a rule or procedure the campaign produced, linked to the problems it answers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="rules")
    title = models.CharField(_("制度名称"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    adopted_on = models.DateField(_("印发日期"))
    summary = models.TextField(_("主要内容"), blank=True)
    attachment = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    problems = models.ManyToManyField(Problem, related_name="rules", verbose_name=_("针对的问题"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("制度成果")
        verbose_name_plural = _("制度成果")
        ordering = ["campaign", "adopted_on"]

    def __str__(self) -> str:
        return self.title


class Filing(models.Model):
    """A numbered submission of the problem list to the superior (报备), with its snapshot."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="filings")
    number = models.CharField(_("报备文号"), max_length=60, unique=True)
    filed_on = models.DateField()
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(default=list)

    class Meta:
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return self.number


class ImportJob(models.Model):
    """An Excel import or update of the ledger run in the background: all rows or none."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("未导入")  # at least one row was wrong: nothing was written

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    report = models.JSONField(default=list, blank=True)  # [{"row": n, "ok": bool, "message": …}]
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} {self.status}"
