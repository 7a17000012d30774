"""Red and black lists (红黑名单), each only with its recorded legal basis (国办发〔2020〕49号)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CreditList(models.Model):
    class Kind(models.TextChoices):
        RED = "red", _("红名单")  # 守信激励
        BLACK = "black", _("黑名单")  # 严重失信主体名单

    code = models.CharField(_("名单代码"), max_length=40, unique=True)
    kind = models.CharField(_("类别"), max_length=6, choices=Kind.choices)
    name = models.CharField(_("名单名称"), max_length=150)
    legal_basis = models.TextField(_("设列依据"), help_text=_("法律、法规或党中央、国务院政策文件的名称及条款"))
    criteria_text = models.TextField(_("认定标准"))
    # Entry criteria as data: {"record_type": "penalty_serious", "min_count": 1} (black) or
    # {"grade": "A", "no_bad_records": true} (red).
    criteria = models.JSONField(_("认定条件"), default=dict)
    publicity_days = models.PositiveSmallIntegerField(_("认定前公示期（工作日）"), default=5)  # [K]
    term_months = models.PositiveSmallIntegerField(_("有效期（月）"), default=36)  # exit on time
    exit_on_repair = models.BooleanField(_("信用修复后移出"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("信用名单")
        verbose_name_plural = _("信用名单")
        ordering = ["kind", "code"]
        constraints = [
            # 国办发〔2020〕49号: no list without a law, regulation or central policy behind it.
            models.CheckConstraint(name="credit_list_has_basis", condition=~Q(legal_basis="")),
        ]

    def __str__(self) -> str:
        return self.name


class EntryStatus(models.TextChoices):
    PUBLICITY = "publicity", _("认定前公示")  # objections may be raised
    MEMBER = "member", _("已列入")  # public member
    REJECTED = "rejected", _("异议成立，不予列入")
    EXITED = "exited", _("已移出")


class ListEntry(models.Model):
    credit_list = models.ForeignKey(CreditList, on_delete=models.PROTECT, related_name="entries")
    subject_code = models.CharField(_("统一社会信用代码"), max_length=32, db_index=True)
    subject_name = models.CharField(_("主体名称"), max_length=150)
    evidence = models.TextField(_("认定事实与证据"))
    records = models.ManyToManyField("credit.CreditRecord", blank=True, related_name="list_entries")
    status = models.CharField(_("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PUBLICITY)
    proposed_on = models.DateField(_("拟列入日期"))
    publicity_until = models.DateField(_("公示截止"))
    entered_on = models.DateField(_("列入日期"), null=True, blank=True)
    exit_due = models.DateField(_("到期移出日期"), null=True, blank=True)
    exited_on = models.DateField(_("移出日期"), null=True, blank=True)
    exit_reason = models.CharField(_("移出原因"), max_length=200, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("名单成员")
        verbose_name_plural = _("名单成员")
        ordering = ["credit_list", "-proposed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["credit_list", "subject_code"],
                                    condition=Q(status__in=["publicity", "member"]), name="credit_one_live_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_list.name}：{self.subject_name}"
