"""Service items (政务服务事项), their versions, materials, stages, fees, and bundles (一件事).

A `ServiceItem` is the stable identity of one implementation of an item by one organisation.
Its content lives in `ItemVersion` rows: one draft at a time is edited, publishing freezes it,
and a published version is never changed again (a case keeps the version it was filed under).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

item_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9-]{1,63}$", _("编码只能包含字母、数字和连字符，长度 2 至 64 位。")
)

ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "ofd", "zip")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


class ItemKind(models.TextChoices):
    LICENSING = "licensing", _("行政许可")  # 行政许可
    CONFIRMATION = "confirmation", _("行政确认")  # 行政确认 (e.g. 备案)
    PAYMENT = "payment", _("行政给付")  # 行政给付
    INSPECTION = "inspection", _("行政检查")  # 行政检查
    OTHER_POWER = "other_power", _("其他行政权力")  # 其他行政权力 (e.g. 征收)
    PUBLIC_SERVICE = "public_service", _("公共服务")  # 公共服务


class OnlineDepth(models.IntegerChoices):
    INFO = 1, _("一级：网上公开办事指南")  # guide published online only
    FORMS = 2, _("二级：网上下载表格")  # forms downloadable
    PREVIEW = 3, _("三级：网上预审")  # applied online, originals checked at the window
    FULL = 4, _("四级：全程网办")  # applied, decided and delivered online


class ApplicantType(models.TextChoices):
    ENTERPRISE = "enterprise", _("法人")  # enterprises and other organisations
    CITIZEN = "citizen", _("自然人")  # natural persons
    BOTH = "both", _("法人和自然人")  # both


class ServiceItem(models.Model):
    """One organisation's implementation of a catalogued item: stable across versions.

    `base_code` (基本编码) is shared by the province, city and county implementations of the
    same item; `implementation_code` (实施编码) is unique. One implementation per base code is
    the standard (usually the province's 实施规范) that the consistency report compares with.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("实施机构"),
        on_delete=models.PROTECT,
        related_name="service_items",
    )
    base_code = models.CharField(_("基本编码"), max_length=64, validators=[item_code])
    implementation_code = models.CharField(
        _("实施编码"), max_length=64, unique=True, validators=[item_code]
    )
    is_standard = models.BooleanField(
        _("标准事项"), default=False, help_text=_("同一基本编码下作为同要素比对基准的实施事项")
    )
    current_version = models.OneToOneField(
        "ItemVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering = ["base_code", "organisation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["base_code", "organisation"], name="catalog_one_item_per_org_and_base"
            ),
            models.UniqueConstraint(
                fields=["base_code"],
                condition=Q(is_standard=True),
                name="catalog_one_standard_per_base",
                violation_error_message=_("同一基本编码只能有一个标准事项。"),
            ),
        ]

    def __str__(self) -> str:
        version = self.current_version
        return f"{version.name if version else self.implementation_code}（{self.organisation}）"


