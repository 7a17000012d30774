"""Cases (办件): an application for one published item version, moving through the statutory
flow. The row caches the clock results (due dates, warning) that sweeps and lists filter on; the
truth they are derived from is the transition history, the excluded periods and the extension."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")  # received, acceptance clock (5 working days) running
    SUPPLEMENT = "supplement", _("待补正")  # the single supplement notice was sent
    REJECTED = "rejected", _("不予受理")  # final: refused at the window, with reasons and basis
    REVIEW = "review", _("审查中")  # accepted; legal and promised clocks running
    PAUSED = "paused", _("特别程序")  # an excluded period (勘验/专家评审/听证/公示) stops the clocks
    DECISION = "decision", _("待签批")  # review done, awaiting the leader's decision
    CONCLUDED = "concluded", _("已办结")  # decided (approved or denied), result to be delivered
    DELIVERED = "delivered", _("已送达")  # final: the result reached the applicant
    WITHDRAWN = "withdrawn", _("已撤回")  # final: the applicant withdrew
    TERMINATED = "terminated", _("已终止")  # final: ended by the agency (e.g. applicant dissolved)


OPEN_STATUSES = [Status.SUBMITTED, Status.SUPPLEMENT, Status.REVIEW, Status.PAUSED, Status.DECISION]
CLOCKED_STATUSES = [Status.REVIEW, Status.DECISION]  # legal/promised clocks running, not paused
FINAL_STATUSES = [Status.REJECTED, Status.DELIVERED, Status.WITHDRAWN, Status.TERMINATED]


class Decision(models.TextChoices):
    APPROVE = "approve", _("准予许可")
    DENY = "deny", _("不予许可")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    WINDOW = "window", _("窗口代录")


class Warning(models.TextChoices):
    NONE = "", _("正常")
    YELLOW = "yellow", _("黄牌预警")  # remaining working days at or below the threshold
    RED = "red", _("红牌超期")  # past the due date


class PauseKind(models.TextChoices):
    INSPECTION = "inspection", _("现场勘验")
    EXPERT = "expert", _("专家评审")
    HEARING = "hearing", _("听证")
    NOTICE = "notice", _("公示")
    TESTING = "testing", _("检验检测")


class Case(models.Model):
    number = models.CharField(_("办件编号"), max_length=40, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey(
        "catalog.ItemVersion", on_delete=models.PROTECT, related_name="cases", verbose_name=_("事项版本")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="cases", verbose_name=_("办理机构")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases", verbose_name=_("申请人账号")
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    applicant_name = models.CharField(_("申请人"), max_length=150)
    applicant_code = models.CharField(_("证件号码"), max_length=18, help_text=_("统一社会信用代码或身份证号"))
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    project_name = models.CharField(_("项目名称"), max_length=200, blank=True)
    address = models.CharField(_("项目地址"), max_length=200, blank=True)
    summary = models.TextField(_("申请事项说明"), blank=True)
    channel = models.CharField(_("申请渠道"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submission_key = models.CharField(max_length=64, help_text="idempotency key of the submission")

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    decision = models.CharField(_("决定"), max_length=8, choices=Decision.choices, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("承办人"),
    )

    submitted_at = models.DateTimeField(_("提交时间"))
    received_on = models.DateField(_("收件日期"), help_text=_("受理时限自此日起算（补正后自补正材料收到之日）"))
    acceptance_due = models.DateField(_("受理期限"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("逾期视为受理"), default=False)
    legal_limit_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"))
    promised_limit_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"))
    extension_days = models.PositiveSmallIntegerField(_("延长工作日"), default=0)
    promised_extension_days = models.PositiveSmallIntegerField(
        _("承诺时限顺延工作日"), default=0, help_text=_("仅当事项设置为延期同时顺延承诺时限时")
    )
    paused_days = models.PositiveSmallIntegerField(_("特别程序工作日"), default=0)
    legal_due = models.DateField(_("法定届满日"), null=True, blank=True)
    promised_due = models.DateField(_("承诺届满日"), null=True, blank=True)
    due_on = models.DateField(
        _("当前期限"), null=True, blank=True, help_text=_("当前待办环节的届满日：受理、承诺办结或送达期限")
    )
    stage_started_on = models.DateField(_("本环节开始"), null=True, blank=True)
    stage_due = models.DateField(_("本环节期限"), null=True, blank=True)
    warning = models.CharField(_("预警"), max_length=6, choices=Warning.choices, blank=True, default="")
    stage_warning = models.CharField(_("环节预警"), max_length=6, choices=Warning.choices, blank=True, default="")
    legal_overdue = models.BooleanField(_("超过法定时限"), default=False)
    provisional = models.BooleanField(_("期限为临时推算"), default=False)
    supplement_count = models.PositiveSmallIntegerField(_("补正次数"), default=0)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    days_used = models.PositiveSmallIntegerField(_("实际用时（工作日）"), null=True, blank=True)
    notices_relayed = models.BooleanField(
        default=False, help_text="the applicant hears of this case's notices through the group it belongs to"
    )
    by_commitment = models.BooleanField(_("告知承诺"), default=False, help_text=_("申请人选择以告知承诺方式办理"))
    row_version = models.PositiveIntegerField(default=1, help_text="optimistic lock; bumps on each transition")
    updated_at = models.DateTimeField(auto_now=True)
    presses = GenericRelation("core.Press", related_query_name="case")

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "submission_key"], name="cases_one_case_per_submission"),
            models.CheckConstraint(
                name="cases_promised_within_legal", condition=Q(promised_limit_days__lte=models.F("legal_limit_days"))
            ),
            models.CheckConstraint(name="cases_single_supplement", condition=Q(supplement_count__lte=1)),
        ]
        indexes = [
            # The inbox: what a unit's role awaits, soonest due first (one index range per status).
            models.Index(fields=["organisation", "status", "due_on", "id"], name="cases_org_status_due"),
            # Inbox counters by warning, answered from the index alone.
            models.Index(fields=["organisation", "status", "warning"], name="cases_org_status_warning"),
            # A unit's case list, newest first, without sorting the unit's cases.
            models.Index(fields=["organisation", "-submitted_at", "-id"], name="cases_org_newest"),
            models.Index(fields=["status", "acceptance_due"], name="cases_status_acceptance"),
            models.Index(fields=["status", "promised_due"], name="cases_status_promised"),
            models.Index(fields=["applicant", "-submitted_at"], name="cases_applicant"),
            models.Index(fields=["-submitted_at", "-id"], name="cases_newest"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def masked_contact_phone(self) -> str:
        from tongban.core.masking import mask_phone

        return mask_phone(self.contact_phone)

    @property
    def applicant_code_display(self) -> str:
        """A person's 身份证号 is masked; an enterprise's 统一社会信用代码 is public anyway."""
        from tongban.core.masking import mask_citizen_id

        return self.applicant_code if self.enterprise_id else mask_citizen_id(self.applicant_code)


class CaseMaterial(models.Model):
    """One material of the application: uploaded, or provided from data the agency holds."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("catalog.Material", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("材料名称"), max_length=200)
    attachment = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    provided_from = models.CharField(_("免提交来源"), max_length=200, blank=True)
    round = models.PositiveSmallIntegerField(_("提交轮次"), default=1, help_text=_("1 = 首次提交，2 = 补正"))
    superseded = models.BooleanField(_("已被补正替换"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name


class Transition(models.Model):
    """One step of the case's history: who did what, when, and why. Never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))
    effective_on = models.DateField(_("生效日期"), help_text=_("法律效果的日期，如视为受理之日"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("办理过程")
        verbose_name_plural = _("办理过程")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    @property
    def action_label(self) -> str:
        from .state import ACTION_LABELS

        return str(ACTION_LABELS.get(self.action, self.action))


class SupplementNotice(models.Model):
    """The one-time notification (一次性告知): every missing or defective material, at once."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="supplement_notice")
    items = models.JSONField(_("需补正材料"), help_text="[{'name': ..., 'problem': ...}]")
    note = models.TextField(_("补充说明"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("告知日期"))
    answered_on = models.DateField(_("补正日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("补正通知")
        verbose_name_plural = _("补正通知")

    def __str__(self) -> str:
        return f"{self.case} 补正通知"


class ExcludedPeriod(models.Model):
    """A period excluded from the limit (《行政许可法》第四十五条); the applicant is told."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="excluded_periods")
    kind = models.CharField(_("类型"), max_length=12, choices=PauseKind.choices)
    reason = models.TextField(_("理由"))
    basis = models.CharField(_("依据"), max_length=200, default="《中华人民共和国行政许可法》第四十五条")
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    findings = models.TextField(_("结论"), blank=True)
    resume_status = models.CharField(max_length=12, choices=Status.choices, default=Status.REVIEW)

    class Meta:
        verbose_name = _("特别程序")
        verbose_name_plural = _("特别程序")
        ordering = ["case", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_on__isnull=True), name="cases_one_open_pause"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}"


class Extension(models.Model):
    """A request to extend the decision period and the head's answer (《行政许可法》第四十二条:
    二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日，并应当将延长期限的理由告知申请人).

    The handler asks while the legal period runs; a different person holding the approver role
    decides. At most one request is open and at most one is approved per case."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待负责人审批")  # asked, awaiting the head of the agency
        APPROVED = "approved", _("已批准")  # the legal due date moved; the applicant was told in writing
        REFUSED = "refused", _("未批准")  # the head refused, with reasons; the handler may ask again in time
        LAPSED = "lapsed", _("已失效")  # the case was decided or ended before anyone decided the request

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    days = models.PositiveSmallIntegerField(_("延长工作日"))
    reason = models.TextField(_("延期理由"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("申请人（承办人）"), help_text="empty only on extensions granted before requests existed",
    )
    requested_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    legal_due_before = models.DateField(_("申请时法定届满日"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("审批人（本行政机关负责人）"),
    )
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    moves_promised = models.BooleanField(
        _("同时顺延承诺时限"), default=False, help_text=_("批准时按事项设置确定")
    )
    legal_due_after = models.DateField(_("延长后法定届满日"), null=True, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="cases_one_open_extension_request"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="approved"), name="cases_one_extension"
            ),
            # 第四十二条: the head approves the handler's request; nobody approves their own.
            models.CheckConstraint(
                name="cases_extension_not_self_approved",
                condition=Q(decided_by__isnull=True)
                | Q(requested_by__isnull=True)
                | ~Q(decided_by=models.F("requested_by")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} +{self.days} {self.status}"


class Document(models.Model):
    """A numbered written notice or decision. Its content is frozen when issued; PDF and Word are
    rendered from that content on download, so they always agree."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("受理通知书")
        SUPPLEMENT = "supplement", _("补正材料通知书")
        REJECTION = "rejection", _("不予受理决定书")
        APPROVAL = "approval", _("准予行政许可决定书")
        DENIAL = "denial", _("不予行政许可决定书")
        EXTENSION = "extension", _("延长审批期限告知书")
        EXCLUSION = "exclusion", _("特别程序告知书")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("文号"), max_length=60, unique=True)
    issued_on = models.DateField(_("日期"))
    content = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["case", "issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class WarningEvent(models.Model):
    """A warning raised by the sweep (history for supervisors; the case row holds the current one)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="warning_events")
    level = models.CharField(max_length=6, choices=Warning.choices)
    scope = models.CharField(max_length=8, default="case", help_text="case or stage")
    raised_on = models.DateField()

    class Meta:
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "level", "scope", "raised_on"], name="cases_one_warning_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.level} {self.raised_on}"

