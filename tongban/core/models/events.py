from django.db import models
from django.utils.translation import gettext_lazy as _


class EventDelivery(models.Model):
    """One domain event for one subscriber (an outbox row). Written in the publisher's
    transaction, so a committed action always has its deliveries; delivered after commit by a
    background task, retried with back-off, and kept so that a failure is visible and never lost."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待投递")  # committed with the action, not yet run
        RUNNING = "running", _("投递中")  # claimed by a worker
        RETRY = "retry", _("等待重试")  # failed, retried at next_attempt_at
        DONE = "done", _("已完成")  # the subscriber ran without error
        FAILED = "failed", _("投递失败")  # gave up after the last attempt; an administrator may retry

    event = models.CharField(_("事件"), max_length=80)
    subscriber = models.CharField(_("订阅方"), max_length=200)
    payload = models.JSONField(_("参数"), default=dict)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件投递")
        verbose_name_plural = _("事件投递")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="core_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscriber} ({self.status})"
