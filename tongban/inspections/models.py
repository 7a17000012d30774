"""双随机一公开: the item list, the object and inspector directories, annual plans and tasks,
verifiable draws, inspections (一批准两出示) and their published results.

A draw freezes its object and inspector lists when it commits (stored in `Draw.frozen`, their
SHA-256 in the commitment), is seeded from public numbers entered by one person and confirmed
by another, and is never redone: it can only be voided (reason + an approver other than the
requester), and the voided draw stays public beside the next one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.core.standing import RISK_CLASSES


class ObjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    PROJECT = "project", _("建设项目")
    WORKS = "works", _("人防工程")
    INTERMEDIARY = "intermediary", _("中介机构")


class Method(models.TextChoices):
    ONSITE = "onsite", _("现场检查")
    DOCUMENTS = "documents", _("书面检查")
    ONLINE = "online", _("网络检查")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")  # being written; cannot be inspected
    PUBLISHED = "published", _("已公布")  # on the published list; tasks may use it
    RETIRED = "retired", _("已废止")  # replaced by a later version or withdrawn


class InspectionItem(models.Model):
    """One version of an entry of the 随机抽查事项清单 (only published entries are inspected)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("事项编码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("抽查事项"), max_length=200)
    legal_basis = models.TextField(_("抽查依据"))
    object_kind = models.CharField(_("抽查对象"), max_length=16, choices=ObjectKind.choices)
    ratio = models.CharField(_("抽查比例"), max_length=12, default="0.05", help_text=_("小数，如 0.05 表示 5%"))
    frequency = models.CharField(_("抽查频次"), max_length=60, default="每年一次")
    method = models.CharField(_("抽查方式"), max_length=12, choices=Method.choices, default=Method.ONSITE)
    required_specialties = models.JSONField(_("检查人员要求（专业）"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("随机抽查事项")
        verbose_name_plural = _("随机抽查事项清单")
        ordering = ["organisation", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code", "version"], name="insp_item_version_unique"),
            models.UniqueConstraint(
                fields=["organisation", "code"], condition=Q(status="published"), name="insp_item_one_published"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class InspectionObject(models.Model):
    """An entry of the 检查对象名录库."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("对象类型"), max_length=16, choices=ObjectKind.choices)
    key = models.CharField(_("对象标识"), max_length=60, help_text=_("企业和中介机构为统一社会信用代码，项目和工程为其编号"))
    name = models.CharField(_("名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    enterprise = models.ForeignKey("accounts.Enterprise", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    region = models.CharField(_("行政区划代码"), max_length=6, blank=True)
    industry = models.CharField(_("行业"), max_length=60, blank=True)
    risk_class = models.CharField(_("风险等级（名录）"), max_length=12, choices=RISK_CLASSES, blank=True)
    is_active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象名录库")
        ordering = ["organisation", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "kind", "key"], name="insp_object_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def draw_id(self) -> str:
        return f"obj:{self.pk}"


class InspectorProfile(models.Model):
    """The 执法人员名录库 entry of a staff member with the INSPECTOR role (the certificate is in
    accounts.EnforcementCertificate)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inspector_profile")
    specialties = models.JSONField(_("专业"), default=list, blank=True)
    available = models.BooleanField(_("可参加抽查"), default=True)
    unavailable_reason = models.CharField(_("不可参加原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员名录库")

    def __str__(self) -> str:
        return str(self.user)


class ConflictKind(models.TextChoices):
    RELATIVE = "relative", _("近亲属关系")
    FORMER_EMPLOYMENT = "former_employment", _("曾在该单位任职")
    OTHER = "other", _("其他利害关系")


class ConflictDeclaration(models.Model):
    """A declared tie between an inspector and an object: the inspector is never drawn for it (回避)."""

    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    object = models.ForeignKey(InspectionObject, on_delete=models.CASCADE, related_name="conflicts")
    kind = models.CharField(_("关系"), max_length=20, choices=ConflictKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("利害关系申报")
        verbose_name_plural = _("利害关系申报")
        constraints = [models.UniqueConstraint(fields=["inspector", "object"], name="insp_conflict_unique")]

    def __str__(self) -> str:
        return f"{self.inspector_id}—{self.object_id} {self.kind}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")  # tasks can be added; nothing can be drawn yet
    FILED = "filed", _("已报备")  # filed with the level above; tasks may be drawn


class AnnualPlan(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    filed_with = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("报备机关"))
    filed_at = models.DateTimeField(_("报备时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("年度抽查计划")
        verbose_name_plural = _("年度抽查计划")
        ordering = ["-year", "organisation"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year", "title"], name="insp_plan_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


# Risk-weighted ratios, one province's 2021 example [K]: data per task, these are only defaults.
DEFAULT_RATIOS = {"high": "0.30", "medium_high": "0.10", "medium": "0.02", "low": "0.01", "unrated": "0.02"}


class InspectionTask(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="tasks")
    number = models.CharField(_("任务编号"), max_length=40, unique=True)
    name = models.CharField(_("任务名称"), max_length=200)
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="tasks")
    region = models.CharField(_("对象范围：行政区划（前缀）"), max_length=6, blank=True)
    industry = models.CharField(_("对象范围：行业"), max_length=60, blank=True)
    ratios = models.JSONField(_("按风险等级的抽查比例"), default=dict)
    inspectors_per_object = models.PositiveSmallIntegerField(_("每个对象的检查人员数"), default=2)
    period_start = models.DateField(_("检查开始日期"))
    period_end = models.DateField(_("检查结束日期"))
    partners = models.ManyToManyField("accounts.Organisation", blank=True, related_name="+",
                                      verbose_name=_("联合检查部门（综合查一次）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("抽查任务")
        verbose_name_plural = _("抽查任务")
        ordering = ["-created_at"]
        constraints = [
            # 《行政处罚法》第四十二条: at least two officers
            models.CheckConstraint(condition=Q(inspectors_per_object__gte=2), name="insp_task_two_inspectors"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="insp_task_period"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def organisation(self):
        return self.plan.organisation

    @property
    def is_joint(self) -> bool:
        return self.partners.exists()


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", _("已承诺")  # lists frozen, commitment published; waiting for the public numbers
    ENTERED = "entered", _("号码待复核")  # numbers entered by one person, to be confirmed by another
    DRAWN = "drawn", _("已抽取")  # seed fixed, objects and inspectors drawn
    BLOCKED = "blocked", _("无法组队")  # seed fixed, objects drawn, an object could not get enough inspectors
    VOIDED = "voided", _("已作废")  # voided with a reason and an approver; stays public


class Draw(models.Model):
    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="draws")
    sequence = models.PositiveSmallIntegerField(_("第几次抽取"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=DrawStatus.choices, default=DrawStatus.COMMITTED)
    row_version = models.PositiveIntegerField(default=1)
    document = models.JSONField(_("承诺文件"))  # exactly what was hashed (canonical JSON of it)
    commitment = models.CharField(_("承诺值"), max_length=64, unique=True)
    frozen = models.JSONField(_("冻结名单"))  # {"objects": [[id, stratum]], "inspectors": [[id, [spec]]], "excluded": [[ins, obj, why]]}
    names = models.JSONField(default=dict)  # id -> display name, published beside the ids (not hashed)
    committed_at = models.DateTimeField(_("承诺时间"))
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    numbers = models.JSONField(_("公开号码"), default=list, blank=True)
    numbers_source = models.CharField(_("号码来源"), max_length=200, blank=True)
    numbers_announced_on = models.DateField(_("号码公布日期"), null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    result = models.JSONField(_("抽取结果"), null=True, blank=True)  # {"objects": {stratum: [ids]}, "teams": {obj: [ins]}, "blocked": ...}
    replacements = models.JSONField(_("回避替换"), default=list, blank=True)
    blocked_reason = models.TextField(_("无法组队原因"), blank=True)
    void_reason = models.TextField(_("作废理由"), blank=True)
    void_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽取")
        verbose_name_plural = _("抽取")
        ordering = ["task", "sequence"]
        constraints = [
            # No silent redraw: one live draw per task; a new one only after voiding the last.
            models.UniqueConstraint(fields=["task"], condition=~Q(status="voided"), name="insp_one_live_draw"),
            models.UniqueConstraint(fields=["task", "sequence"], name="insp_draw_sequence"),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | ~Q(confirmed_by=models.F("entered_by")),
                name="insp_draw_two_people",
            ),
            models.CheckConstraint(
                condition=Q(voided_by__isnull=True) | ~Q(voided_by=models.F("void_requested_by")),
                name="insp_void_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.number} #{self.sequence}"


class Status(models.TextChoices):
    ASSIGNED = "assigned", _("待批准")  # drawn, team assigned; waiting for the head's approval
    APPROVED = "approved", _("已批准")  # approved by the head; the notice is still to be issued
    NOTIFIED = "notified", _("已出具通知书")  # numbered 检查通知书 issued: may go on site
    RECORDED = "recorded", _("已检查")  # on-site record and result entered; to be published
    PUBLISHED = "published", _("已公示")  # result published
    CANCELLED = "cancelled", _("已取消")  # its draw was voided


class Inspection(models.Model):
    """One drawn object of a draw, with its team."""

    task = models.ForeignKey(InspectionTask, on_delete=models.PROTECT, related_name="inspections")
    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="inspections")
    object = models.ForeignKey(InspectionObject, on_delete=models.PROTECT, related_name="inspections")
    stratum = models.CharField(_("风险等级（抽取时）"), max_length=12)
    risk_source = models.CharField(_("风险等级来源"), max_length=12)  # "credit" or "directory"
    position = models.PositiveIntegerField(_("抽取顺序"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ASSIGNED)
    row_version = models.PositiveIntegerField(default=1)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    notice_number = models.CharField(_("检查通知书编号"), max_length=60, blank=True)
    notice_issued_on = models.DateField(_("通知书日期"), null=True, blank=True)
    notice_content = models.JSONField(default=dict, blank=True)  # frozen at issue: what the PDF and the QR page say
    verify_code = models.CharField(max_length=32, blank=True, db_index=True)  # in the QR link; unguessable

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "object"], name="insp_inspection_once_per_draw"),
            models.UniqueConstraint(fields=["notice_number"], condition=~Q(notice_number=""), name="insp_notice_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task.number} {self.object.name}"


class TeamMember(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_duties")
    active = models.BooleanField(default=True)  # False once withdrawn (回避)
    label = models.CharField(max_length=120)  # the draw label that chose the member

    class Meta:
        ordering = ["inspection", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "user"], name="insp_member_once")]

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.user_id}"


class ResultClass(models.TextChoices):
    NO_ISSUE = "no_issue", _("未发现问题")
    RECTIFY = "rectify", _("发现问题已责令整改")
    HANDED_OVER = "handed_over", _("发现问题已移交执法")
    RECTIFIED_ON_SITE = "rectified", _("发现问题已当场整改")
    NOT_FOUND = "not_found", _("未找到检查对象")
    REFUSED = "refused", _("不配合检查")


class Warning(models.TextChoices):
    NONE = "", _("正常")
    YELLOW = "yellow", _("黄牌预警")
    RED = "red", _("红牌超期")


class InspectionResult(models.Model):
    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="result")
    number = models.CharField(_("结果编号"), max_length=60, unique=True)
    items_checked = models.TextField(_("检查内容"))
    findings = models.TextField(_("检查情况"), blank=True)
    result_class = models.CharField(_("检查结果"), max_length=12, choices=ResultClass.choices)
    rectification = models.TextField(_("整改要求"), blank=True)
    rectification_due = models.DateField(_("整改期限"), null=True, blank=True)
    inspected_on = models.DateField(_("检查日期"))
    signed_name = models.CharField(_("企业签字人"), max_length=50, blank=True)
    signature_refused = models.BooleanField(_("拒绝签字"), default=False)
    refusal_reason = models.CharField(_("拒绝签字情况"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("录入时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    publication_due = models.DateField(_("公示期限"))
    warning = models.CharField(_("预警"), max_length=8, choices=Warning.choices, default="", blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handed_over_at = models.DateTimeField(_("移交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["published_on", "publication_due"], name="insp_result_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(result_class="rectify") | Q(rectification_due__isnull=False), name="insp_rectify_has_due"
            ),
            models.CheckConstraint(
                condition=Q(signature_refused=True) | ~Q(signed_name=""), name="insp_signed_or_refused"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ResultFile(models.Model):
    result = models.ForeignKey(InspectionResult, on_delete=models.CASCADE, related_name="files")
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.attachment.original_name


class WithdrawalStatus(models.TextChoices):
    PENDING = "pending", _("待决定")
    GRANTED = "granted", _("准予回避")  # the inspector was replaced by the same rule
    REFUSED = "refused", _("不予回避")


class WithdrawalRequest(models.Model):
    """An enterprise's 申请回避 against one inspector of its inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="withdrawals")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField(_("申请理由"))
    status = models.CharField(_("状态"), max_length=8, choices=WithdrawalStatus.choices, default=WithdrawalStatus.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True)
    replacement = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("回避申请")
        verbose_name_plural = _("回避申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "inspector"], condition=Q(status="pending"),
                                    name="insp_one_pending_withdrawal"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="insp_withdrawal_other_decides"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} 回避 {self.inspector_id}"


class Transition(models.Model):
    """One step of a draw's or an inspection's history. Never edited."""

    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.CASCADE, related_name="transitions")
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} → {self.to_status}"


class OnSiteRecord(models.Model):
    """An on-site record (现场检查记录) made for another module's visit that has no draw or task
    (e.g. a works supervision visit): the same findings, content-checked files and signature as
    a 双随机 result, written only by `services.onsite.onsite_record_store`. Not published as a
    双随机 result; its owner keeps the stage and the outcome."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=30)  # "<module>.<kind>", e.g. "works.visit"
    reference = models.CharField(_("关联事项"), max_length=200, blank=True)  # shown to enforcement
    number = models.CharField(_("记录编号"), max_length=60, unique=True)
    subject_name = models.CharField(_("检查对象"), max_length=200)
    subject_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    subject_address = models.CharField(_("地址"), max_length=200, blank=True)
    items_checked = models.TextField(_("检查内容"), blank=True)
    findings = models.TextField(_("检查情况"))
    inspected_on = models.DateField(_("检查日期"))
    signed_name = models.CharField(_("签字人"), max_length=50, blank=True)
    signature_refused = models.BooleanField(_("拒绝签字"), default=False)
    refusal_reason = models.CharField(_("拒绝签字情况"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("录入时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handed_over_at = models.DateTimeField(_("移交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("现场检查记录")
        verbose_name_plural = _("现场检查记录")
        ordering = ["-inspected_on", "-pk"]
        constraints = [
            # A refusal is recorded with what happened; a signature is never both given and refused.
            models.CheckConstraint(
                condition=Q(signature_refused=False) | (Q(signed_name="") & ~Q(refusal_reason="")),
                name="insp_onsite_refusal_recorded",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class OnSiteFile(models.Model):
    record = models.ForeignKey(OnSiteRecord, on_delete=models.CASCADE, related_name="files")
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["record", "pk"]

    def __str__(self) -> str:
        return self.attachment.original_name
