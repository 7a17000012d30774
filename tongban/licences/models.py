"""Electronic licences (电子证照): types, per-organisation SM2 keys, issued licences and their
history, and the record of licences reused in applications (免证可办).

A licence's signed content is frozen in `payload` when it is issued; its signature covers the
canonical bytes of that payload (see docs/licences.md). Status (revoked, expired) is not signed:
it is looked up live, which is why the public verification page exists.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import item_code


class LicenceType(models.Model):
    """A kind of licence (证照类型): its fields, who issues it and how long it is valid."""

    code = models.CharField(_("证照类型代码"), max_length=64, unique=True, validators=[item_code])
    name = models.CharField(_("证照名称"), max_length=100)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("发证机构"), on_delete=models.PROTECT,
        related_name="licence_types",
        help_text=_("定义该证照的机构；由办件签发时，签发机关为办理机构所属机关"),
    )
    description = models.CharField(_("说明"), max_length=300, blank=True)
    fields = models.JSONField(
        _("照面字段"), default=list, blank=True,
        help_text="[{'key': 'project_name', 'label': '项目名称', 'source': 'project_name', 'public': true}]",
    )
    validity_months = models.PositiveSmallIntegerField(
        _("有效期（月）"), null=True, blank=True, validators=[MaxValueValidator(1200)],
        help_text=_("留空表示长期有效"),
    )
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def validity_label(self) -> str:
        if not self.validity_months:
            return str(_("长期有效"))
        if self.validity_months % 12 == 0:
            return f"{self.validity_months // 12} 年"
        return f"{self.validity_months} 个月"


class LicenceTypeItem(models.Model):
    """Approving a case of an item with this base code issues a licence of the type."""

    licence_type = models.ForeignKey(LicenceType, on_delete=models.CASCADE, related_name="items")
    base_code = models.CharField(_("事项基本编码"), max_length=64, unique=True, validators=[item_code])

    class Meta:
        verbose_name = _("证照对应事项")
        verbose_name_plural = _("证照对应事项")
        ordering = ["base_code"]

    def __str__(self) -> str:
        return f"{self.base_code} → {self.licence_type.code}"


class SigningKey(models.Model):
    """An organisation's SM2 key pair. The private key is kept only encrypted under the KEK."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("在用")  # signs new licences; one per organisation
        RETIRED = "retired", _("已停用")  # signs nothing new, still verifies what it signed

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="signing_keys", verbose_name=_("机构")
    )
    key_id = models.CharField(_("密钥标识"), max_length=16, unique=True)
    public_key = models.CharField(_("公钥 (x||y)"), max_length=128)
    wrapped_private = models.TextField(help_text="SM4-CBC + HMAC-SM3 under the KEK, base64")
    kek_id = models.CharField(max_length=16, help_text="which KEK wrapped the private key")
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("签名密钥")
        verbose_name_plural = _("签名密钥")
        ordering = ["organisation", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(status="active"), name="licences_one_active_key_per_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.key_id}"


class Status(models.TextChoices):
    VALID = "valid", _("有效")  # issued and within its validity period
    EXPIRED = "expired", _("已过期")  # past valid_until (set by the daily sweep; also computed live)
    REVOKED = "revoked", _("已注销")  # revoked by the issuer, with a reason; final


class Licence(models.Model):
    number = models.CharField(_("证照编号"), max_length=80, unique=True)
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences",
                                     verbose_name=_("证照类型"))
    issuer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="licences",
                               verbose_name=_("签发机关"))
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="licences", verbose_name=_("来源办件"))
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="licences", verbose_name=_("持证账号"))
    holder_enterprise = models.ForeignKey("accounts.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="licences")
    holder_name = models.CharField(_("持证主体"), max_length=150)
    holder_code = models.CharField(_("持证主体代码"), max_length=18, help_text=_("统一社会信用代码或身份证号"))
    fields = models.JSONField(_("照面信息"), default=dict)
    issued_on = models.DateField(_("签发日期"))
    valid_from = models.DateField(_("有效期自"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("空表示长期有效"))
    payload = models.JSONField(help_text="the signed content, frozen at issue")
    signature = models.TextField(help_text="DER SM2 signature, base64")
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="licences")
    verify_code = models.CharField(max_length=32, unique=True, help_text="random code in the QR link")
    public_fields = models.JSONField(_("公开字段"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoke_reason = models.TextField(_("注销原因"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "licence_type"], condition=Q(case__isnull=False),
                                    name="licences_one_per_case_and_type"),
            models.CheckConstraint(name="licences_valid_range",
                                   condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from"))),
            models.CheckConstraint(name="licences_revoked_has_reason",
                                   condition=~Q(status="revoked") | (Q(revoked_at__isnull=False) & ~Q(revoke_reason=""))),
        ]
        indexes = [
            models.Index(fields=["issuer", "status", "-issued_on"], name="licences_issuer_status"),
            models.Index(fields=["holder_code", "licence_type"], name="licences_holder_type"),
            models.Index(fields=["status", "valid_until"], name="licences_status_until"),
        ]

    def __str__(self) -> str:
        return self.number


class LicenceEvent(models.Model):
    """One step of a licence's history (issued, revoked, expired, publicity changed). Never edited."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["licence", "at", "id"]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.action}"


class LicenceUse(models.Model):
    """A licence looked up, with the applicant's authorisation, to stand in for a material."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="licence_uses")
    material = models.ForeignKey("catalog.Material", on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="uses")
    result = models.CharField(_("核验结果"), max_length=8, choices=Status.choices)
    signature_ok = models.BooleanField(_("验签通过"))
    checked_at = models.DateTimeField(_("核验时间"))
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("证照复用记录")
        verbose_name_plural = _("证照复用记录")
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="licences_one_use_per_material")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.licence_id}"

