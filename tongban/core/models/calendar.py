from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An exceptional day of China's official calendar. Ordinary days follow the weekday rule
    (Monday-Friday work, weekend rest) and have no row."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")  # a statutory holiday (may fall on a weekend)
        WORKDAY = "workday", _("调休上班")  # a weekend day that is worked
        RESTDAY = "restday", _("调休休息")  # a weekday made a rest day

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60, help_text=_("如：国庆节、春节"))
    notice = models.CharField(
        _("依据通知"), max_length=200, blank=True, help_text=_("国务院办公厅关于放假安排的通知文号")
    )
    source = models.CharField(_("来源"), max_length=20, default="manual")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarYear(models.Model):
    """A year whose official schedule has been entered. Years without a row are provisional:
    computed on weekends only."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice = models.CharField(_("依据通知"), max_length=200, blank=True)
    entered_at = models.DateTimeField(auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("已录入年度")
        verbose_name_plural = _("已录入年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarChange(models.Model):
    """One version of the calendar: what changed, who changed it and why. The latest id is the
    calendar's version number, which every process compares to refresh its cached calendar."""

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(_("说明"), max_length=200)
    changed_days = models.JSONField(_("受影响日期"), default=list)
    recomputed = models.PositiveIntegerField(_("重算期限数"), null=True, blank=True)

    class Meta:
        verbose_name = _("日历变更")
        verbose_name_plural = _("日历变更")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"v{self.pk} {self.summary}"
