"""The hotline knowledge base: questions with their answers and guidance cases (指导案例)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .appeals import Appeal, Category


class Article(models.Model):
    """A knowledge-base article: a question and its answer, or a guidance case (指导案例)
    published from a closed appeal after anonymisation. `search_*` hold the jieba-segmented text
    that the full-text index (SQLite FTS5 / PostgreSQL tsvector) is built on."""

    class ArticleKind(models.TextChoices):
        FAQ = "faq", _("问答")  # a question with its answer
        GUIDANCE = "guidance", _("指导案例")  # an anonymised handled appeal

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")  # editable, not searchable by the public
        PUBLISHED = "published", _("已发布")  # searchable while valid
        WITHDRAWN = "withdrawn", _("已撤下")  # kept for history, not searchable

    kind = models.CharField(_("类型"), max_length=10, choices=ArticleKind.choices, default=ArticleKind.FAQ)
    question = models.CharField(_("问题"), max_length=200)
    answer = models.TextField(_("答复"))
    legal_basis = models.TextField(_("政策依据"), blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("维护单位"))
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("分类"))
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    source_appeal = models.OneToOneField(Appeal, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="guidance_case")
    search_question = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)
    hits = models.PositiveIntegerField(_("查看次数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("知识库条目")
        verbose_name_plural = _("知识库条目")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(name="appeals_article_valid_range",
                                   condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from"))),
        ]
        indexes = [models.Index(fields=["state", "valid_to"], name="appeals_article_state")]

    def __str__(self) -> str:
        return self.question

    @property
    def is_public(self) -> bool:
        """Published and valid today: only then does the public page show it."""
        from tongban.core import timeutil

        today = timeutil.today()
        return (self.state == self.State.PUBLISHED and not (self.valid_to and self.valid_to < today)
                and not (self.valid_from and self.valid_from > today))
