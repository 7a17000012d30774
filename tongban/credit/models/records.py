"""Credit records (信用记录), their history, pushes to credit platforms, repairs and objections."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .rules import PublicityRule, Severity


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("法人和其他组织")  # by 统一社会信用代码
    PERSON = "person", _("自然人")  # by 身份证号, always masked on output
    GOVERNMENT = "government", _("政府机构")  # 政务诚信: the office itself, by its organisation code


class Source(models.TextChoices):
    LICENCE = "licence", _("行政许可")  # case.decided (approved), 双公示
    PENALTY = "penalty", _("行政处罚")  # enforcement.published, 双公示
    INSPECTION = "inspection", _("抽查检查结果")  # inspection.result_published
    REVIEW = "review", _("差评核实")  # a bad rating found founded after verification (政务诚信)
    COMMITMENT = "commitment", _("信用承诺")  # a commitment broken
    IMPORT = "import", _("司法及其他部门数据")  # court or other-agency data imported


class RecordStatus(models.TextChoices):
    PUBLISHED = "published", _("公示中")  # public, with its repair date and takedown date
    UNPUBLISHED = "unpublished", _("依规不公示")  # kept (counts in standing) but not public: warnings, summary fines, minor
    REPAIRED = "repaired", _("已修复")  # repair approved: publication stopped
    EXPIRED = "expired", _("公示期满撤下")  # taken down at the maximum period
    WITHDRAWING = "withdrawing", _("撤回中")  # penalty revoked; off the public pages, pushes to platforms pending
    VOID = "void", _("已撤销")  # withdrawn: the penalty was changed or revoked


PUBLIC_STATUSES = [RecordStatus.PUBLISHED]
LIVE_STATUSES = [RecordStatus.PUBLISHED, RecordStatus.UNPUBLISHED]  # still count against the subject


class CreditRecord(models.Model):
    number = models.CharField(_("记录编号"), max_length=40, unique=True)
    subject_kind = models.CharField(_("主体类别"), max_length=12, choices=SubjectKind.choices)
    subject_code = models.CharField(_("主体代码"), max_length=32, db_index=True,
                                    help_text=_("统一社会信用代码、身份证号或机构代码"))
    subject_name = models.CharField(_("主体名称"), max_length=150)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("认定机关"))
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    source_ref = models.CharField(_("来源标识"), max_length=64, help_text="id in the source module; unique per source")
    record_type = models.CharField(_("记录类型"), max_length=40, db_index=True,
                                   help_text=_("评价方法按此计分，例如 penalty_serious、licence、commitment_broken"))
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("内容"), blank=True)
    legal_basis = models.TextField(_("依据"), blank=True)
    decision_number = models.CharField(_("决定文书号"), max_length=80, blank=True)
    decided_on = models.DateField(_("决定日期"))
    penalty_kind = models.CharField(_("处罚种类"), max_length=20, blank=True)
    fine_fen = models.BigIntegerField(_("罚款金额（分）"), default=0)
    procedure = models.CharField(_("程序"), max_length=10, blank=True)
    severity = models.CharField(_("失信程度"), max_length=8, choices=Severity.choices, blank=True, default="")
    rule = models.ForeignKey(PublicityRule, null=True, blank=True, on_delete=models.PROTECT, related_name="records",
                             verbose_name=_("适用规则版本"))
    dual_publicity = models.BooleanField(_("双公示"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=RecordStatus.choices)
    unpublished_reason = models.CharField(_("不公示原因"), max_length=200, blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    repair_from = models.DateField(_("可申请修复日期"), null=True, blank=True)
    takedown_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    dual_due = models.DateField(_("双公示期限"), null=True, blank=True)
    reported_on = models.DateField(_("报送日期"), null=True, blank=True, help_text=_("首次推送至信用平台的日期"))
    disputed = models.BooleanField(_("异议处理中"), default=False)
    # The day the penalty was changed or revoked: the 3-working-day withdrawal deadline counts
    # from it, so a calendar change can recompute withdraw_due.
    revoked_on = models.DateField(_("处罚变更或撤销日期"), null=True, blank=True)
    withdraw_due = models.DateField(_("撤回期限"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    void_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    warning = models.CharField(_("预警"), max_length=6, blank=True, default="")
    extra = models.JSONField(default=dict, blank=True, help_text="source fields kept for the export")
    row_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-decided_on", "-id"]
        constraints = [
            # Event handlers may run twice: one record per source object.
            models.UniqueConstraint(fields=["source", "source_ref"], name="credit_one_record_per_source"),
            models.CheckConstraint(name="credit_repair_before_takedown",
                                   condition=Q(repair_from__isnull=True) | Q(takedown_on__isnull=True)
                                   | Q(repair_from__lte=models.F("takedown_on"))),
        ]
        indexes = [
            models.Index(fields=["subject_code", "status", "severity"], name="credit_subject_status"),
            models.Index(fields=["status", "takedown_on"], name="credit_status_takedown"),
            models.Index(fields=["record_type", "decided_on"], name="credit_type_decided"),
            models.Index(fields=["organisation", "-decided_on"], name="credit_org_newest"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def subject_display(self) -> str:
        """A natural person's name and 身份证号 are masked wherever a record is shown."""
        from tongban.core.masking import mask_name

        return mask_name(self.subject_name) if self.subject_kind == SubjectKind.PERSON else self.subject_name

    @property
    def subject_code_display(self) -> str:
        from tongban.core.masking import mask_citizen_id

        return mask_citizen_id(self.subject_code) if self.subject_kind == SubjectKind.PERSON else self.subject_code


