"""Enterprise profiles, policies with dated rule versions, match records, fee schedules.

Numbers that rules compare are stored as fixed-point integers: areas in 0.01 m² and money in
fen. A boundary like "under 2,000 m²" is then decided exactly, in the database, in numpy and in
the explanation alike.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Enterprise, Organisation


class SizeClass(models.TextChoices):
    MICRO = "micro", _("微型")  # 《中小企业划型标准规定》 micro
    SMALL = "small", _("小型")
    MEDIUM = "medium", _("中型")
    LARGE = "large", _("大型")


class CreditGrade(models.TextChoices):
    A = "A", _("A 级（守信）")  # best: conveniences such as 容缺受理 apply
    B = "B", _("B 级（基本守信）")
    C = "C", _("C 级（失信）")
    D = "D", _("D 级（严重失信）")  # black list


class BuildingUse(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    COMMERCIAL = "commercial", _("商业、办公")
    INDUSTRIAL = "industrial", _("工业厂房")
    LOGISTICS = "logistics", _("物流")
    WAREHOUSE = "warehouse", _("仓储")
    PUBLIC = "public", _("公共建筑")
    OTHER = "other", _("其他")


class PolicyTag(models.Model):
    """A profile tag (高新技术企业, 专精特新…). Its bit is the tag's position in a profile's bitmask,
    which lets matching test tags on a million profiles with one vector AND."""

    name = models.CharField(_("标签"), max_length=40, unique=True)
    bit = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        ordering = ["bit"]
        constraints = [models.CheckConstraint(name="policy_tag_bit_range", condition=Q(bit__lt=63))]

    def __str__(self) -> str:
        return self.name


class EnterpriseProfile(models.Model):
    """What the platform knows about an enterprise, in the shape rules compare. The fields of the
    most recent construction project are copied here so matching reads one table."""

    enterprise = models.OneToOneField(Enterprise, on_delete=models.CASCADE, related_name="profile")
    region_code = models.CharField(_("所在行政区划"), max_length=6, db_index=True)
    industry_code = models.CharField(
        _("行业代码"), max_length=5, blank=True, help_text=_("GB/T 4754，如 G5920")
    )
    size_class = models.CharField(
        _("企业规模"), max_length=8, choices=SizeClass.choices, blank=True
    )
    registered_capital_fen = models.BigIntegerField(_("注册资本（分）"), null=True, blank=True)
    annual_revenue_fen = models.BigIntegerField(_("上年营业收入（分）"), null=True, blank=True)
    employees = models.IntegerField(_("从业人数"), null=True, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    credit_grade = models.CharField(
        _("信用等级"), max_length=1, choices=CreditGrade.choices, blank=True
    )
    tag_bits = models.BigIntegerField(default=0)
    project_use = models.CharField(
        _("项目用途"), max_length=16, choices=BuildingUse.choices, blank=True
    )
    project_floor_area_cm2 = models.BigIntegerField(
        _("项目总建筑面积（0.01 m²）"), null=True, blank=True
    )
    project_region = models.CharField(_("项目所在地"), max_length=6, blank=True)
    source = models.CharField(_("来源"), max_length=20, default="platform")
    updated_at = models.DateTimeField(auto_now=True)
    # Set by every profile write, cleared by the incremental re-match that has judged it.
    match_dirty = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("企业画像")
        verbose_name_plural = _("企业画像")
        indexes = [
            models.Index(fields=["id"], condition=Q(match_dirty=True), name="profile_dirty_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} 画像"


class ConstructionProject(models.Model):
    """A construction project of an enterprise (fee calculators and project-based policies)."""

    profile = models.ForeignKey(
        EnterpriseProfile, on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(_("项目名称"), max_length=150)
    use = models.CharField(_("建筑用途"), max_length=16, choices=BuildingUse.choices)
    total_floor_area_cm2 = models.BigIntegerField(_("总建筑面积（0.01 m²）"))
    region_code = models.CharField(_("项目所在地"), max_length=6)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("建设项目")
        verbose_name_plural = _("建设项目")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="project_area_positive", condition=Q(total_floor_area_cm2__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Policy(models.Model):
    class BenefitType(models.TextChoices):
        EXEMPTION = "exemption", _("费用减免")  # a fee reduced or waived
        SUBSIDY = "subsidy", _("资金补贴")  # money paid to the enterprise
        SERVICE = "service", _("便利服务")  # a convenience, e.g. 容缺受理

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")  # being written, not matched
        PUBLISHED = "published", _("已发布")  # matched, pushed, public
        WITHDRAWN = "withdrawn", _("已停止")  # no longer matched; open matches expire

    title = models.CharField(_("政策名称"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("发布机构"), on_delete=models.PROTECT
    )
    document_number = models.CharField(_("文号"), max_length=80, blank=True)
    legal_basis = models.TextField(_("政策依据"))
    summary = models.TextField(_("政策内容"), blank=True)
    benefit_type = models.CharField(_("兑现方式"), max_length=12, choices=BenefitType.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"), null=True, blank=True)
    amount_text = models.CharField(_("金额或计算方式"), max_length=200, blank=True)
    auto_grant = models.BooleanField(
        _("免申即享"), default=False, help_text=_("符合条件即自动兑现，无需企业申请")
    )
    fee_code = models.CharField(_("关联收费项目"), max_length=32, blank=True)
    reduction_percent = models.PositiveSmallIntegerField(_("减免比例 %"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("惠企政策")
        verbose_name_plural = _("惠企政策")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                name="policy_reduction_range",
                condition=Q(reduction_percent__isnull=True) | Q(reduction_percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    """The eligibility rule of a policy for a period. Versions of a policy never overlap; the
    one in force on a date decides matching on that date."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    condition = models.JSONField(_("适用条件"))
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="unique_policy_version"),
            models.CheckConstraint(
                name="policy_version_dates",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                violation_error_message=_("失效日期不能早于生效日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.title} 第{self.number}版"


class MatchStatus(models.TextChoices):
    NEW = "new", _("符合条件")  # found eligible, not yet told
    NOTIFIED = "notified", _("已推送")  # told; waiting for a claim (or the automatic grant)
    CLAIMED = "claimed", _("已申领")  # the enterprise asked for it
    GRANTED = "granted", _("已兑现")  # granted, by staff or automatically (免申即享)
    EXPIRED = "expired", _("已失效")  # no longer eligible, or the policy ended, before a claim


OPEN_MATCH = [MatchStatus.NEW, MatchStatus.NOTIFIED]


class PolicyMatch(models.Model):
    # No single-column indexes on the keys: the composite indexes below lead with each of them,
    # and every extra index costs time when a first run writes millions of records.
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="policy_matches", db_index=False
    )
    version_number = models.PositiveIntegerField()
    status = models.CharField(
        _("状态"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.NEW
    )
    matched_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    granted_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    granted_amount_fen = models.BigIntegerField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("匹配记录")
        verbose_name_plural = _("匹配记录")
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="unique_policy_match")
        ]
        indexes = [
            models.Index(fields=["policy", "status"], name="match_policy_status_idx"),
            models.Index(fields=["enterprise", "status"], name="match_enterprise_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}/{self.enterprise_id} {self.status}"


class MatchTransition(models.Model):
    """One change of a match record's status: who (or which run), from, to, when and why. Written
    in the same transaction as the change by `policies.transitions`; never edited. A record's
    first status (new, when a run finds it) is its `matched_at`, not a transition."""

    match = models.ForeignKey(PolicyMatch, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=MatchStatus.choices)
    to_status = models.CharField(max_length=10, choices=MatchStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("匹配记录状态变更")
        verbose_name_plural = _("匹配记录状态变更")
        ordering = ["match", "at", "id"]

    def __str__(self) -> str:
        return f"{self.match_id} {self.from_status}→{self.to_status}"


class MatchRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", _("全量匹配")  # every published policy × every profile
        PROFILES = "profiles", _("画像变更增量匹配")  # changed profiles × every policy
        POLICY = "policy", _("政策变更增量匹配")  # one policy × every profile

    kind = models.CharField(max_length=10, choices=Kind.choices)
    on_date = models.DateField()
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)
    profiles = models.PositiveIntegerField(default=0)
    policies = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    expired = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("匹配批次")
        verbose_name_plural = _("匹配批次")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on_date}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")  # stored, waiting for the worker
        RUNNING = "running", _("导入中")  # rows being checked and written
        DONE = "done", _("已完成")  # finished (possibly with rows skipped)
        FAILED = "failed", _("未导入")  # all-or-nothing and some row was bad, or unreadable

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("全部正确才导入")
        VALID_ONLY = "valid", _("只导入正确的行")

    # The uploaded file is kept under VAR_DIR/policy_imports (a 1M-row CSV exceeds attachment limits).
    file_path = models.CharField(max_length=255)
    file_name = models.CharField(_("文件名"), max_length=200)
    mode = models.CharField(max_length=8, choices=Mode.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [[line, reason], ...] (first 1,000)
    error_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("画像导入")
        verbose_name_plural = _("画像导入")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return (
            int(self.processed * 100 / self.total)
            if self.total
            else (100 if self.status in ("done", "failed") else 0)
        )


class FeeSchedule(models.Model):
    """A fee item (e.g. 防空地下室易地建设费) with its legal basis; its required-area ratios, unit
    prices and reliefs are versioned rule sets per region (FeeRuleSet below). Policies with
    `fee_code` = code publish its reliefs in the policy finder."""

    code = models.CharField(_("收费项目代码"), max_length=32, unique=True)
    name = models.CharField(_("收费项目"), max_length=100)
    legal_basis = models.TextField(_("收费依据"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("收费机构"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")

    def __str__(self) -> str:
        return self.name


class LandType(models.TextChoices):
    """Land use class of the plot (国土空间调查、规划、用途管制用地用海分类), as far as fee rules
    distinguish it."""

    RESIDENTIAL = "residential", _("居住用地")
    COMMERCIAL = "commercial", _("商业服务业用地")
    PUBLIC = "public", _("公共管理与公共服务用地")
    INDUSTRIAL = "industrial", _("工业用地")  # a logistics park on it is not 物流仓储用地
    LOGISTICS_WAREHOUSE = "logistics_warehouse", _("物流仓储用地")
    OTHER = "other", _("其他用地")


class ReliefCategory(models.TextChoices):
    """Building categories that relief rules name: the national ones of 计价格〔2000〕474号 [K]
    and local ones (保障性住房 in Anhui)."""

    KINDERGARTEN = "kindergarten", _("幼儿园")
    SCHOOL_TEACHING = "school_teaching", _("学校教学楼")
    ELDERLY_HOME = "elderly_home", _("养老院")
    DISABLED_FACILITY = "disabled_facility", _("残疾人康复设施")
    TEMPORARY = "temporary", _("临时建筑")
    DILAPIDATED_REBUILD = "dilapidated_rebuild", _("危房翻新改造（不增加面积）")
    DISASTER_REBUILD = "disaster_rebuild", _("灾后重建")
    AFFORDABLE_HOUSING = "affordable_housing", _("保障性住房")


class FeeRuleSet(models.Model):
    """One version of a region's rules for a fee item: required-area ratios, unit prices and
    reliefs (the factors below). A calculation uses the versions in force on its date for the
    project's county, city and province; a city version overrides the province's ratios or prices
    only where it defines some, and its reliefs add to the province's."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="rule_sets")
    region_code = models.CharField(_("适用区划"), max_length=6)
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("名称"), max_length=120)
    valid_from = models.DateField(_("施行日期"))
    valid_to = models.DateField(_("失效日期（含当日）"), null=True, blank=True)
    basis = models.TextField(_("依据文件"), blank=True)

    class Meta:
        verbose_name = _("收费规则集")
        verbose_name_plural = _("收费规则集")
        ordering = ["schedule", "region_code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "region_code", "version"], name="fee_rule_set_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="fee_rule_set_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"

    def in_force(self, on) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class FeeFactor(models.Model):
    """One factor of a rule set, citing its document and article."""

    class Kind(models.TextChoices):
        RATIO = "ratio", _("应建面积比例")  # share of above-ground area to build as shelter
        PRICE = "price", _("收费标准")  # fee per m² of shelter not built
        RELIEF = "relief", _("减免")  # half or full relief on a condition

    rule_set = models.ForeignKey(FeeRuleSet, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    code = models.CharField(_("代码"), max_length=40)
    label = models.CharField(_("名称"), max_length=200)
    land_type = models.CharField(
        _("限于用地类型"), max_length=24, choices=LandType.choices, blank=True
    )
    building_use = models.CharField(
        _("限于建筑用途"), max_length=16, choices=BuildingUse.choices, blank=True
    )
    category = models.CharField(
        _("限于建筑类别"), max_length=24, choices=ReliefCategory.choices, blank=True
    )
    below_total_area_cm2 = models.BigIntegerField(
        _("总建筑面积低于（0.01 m²）"), null=True, blank=True
    )
    ratio_permille = models.PositiveIntegerField(_("应建比例 ‰"), null=True, blank=True)
    price_fen_per_m2 = models.BigIntegerField(_("收费标准（分/m²）"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("减免比例 %"), null=True, blank=True)
    automatic = models.BooleanField(
        _("免申即享"), default=True, help_text=_("符合条件即自动适用，无需企业申请")
    )
    document = models.CharField(_("依据文件"), max_length=200)
    article = models.CharField(_("条款"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("收费规则要素")
        verbose_name_plural = _("收费规则要素")
        ordering = ["rule_set", "kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="fee_factor_code_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="ratio") | models.Q(ratio_permille__isnull=False),
                name="fee_factor_ratio_has_value",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="price") | models.Q(price_fen_per_m2__isnull=False),
                name="fee_factor_price_has_value",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="relief")
                | models.Q(percent__gte=1, percent__lte=100),
                name="fee_factor_relief_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def citation(self) -> str:
        return f"{self.document}{self.article}"
