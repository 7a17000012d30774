from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def attachment_path(instance, filename: str) -> str:
    # Stored under a content hash, never under the uploader's file name: nothing user-chosen
    # reaches the file system, and identical files don't collide with different owners' rows.
    return f"{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """An uploaded file whose type was checked by content. It is only ever sent back through a
    view that checks the reader's right to the object that holds it, as a download."""

    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_display(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(1, self.size // 1024)} KB"