class RecordStep(models.Model):
    """One step of a record's history. Never edited."""

    record = models.ForeignKey(CreditRecord, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=60, blank=True)
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["record", "at", "id"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.action}"


class PlatformPush(models.Model):
    """One push of a record's state to a credit platform, with the platform's receipt."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("报送")
        REPAIR = "repair", _("修复")
        WITHDRAW = "withdraw", _("撤回")
        TAKEDOWN = "takedown", _("到期撤下")
        CORRECT = "correct", _("更正")

    class Status(models.TextChoices):
        PENDING = "pending", _("待推送")
        SENT = "sent", _("已回执")
        FAILED = "failed", _("推送失败")  # retried by the sweep

    record = models.ForeignKey(CreditRecord, on_delete=models.CASCADE, related_name="pushes")
    platform = models.CharField(_("平台"), max_length=40)
    action = models.CharField(_("动作"), max_length=10, choices=Action.choices)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    receipt = models.CharField(_("回执"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("平台推送")
        verbose_name_plural = _("平台推送")
        ordering = ["record", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "platform", "action"], name="credit_one_push_per_action"),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.action} {self.status}"


class RepairStatus(models.TextChoices):
    PENDING = "pending", _("待审核")  # applied; the reviewer's clock runs
    APPROVED = "approved", _("准予修复")  # final: publication stopped, pushed to platforms
    REFUSED = "refused", _("不予修复")  # with reasons; may be objected to


class Repair(models.Model):
    """信用修复: the subject asks for a published record to stop being published."""

    number = models.CharField(_("申请编号"), max_length=40, unique=True)
    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="repairs")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected = models.TextField(_("整改纠正情况"))
    penalty_fulfilled = models.TextField(_("履行处罚情况"), help_text=_("如罚款已缴纳"))
    commitment = models.TextField(_("信用承诺"))
    evidence = models.ManyToManyField("core.Attachment", blank=True, related_name="+", verbose_name=_("证明材料"))
    status = models.CharField(_("状态"), max_length=10, choices=RepairStatus.choices, default=RepairStatus.PENDING)
    applied_on = models.DateField(_("申请日期"))
    due_on = models.DateField(_("审核期限"))
    warning = models.CharField(_("预警"), max_length=6, blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    reasons = models.TextField(_("审核意见"), blank=True)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["record"], condition=Q(status="pending"), name="credit_one_open_repair"),
        ]

    def __str__(self) -> str:
        return self.number


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("核查中")  # the record is marked disputed meanwhile
    CORRECTED = "corrected", _("异议成立，已更正")
    UPHELD = "upheld", _("维持原记录")


class Objection(models.Model):
    """异议: the subject disputes a record, a repair refusal, a grade or a list entry."""

    class Target(models.TextChoices):
        RECORD = "record", _("信用记录")
        REPAIR = "repair", _("修复决定")
        EVALUATION = "evaluation", _("信用评价")
        LIST_ENTRY = "list_entry", _("名单认定")

    number = models.CharField(_("异议编号"), max_length=40, unique=True)
    target = models.CharField(_("异议对象"), max_length=12, choices=Target.choices)
    record = models.ForeignKey(CreditRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="objections")
    repair = models.ForeignKey(Repair, null=True, blank=True, on_delete=models.PROTECT, related_name="objections")
    evaluation = models.ForeignKey("credit.Evaluation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="objections")
    list_entry = models.ForeignKey("credit.ListEntry", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="objections")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    subject_code = models.CharField(max_length=32, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("异议内容"))
    evidence = models.ManyToManyField("core.Attachment", blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING)
    submitted_on = models.DateField(_("提出日期"))
    due_on = models.DateField(_("处理期限"))
    warning = models.CharField(_("预警"), max_length=6, blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_on = models.DateField(_("处理日期"), null=True, blank=True)
    reasons = models.TextField(_("处理理由"), blank=True)
    correction = models.TextField(_("更正内容"), blank=True)
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("信用异议")
        verbose_name_plural = _("信用异议")
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return self.number


class Commitment(models.Model):
    """A promise and whether it was kept: a subject's 信用承诺 (e.g. under 告知承诺) or the office's
    own promise to enterprises (政务诚信: in a policy, a contract, a service promise)."""

    class Kind(models.TextChoices):
        SUBJECT = "subject", _("市场主体信用承诺")
        GOVERNMENT = "government", _("政府承诺（政务诚信）")

    class Status(models.TextChoices):
        OPEN = "open", _("履行中")
        KEPT = "kept", _("已履行")
        BROKEN = "broken", _("未履行（失信）")  # makes a credit record

    number = models.CharField(_("承诺编号"), max_length=40, unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("承诺受理/作出机关"))
    subject_kind = models.CharField(_("主体类别"), max_length=12, choices=SubjectKind.choices)
    subject_code = models.CharField(_("主体代码"), max_length=32, db_index=True)
    subject_name = models.CharField(_("主体名称"), max_length=150)
    promise = models.TextField(_("承诺内容"))
    made_in = models.CharField(_("承诺载体"), max_length=200, help_text=_("如 告知承诺书、政策文件、合同、服务承诺"))
    due_on = models.DateField(_("履行期限"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    warning = models.CharField(_("预警"), max_length=6, blank=True, default="")
    closed_on = models.DateField(_("认定日期"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    note = models.TextField(_("认定说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    row_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("承诺")
        verbose_name_plural = _("承诺")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.number
