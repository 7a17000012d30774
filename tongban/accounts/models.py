from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.masking import mask_citizen_id, mask_phone

division_code = RegexValidator(r"^\d{6}$", _("行政区划代码应为 6 位数字。"))


class Organisation(models.Model):
    """A node of the organisation tree. `path` is a materialised path of zero-padded ids
    ("000001/000004/") so a subtree is one indexed prefix query."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("机关")  # a province, city or county agency
        DEPARTMENT = "department", _("内设处室")  # 处室 inside an agency
        UNIT = "unit", _("直属事业单位")  # affiliated unit (事业单位)

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    division_code = models.CharField(_("行政区划代码"), max_length=6, validators=[division_code])
    code = models.CharField(
        _("机构代码"), max_length=32, unique=True, help_text=_("用于办件编号等，全局唯一")
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """A department's name is ambiguous alone (every agency has a 行政审批办公室)."""
        if self.kind != self.Kind.AGENCY and self.parent_id:
            return f"{self.parent.name} · {self.name}"
        return self.name

    @property
    def name_with_agency(self) -> str:
        """How an applicant is told who handles their case: a department WITH its agency
        ("郑州市人民防空办公室 行政审批办公室"), since three agencies have a 行政审批办公室."""
        agency = self.agency()
        return self.name if agency.pk == self.pk else f"{agency.name} {self.name}"

    def is_within(self, other: Organisation) -> bool:
        """True when self is `other` or below it."""
        return self.path.startswith(other.path)

    def agency(self) -> Organisation:
        """The agency this department or unit belongs to (itself if an agency)."""
        node = self
        while node.kind != self.Kind.AGENCY and node.parent_id:
            node = node.parent
        return node


class Role(models.TextChoices):
    CLERK = "clerk", _("窗口人员")  # accepts, rejects, asks for supplements
    REVIEWER = "reviewer", _("审查人员")  # reviews and inspects on site
    APPROVER = "approver", _("审批负责人")  # signs decisions, approves extensions
    SUPERVISOR = "supervisor", _("督查人员")  # sees warnings, presses overdue work
    INSPECTOR = "inspector", _("执法人员")  # drawn for random inspections
    CREDIT_ADMIN = "credit_admin", _("信用管理员")  # keeps credit records and lists
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核人员")  # 法制审核 of penalty decisions (行政处罚法 §58)
    ADMIN = "admin", _("系统管理员")  # organisations, users, roles, catalog


class Enterprise(models.Model):
    """A market entity identified by its 统一社会信用代码."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=150)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    division_code = models.CharField(
        _("所在行政区划"), max_length=6, blank=True, validators=[division_code]
    )
    address = models.CharField(_("住所"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Kind(models.TextChoices):
        STAFF = "staff", _("工作人员")  # belongs to an organisation, holds roles
        ENTERPRISE = "enterprise", _("企业用户")  # acts for an enterprise
        CITIZEN = "citizen", _("个人用户")  # a natural person, by 身份证号
        INTEGRATION = "integration", _("系统对接账号")  # API tokens of an organisation

    kind = models.CharField(
        _("账号类型"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN
    )
    real_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    citizen_id = models.CharField(_("身份证号"), max_length=18, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="staff_has_organisation",
                condition=~models.Q(kind__in=["staff", "integration"])
                | models.Q(organisation__isnull=False),
                violation_error_message=_("工作人员和对接账号必须属于一个机构。"),
            ),
            models.CheckConstraint(
                name="enterprise_user_has_enterprise",
                condition=~models.Q(kind="enterprise") | models.Q(enterprise__isnull=False),
                violation_error_message=_("企业用户必须关联企业。"),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind in (self.Kind.STAFF, self.Kind.INTEGRATION)

    @property
    def is_applicant(self) -> bool:
        return self.kind in (self.Kind.ENTERPRISE, self.Kind.CITIZEN)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_citizen_id(self) -> str:
        return mask_citizen_id(self.citizen_id)

    def role_set(self) -> frozenset[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = (
                frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            )
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))


class StaffRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return self.get_role_display()


class ApiToken(models.Model):
    """A bearer token issued to an organisation's integration user. Only its SHA-256 is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class EnforcementCertificate(models.Model):
    """An officer's 行政执法证. Inspections and enforcement both require a valid one: officers show
    it on their own initiative (《行政处罚法》第四十二条、第五十五条), and an expired or revoked
    certificate cannot be drawn for an inspection or sign an enforcement act."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("持证人")
    )
    number = models.CharField(_("执法证号"), max_length=40, unique=True)
    issuing_authority = models.CharField(_("发证机关"), max_length=100)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"))
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("注销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("行政执法证")
        verbose_name_plural = _("行政执法证")
        ordering = ["user_id", "-valid_until"]
        constraints = [
            models.CheckConstraint(
                name="certificate_valid_range",
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                violation_error_message=_("执法证有效期止不能早于起始日。"),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_valid_on(self, day) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until
