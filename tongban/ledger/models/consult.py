"""Consultation (征集意见): online surveys (网上问卷), forums (座谈会) and unannounced visits
(明察暗访). What is heard can become a problem; the office publishes what it adopted and why not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("公开征集")  # anyone with the link
        INVITED = "invited", _("定向企业")  # only the chosen enterprises' accounts

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")  # questions being written
        OPEN = "open", _("征集中")  # answers accepted until the closing date
        CLOSED = "closed", _("已结束")  # closed by hand (the closing date also ends it)

    campaign = models.ForeignKey("ledger.Campaign", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="surveys")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("发起单位"))
    title = models.CharField(_("问卷标题"), max_length=150)
    intro = models.TextField(_("说明"), blank=True)
    audience = models.CharField(_("对象"), max_length=8, choices=Audience.choices, default=Audience.PUBLIC)
    anonymous = models.BooleanField(_("匿名作答"), default=True)
    invited = models.ManyToManyField("accounts.Enterprise", related_name="+", blank=True,
                                     verbose_name=_("定向企业"))
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    answer_text = models.TextField(_("征集意见采纳情况"), blank=True,
                                   help_text=_("公开发布：采纳了什么、未采纳的原因"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("网上问卷")
        verbose_name_plural = _("网上问卷")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(
            name="ledger_invited_surveys_are_named",
            condition=Q(audience="public") | Q(anonymous=False),
            violation_error_message=_("定向企业的问卷须实名作答（按企业账号识别答卷人）。"))]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("单选")
        MULTIPLE = "multiple", _("多选")
        SCALE = "scale", _("量表")  # 1..scale_max
        TEXT = "text", _("填空")  # free text: can become a problem

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(_("题型"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("题目"), max_length=300)
    options = models.JSONField(_("选项"), default=list, blank=True)
    scale_max = models.PositiveSmallIntegerField(default=5)
    required = models.BooleanField(_("必答"), default=True)

    class Meta:
        ordering = ["survey", "order", "id"]
        constraints = [models.CheckConstraint(name="ledger_scale_range",
                                              condition=Q(scale_max__gte=2) & Q(scale_max__lte=10))]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One answer sheet. `respondent_key` identifies the respondent once per survey: the account
    (`u:<id>`) for named surveys, a hash of the signed browser token (`a:<sha256>`) for anonymous
    ones; the unique constraint is the one-answer rule."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent_key = models.CharField(max_length=80)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    enterprise = models.ForeignKey("accounts.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "submitted_at"]
        constraints = [models.UniqueConstraint(fields=["survey", "respondent_key"],
                                               name="ledger_one_answer_per_respondent")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choices = models.JSONField(default=list, blank=True)  # option indexes (single, multiple)
    value = models.PositiveSmallIntegerField(null=True, blank=True)  # scale
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="ledger_answer_once")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"


class Consultation(models.Model):
    """A forum (座谈会) or an unannounced visit (明察暗访) and what was heard or found there."""

    class Kind(models.TextChoices):
        FORUM = "forum", _("座谈会")
        VISIT = "visit", _("明察暗访")

    campaign = models.ForeignKey("ledger.Campaign", on_delete=models.PROTECT, related_name="consultations")
    kind = models.CharField(_("类型"), max_length=6, choices=Kind.choices)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点或被访单位"), max_length=200)
    participants = models.TextField(_("参加人员"), blank=True)
    summary = models.TextField(_("情况记录"), blank=True)
    attachment = models.ForeignKey("core.Attachment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("附件"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("座谈与暗访")
        verbose_name_plural = _("座谈与暗访")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class Opinion(models.Model):
    """One opinion or finding; the office answers it (adopted or not, and why) for publication."""

    class Decision(models.TextChoices):
        PENDING = "", _("待研究")
        ADOPTED = "adopted", _("采纳")
        NOT_ADOPTED = "not_adopted", _("未采纳")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="opinions")
    text = models.TextField(_("意见或发现"))
    speaker = models.CharField(_("提出人或单位"), max_length=100, blank=True)
    decision = models.CharField(_("采纳情况"), max_length=12, choices=Decision.choices, blank=True, default="")
    reply = models.TextField(_("答复"), blank=True)

    class Meta:
        ordering = ["consultation", "id"]

    def __str__(self) -> str:
        return self.text[:30]
