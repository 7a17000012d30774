"""好差评: ratings of concluded cases, answered appeals and window services; every bad review is
verified, rectified (or explained) and answered within a working-day deadline; an agency may
appeal a rating it shows to be mistaken or malicious, and an approver decides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASIC = 3, _("基本满意")
    UNSATISFIED = 2, _("不满意")  # a bad review: opens a rectification
    VERY_UNSATISFIED = 1, _("非常不满意")  # a bad review: opens a rectification


BAD_LEVELS = (Level.UNSATISFIED, Level.VERY_UNSATISFIED)

ASPECTS = {
    "efficiency": _("办事效率"),
    "attitude": _("服务态度"),
    "guide": _("指南准确"),
    "process": _("流程便捷"),
    "materials": _("材料精简"),
    "online": _("网上办理"),
    "result": _("办理结果"),
    "fairness": _("公正廉洁"),
}


class Window(models.Model):
    """A service window (窗口) where walk-ins are served and rate the service on a pad."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="windows",
                                     verbose_name=_("所属机构"))
    number = models.CharField(_("窗口号"), max_length=20)
    name = models.CharField(_("窗口名称"), max_length=60)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务窗口")
        verbose_name_plural = _("服务窗口")
        ordering = ["organisation__path", "number"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="reviews_window_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Rating(models.Model):
    class Target(models.TextChoices):
        CASE = "case", _("办件")
        APPEAL = "appeal", _("诉求")
        WINDOW = "window", _("窗口服务")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上评价")
        WINDOW = "window", _("窗口评价器")
        SMS = "sms", _("短信评价")

    class State(models.TextChoices):
        NORMAL = "normal", _("有效")  # counts in every metric
        RECTIFYING = "rectifying", _("整改中")  # a bad review whose rectification is open
        RECTIFIED = "rectified", _("已整改")  # a bad review answered
        VOIDED = "voided", _("申诉成立，不计入")  # appeal upheld: excluded from metrics

    target = models.CharField(_("评价对象"), max_length=8, choices=Target.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    appeal = models.ForeignKey("appeals.Appeal", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("被评价机构"))
    item = models.ForeignKey("catalog.ServiceItem", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("事项"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("被评价工作人员"))
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level.choices)
    aspects = models.JSONField(_("评价项"), default=list, blank=True)
    text = models.TextField(_("评价内容"), blank=True)  # stored as typed, escaped on output
    channel = models.CharField(_("评价渠道"), max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    real_name = models.BooleanField(_("实名评价"), default=True)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="ratings_given")
    rater_name = models.CharField(_("评价人"), max_length=60, blank=True)
    rater_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.NORMAL)
    rated_on = models.DateField(_("评价日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(case__isnull=False), name="reviews_one_per_case"),
            models.UniqueConstraint(fields=["appeal"], condition=Q(appeal__isnull=False), name="reviews_one_per_appeal"),
            models.CheckConstraint(name="reviews_level_range", condition=Q(level__gte=1) & Q(level__lte=5)),
            models.CheckConstraint(
                name="reviews_target_matches",
                condition=(Q(target="case", case__isnull=False) | Q(target="appeal", appeal__isnull=False)
                           | Q(target="window", window__isnull=False))),
        ]
        indexes = [
            models.Index(fields=["organisation", "rated_on"], name="reviews_org_date"),
            models.Index(fields=["item", "rated_on"], name="reviews_item_date"),
            models.Index(fields=["staff", "rated_on"], name="reviews_staff_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    def aspect_labels(self) -> list[str]:
        return [str(ASPECTS[a]) for a in self.aspects if a in ASPECTS]


class Rectification(models.Model):
    """差评整改: verify (callback to the rater), rectify or explain, answer the rater, within the
    deadline in working days."""

    class Status(models.TextChoices):
        VERIFYING = "verifying", _("待核实")  # opened by the bad review; call the rater back
        RECTIFYING = "rectifying", _("整改中")  # verified; rectify or prepare the explanation
        ANSWERED = "answered", _("已答复")  # final: the rater has the answer
        VOIDED = "voided", _("申诉成立")  # final: the rating was shown mistaken or malicious

    class Outcome(models.TextChoices):
        RECTIFIED = "rectified", _("已整改")
        EXPLAINED = "explained", _("解释说明")

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="rectification")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.VERIFYING)
    opened_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("整改期限"))
    limit_days = models.PositiveSmallIntegerField(_("整改时限（工作日）"))
    warning = models.CharField(_("预警"), max_length=6, blank=True, default="")
    verification = models.TextField(_("核实情况"), blank=True)
    founded = models.BooleanField(_("反映属实"), null=True, blank=True)
    verified_on = models.DateField(_("核实日期"), null=True, blank=True)
    outcome = models.CharField(_("处理方式"), max_length=10, choices=Outcome.choices, blank=True)
    measures = models.TextField(_("整改措施或说明"), blank=True)
    answer = models.TextField(_("答复评价人"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    on_time = models.BooleanField(_("按期"), null=True, blank=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="reviews_rect_status_due")]

    def __str__(self) -> str:
        return f"{self.rating} 整改"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.VERIFYING, self.Status.RECTIFYING)


class RectificationStep(models.Model):
    """History of a rectification (and of the appeal of its rating). Never edited."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["rectification", "at", "id"]

    def __str__(self) -> str:
        return f"{self.rectification_id} {self.action}"


class RatingAppeal(models.Model):
    """The agency's appeal (申诉) against a rating it shows to be mistaken or malicious."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")  # waits for an approver other than the filer
        UPHELD = "upheld", _("申诉成立")  # the rating is voided and leaves the metrics
        REJECTED = "rejected", _("申诉驳回")  # the rating stands; rectification goes on

    class Reason(models.TextChoices):
        MISTAKEN = "mistaken", _("误评（评价对象或等级错误）")
        MALICIOUS = "malicious", _("恶意差评（与服务无关、辱骂、敲诈等）")
        NOT_OURS = "not_ours", _("非本单位职责或服务")

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="appeals")
    reason = models.CharField(_("申诉理由"), max_length=12, choices=Reason.choices)
    statement = models.TextField(_("情况说明"))
    evidence = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("证明材料"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("差评申诉")
        verbose_name_plural = _("差评申诉")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["rating"], condition=Q(status="pending"), name="reviews_one_pending_appeal"),
        ]

    def __str__(self) -> str:
        return f"{self.rating_id} 申诉"


class RectificationLimit(models.Model):
    """The working days an organisation (and, unless they set their own, the units below it) has
    to verify, rectify and answer a bad review. Set by an administrator on the limits page; an
    organisation without a row takes its nearest ancestor's, else `DEFAULT_RECTIFY_DAYS`."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE, related_name="+",
                                        verbose_name=_("机构"))
    days = models.PositiveSmallIntegerField(_("整改答复时限（工作日）"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("差评整改时限")
        verbose_name_plural = _("差评整改时限")
        constraints = [
            models.CheckConstraint(name="reviews_limit_days_range", condition=Q(days__gte=1) & Q(days__lte=60)),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.days}"