class ItemVersion(models.Model):
    """The content of an item at one point in time. Only a draft may change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")  # being edited; the only editable state
        PUBLISHED = "published", _("现行")  # the item's current published content
        SUPERSEDED = "superseded", _("已废止")  # was published, replaced by a later version

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )

    name = models.CharField(_("事项名称"), max_length=200)
    kind = models.CharField(_("事项类型"), max_length=20, choices=ItemKind.choices)
    topic = models.CharField(_("主题分类"), max_length=40, blank=True)
    applicant_type = models.CharField(
        _("服务对象"), max_length=16, choices=ApplicantType.choices, default=ApplicantType.BOTH
    )
    legal_basis = models.TextField(_("设定依据"), help_text=_("法律法规名称及条款，每行一条"))
    conditions = models.TextField(_("受理条件"))
    legal_limit_days = models.PositiveSmallIntegerField(
        _("法定办结时限（工作日）"), validators=[MaxValueValidator(365)]
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("承诺办结时限（工作日）"), validators=[MaxValueValidator(365)]
    )
    acceptance_limit_days = models.PositiveSmallIntegerField(
        _("受理时限（工作日）"), default=5, validators=[MaxValueValidator(5)]
    )
    # 《行政许可法》第四十二条: ten working days unless a law or regulation for the item says otherwise.
    extension_limit_days = models.PositiveSmallIntegerField(
        _("可延长期限（工作日）"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("经本行政机关负责人批准可延长的工作日数；《行政许可法》第四十二条为十日，法律、法规另有规定的从其规定"),
    )
    extension_moves_promised = models.BooleanField(
        _("延期同时顺延承诺时限"),
        default=False,
        help_text=_("不勾选时，延期只延长法定时限，承诺时限仍为本机关的承诺"),
    )
    is_free = models.BooleanField(_("不收费"), default=True)
    visits = models.PositiveSmallIntegerField(
        _("到现场次数"), default=0, validators=[MaxValueValidator(10)]
    )
    online_depth = models.PositiveSmallIntegerField(
        _("网办深度"), choices=OnlineDepth.choices, default=OnlineDepth.PREVIEW
    )
    place = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=40, blank=True)
    result_name = models.CharField(_("审批结果名称"), max_length=200, blank=True)
    result_sample = models.FileField(
        _("审批结果样本"), upload_to="catalog/results/%Y/%m/", blank=True, max_length=255
    )
    change_note = models.CharField(_("修订说明"), max_length=300, blank=True)
    # 告知承诺制: the applicant may commit instead of proving some conditions; offered only to
    # subjects without a serious credit record (core.standing, 联合奖惩).
    commitment_allowed = models.BooleanField(_("实行告知承诺制"), default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalog_version_number"),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="draft"),
                name="catalog_one_draft_per_item",
                violation_error_message=_("该事项已有一个草稿。"),
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="published"),
                name="catalog_one_published_per_item",
            ),
            models.CheckConstraint(
                name="catalog_promised_within_legal",
                condition=Q(promised_limit_days__lte=F("legal_limit_days")),
                violation_error_message=_("承诺办结时限不能超过法定办结时限。"),
                violation_error_code="promised_exceeds_legal",
            ),
            models.CheckConstraint(
                name="catalog_published_has_time",
                condition=Q(status="draft") | Q(published_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_zero_trip(self) -> bool:
        return self.visits == 0

    @property
    def applies_online(self) -> bool:
        return self.online_depth >= OnlineDepth.PREVIEW

    @property
    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    @property
    def compression_percent(self) -> int:
        """How much the promised limit compresses the legal one (承诺时限压缩比例)."""
        if not self.legal_limit_days:
            return 0
        return round(
            100 * (self.legal_limit_days - self.promised_limit_days) / self.legal_limit_days
        )


class Stage(models.Model):
    """A step of the process (审查, 现场勘验, 决定, 送达…) with its own limit in working days."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=60)
    limit_days = models.PositiveSmallIntegerField(
        _("环节时限（工作日）"), validators=[MaxValueValidator(365)]
    )
    description = models.CharField(_("环节说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="catalog_stage_order")
        ]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")  # the original is shown or handed in
        COPY = "copy", _("复印件")  # a photocopy
        ORIGINAL_AND_COPY = "original_and_copy", _("原件和复印件")  # both: original checked
        ELECTRONIC = "electronic", _("电子件")  # an electronic file only

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("材料名称"), max_length=200)
    form = models.CharField(_("材料形式"), max_length=20, choices=Form.choices)
    copies = models.PositiveSmallIntegerField(
        _("份数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    required = models.BooleanField(_("必须提交"), default=True)
    condition = models.CharField(
        _("提交条件"), max_length=300, blank=True, help_text=_("非必须材料在何种情形下需要提交")
    )
    source = models.CharField(
        _("材料来源"), max_length=100, blank=True, help_text=_("如：申请人自备、政府部门核发")
    )
    provides_from = models.CharField(
        _("可免提交来源"),
        max_length=100,
        blank=True,
        help_text=_("可由电子证照（证照类型代码）或共享数据（数据项标识）代替时填写"),
    )
    notes = models.CharField(_("填报说明"), max_length=300, blank=True)
    template = models.FileField(
        _("空白表格/范本"), upload_to="catalog/templates/%Y/%m/", blank=True, max_length=255
    )
    sample = models.FileField(
        _("填写示例"), upload_to="catalog/samples/%Y/%m/", blank=True, max_length=255
    )

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="catalog_material_order"),
            models.CheckConstraint(
                name="catalog_conditional_material_has_condition",
                condition=Q(required=True) | ~Q(condition=""),
                violation_error_message=_("非必须材料必须写明提交条件。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Fee(models.Model):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("收费项目"), max_length=100)
    standard = models.CharField(_("收费标准"), max_length=300)
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("固定金额时填写；按面积等计算时留空，写在收费标准中"),
    )
    basis = models.CharField(_("收费依据"), max_length=300)

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="catalog_fee_order")
        ]

    def __str__(self) -> str:
        return self.name


class Bundle(models.Model):
    """一件事一次办: several items offered to the applicant as one."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("牵头机构"),
        on_delete=models.PROTECT,
        related_name="bundles",
    )
    code = models.CharField(_("编码"), max_length=64, unique=True, validators=[item_code])
    name = models.CharField(_("一件事名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    promised_limit_days = models.PositiveSmallIntegerField(
        _("整体承诺时限（工作日）"), validators=[MaxValueValidator(365)]
    )
    is_published = models.BooleanField(_("已发布"), default=False)
    items = models.ManyToManyField(ServiceItem, through="BundleItem", related_name="bundles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("顺序"))

    class Meta:
        ordering = ["bundle", "order"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "item"], name="catalog_bundle_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.bundle_id}#{self.order}"
