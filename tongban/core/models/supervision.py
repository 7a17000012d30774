from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Press(models.Model):
    """A supervisor's press (督办) on any supervised object (a case, an appeal, a rating…). It
    stays in the handlers' inbox until someone acts on the object, which resolves it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("督办人"))
    note = models.TextField(_("督办意见"))
    warning = models.CharField(_("督办时预警"), max_length=6, blank=True)
    created_at = models.DateTimeField(_("督办时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("处理人"))

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="core_press_target"),
            models.Index(fields=["content_type", "resolved_at"], name="core_press_open"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} 督办"
