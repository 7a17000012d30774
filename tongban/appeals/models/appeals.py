"""Appeals (有诉即办): complaints, consultations, suggestions, requests for help and praise, their
routing, transfer, handling, reply and callback; and the hotline knowledge base.

The appeal row caches what lists and sweeps filter on (status, responsible unit, due date,
warning); the history is the step rows, written in the same transaction as every change.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")  # something went wrong; may name a unit complained about
    CONSULTATION = "consultation", _("咨询")  # a question about a service or a rule
    SUGGESTION = "suggestion", _("建议")  # an idea to improve the service
    HELP = "help", _("求助")  # a request for help with a concrete difficulty
    PRAISE = "praise", _("表扬")  # thanks for a unit or a member of staff


class Channel(models.TextChoices):
    WEB = "web", _("网站")  # the portal's form, logged in or anonymous
    MOBILE = "mobile", _("移动端")  # the API used by the mobile app
    HOTLINE = "hotline", _("12345热线")  # imported from the 12345 platform (API or CSV)
    WINDOW = "window", _("窗口登记")  # registered by a clerk for a walk-in
    OPEN311 = "open311", _("Open311 接口")  # filed by a GeoReport v2 client


class Status(models.TextChoices):
    RECEIVED = "received", _("待受理")  # registered and routed; the receiving unit has to confirm it
    TRANSFERRING = "transferring", _("转办中")  # sent to another unit that has not accepted or returned it
    HANDLING = "handling", _("办理中")  # a unit handles it; the handling deadline runs
    REPLIED = "replied", _("已答复")  # answered; waits for the callback (回访)
    CLOSED = "closed", _("已办结")  # the callback is recorded; final unless reopened once
    MERGED = "merged", _("已合并")  # final: a duplicate merged into another appeal


OPEN_STATUSES = [Status.RECEIVED, Status.TRANSFERRING, Status.HANDLING]
CLOCKED_STATUSES = [Status.RECEIVED, Status.TRANSFERRING, Status.HANDLING]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("无法联系")  # three callback attempts failed; counted apart


class SubjectKind(models.TextChoices):
    """Who the complaint is about (被反映对象), for a referral to enforcement."""

    NONE = "", _("未填写")
    ENTERPRISE = "enterprise", _("单位")  # identified by its 统一社会信用代码
    PERSON = "person", _("个人")  # a name only; shown masked outside the handling unit


class Warning(models.TextChoices):
    NONE = "", _("正常")
    YELLOW = "yellow", _("即将到期")  # remaining working days at or below the threshold
    RED = "red", _("已超期")  # past the due date


class Category(models.Model):
    """A subject of appeals, also published as an Open311 service."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    default_kind = models.CharField(_("默认类型"), max_length=16, choices=Kind.choices, default=Kind.COMPLAINT)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("逗号分隔，Open311 服务关键词"))
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class HandlingLimit(models.Model):
    """Handling deadline per kind, in working days from receipt (configurable by administrators)."""

    kind = models.CharField(_("诉求类型"), max_length=16, choices=Kind.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    reopen_days = models.PositiveSmallIntegerField(_("重办时限（工作日）"), default=5)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["kind"]
        constraints = [models.CheckConstraint(name="appeals_limit_positive", condition=Q(days__gte=1) & Q(reopen_days__gte=1))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.days}"


class RoutingRule(models.Model):
    """Chooses a category and a responsible unit. Every condition that is set must match; the
    matching rule with the highest priority wins. The first receiver confirms or transfers."""

    name = models.CharField(_("规则名称"), max_length=80)
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字大者优先"))
    kinds = models.CharField(_("适用类型"), max_length=100, blank=True, help_text=_("逗号分隔的类型代码，空为全部"))
    keywords = models.TextField(_("关键词"), blank=True, help_text=_("每行或逗号分隔，命中任一即可；空为不限"))
    item = models.ForeignKey("catalog.ServiceItem", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("涉及事项"))
    division_prefix = models.CharField(_("区划代码前缀"), max_length=6, blank=True,
                                       help_text=_("如 4101 表示郑州市全部区县"))
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("分类"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("承办单位"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("分办规则")
        verbose_name_plural = _("分办规则")
        ordering = ["-priority", "id"]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        raw = self.keywords.replace("，", ",").replace("\n", ",")
        return [k.strip() for k in raw.split(",") if k.strip()]

    def kind_list(self) -> list[str]:
        return [k.strip() for k in self.kinds.split(",") if k.strip()]


class Appeal(models.Model):
    number = models.CharField(_("诉求编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("内容"))  # stored as typed, escaped on output
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals",
                                 verbose_name=_("分类"))
    item = models.ForeignKey("catalog.ServiceItem", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="appeals", verbose_name=_("涉及事项"))
    related_case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="appeals", verbose_name=_("相关办件"))
    division_code = models.CharField(_("所在区划"), max_length=6, blank=True)
    division_name = models.CharField(_("所在区划名称"), max_length=60, blank=True,
                                     help_text=_("提交时的全称，如 河南省郑州市金水区"))
    address = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="appeals", verbose_name=_("诉求人账号"))
    requester_name = models.CharField(_("诉求人"), max_length=60, blank=True)
    requester_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    requester_email = models.EmailField(_("电子邮箱"), blank=True)
    is_anonymous = models.BooleanField(_("匿名"), default=False, help_text=_("未登录提交，仅留电话"))
    disclose_identity = models.BooleanField(
        _("同意向被投诉单位公开身份"), default=False,
        help_text=_("不同意时，被投诉单位的工作人员看不到诉求人的姓名和联系方式"))
    respondent = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("被投诉单位"))
    # 被反映对象: the enterprise or person the complaint is about (not a government unit, which is
    # `respondent`); carried over as the party when the appeal is referred to enforcement.
    subject_kind = models.CharField(_("被反映对象类型"), max_length=10, choices=SubjectKind.choices, blank=True,
                                    default="")
    subject_name = models.CharField(_("被反映对象名称"), max_length=100, blank=True)
    subject_uscc = models.CharField(_("被反映对象统一社会信用代码"), max_length=18, blank=True)
    subject_address = models.CharField(_("被反映对象地址"), max_length=200, blank=True)
    referred_on = models.DateField(_("移送执法日期"), null=True, blank=True,
                                   help_text=_("移送执法部门立案查处之日；每件诉求只移送一次"))
    # The requester's own choice, never presumed: without it the appeal stays off every public
    # channel (Open311), whatever its kind.
    publish_consent = models.BooleanField(
        _("同意公开（不含个人信息）"), default=False,
        help_text=_("同意时，诉求内容、办理状态和答复经 Open311 接口公开，不含姓名、电话、证件号和详细门牌"))

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="appeals",
                                     verbose_name=_("承办单位"))
    pending_organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                             related_name="+", verbose_name=_("转办接收单位"))
    first_organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name=_("首问单位"))
    first_receiver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("首问负责人"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("承办人"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("登记人"))

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    submitted_at = models.DateTimeField(_("提交时间"))
    received_on = models.DateField(_("受理日期"))
    limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"))
    clock_from = models.DateField(_("计时起点"), help_text=_("受理之日；重办时为重办之日"))
    due_on = models.DateField(_("办理期限"))
    warning = models.CharField(_("预警"), max_length=6, choices=Warning.choices, blank=True, default="")
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    satisfaction = models.CharField(_("回访满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("疑似重复"))
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged", verbose_name=_("合并至"))
    external_source = models.CharField(_("外部来源"), max_length=30, blank=True)
    external_id = models.CharField(_("外部工单号"), max_length=64, blank=True)
    client_key = models.CharField(max_length=64, blank=True, help_text="hash of the submitting address")
    row_version = models.PositiveIntegerField(default=1, help_text="optimistic lock; bumps on each step")
    updated_at = models.DateTimeField(auto_now=True)
    presses = GenericRelation("core.Press", related_query_name="appeal")

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(name="appeals_reopen_once", condition=Q(reopen_count__lte=1)),
            models.UniqueConstraint(fields=["external_source", "external_id"], condition=~Q(external_id=""),
                                    name="appeals_one_per_external_ticket"),
            models.CheckConstraint(name="appeals_has_contact",
                                   condition=Q(requester__isnull=False) | ~Q(requester_phone="")
                                   | Q(channel="open311") | Q(channel="hotline")),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="appeals_org_status_due"),
            models.Index(fields=["pending_organisation", "status"], name="appeals_pending"),
            models.Index(fields=["status", "due_on"], name="appeals_status_due"),
            models.Index(fields=["requester_phone", "submitted_at"], name="appeals_phone_recent"),
            models.Index(fields=["requester", "submitted_at"], name="appeals_requester_recent"),
            # The Open311 list reads only published appeals, newest first, within a date window.
            models.Index(fields=["submitted_at"], condition=Q(publish_consent=True), name="appeals_public_recent"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Step(models.Model):
    """One step of the appeal's history: who did what, at which unit, and why. Never edited."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("办理过程")
        verbose_name_plural = _("办理过程")
        ordering = ["appeal", "at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action}"

    @property
    def label(self) -> str:
        from ..services import ACTION_LABELS

        return ACTION_LABELS.get(self.action, self.action)

    @property
    def assigned_to(self) -> str:
        """The unit the appeal went to by this step, for the requester's timeline: the routed
        unit on submission, the unit that took a transfer over. "" for other steps."""
        if self.action == "submit":
            data = self.data or {}
            return str(data.get("assigned_to") or data.get("organisation", ""))
        if self.action == "accept_transfer" and self.organisation_id:
            return self.organisation.agency().name
        return ""


class Transfer(models.Model):
    """A transfer (转办) to another unit, which accepts it or returns it with a reason."""

    class State(models.TextChoices):
        PENDING = "pending", _("待接收")  # the target unit has not decided
        ACCEPTED = "accepted", _("已接收")  # the target unit took responsibility
        RETURNED = "returned", _("已退回")  # the target unit is not competent and said why

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("转办理由"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        verbose_name = _("转办")
        verbose_name_plural = _("转办")
        ordering = ["appeal", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["appeal"], condition=Q(state="pending"),
                                               name="appeals_one_pending_transfer")]

    def __str__(self) -> str:
        return f"{self.from_organisation_id} → {self.to_organisation_id}"


class Reply(models.Model):
    """The answer to the requester. A reopened appeal gets a second one."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(default=1)
    body = models.TextField(_("答复内容"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField()

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["appeal", "round"]
        constraints = [models.UniqueConstraint(fields=["appeal", "round"], name="appeals_one_reply_per_round")]

    def __str__(self) -> str:
        return f"{self.appeal_id} 答复 {self.round}"


class Callback(models.Model):
    """回访: the requester's satisfaction with the answer, by phone (staff) or online (requester)."""

    class Method(models.TextChoices):
        PHONE = "phone", _("电话回访")
        SMS = "sms", _("短信回访")
        ONLINE = "online", _("诉求人在线评价")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="callbacks")
    round = models.PositiveSmallIntegerField(default=1)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    note = models.TextField(_("回访记录"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["appeal", "round"]
        constraints = [models.UniqueConstraint(fields=["appeal", "round"], name="appeals_one_callback_per_round")]

    def __str__(self) -> str:
        return f"{self.appeal_id} 回访 {self.round}"


class Throttle(models.Model):
    """One anonymous submission, by hashed key (address or phone), for the rate limit. Old rows
    are purged by the sweep. In the database so every worker process sees the same counts."""

    key = models.CharField(max_length=80)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"], name="appeals_throttle_key_at")]

    def __str__(self) -> str:
        return self.key
