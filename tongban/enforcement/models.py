"""行政执法 (administrative penalty) cases, their full-process record, the discretion baselines
they are decided by, and the documents they issue. Money is integer fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Circumstance(models.TextChoices):
    NOT_PUNISHED = "not_punished", _("不予处罚")  # §33
    MITIGATED = "mitigated", _("减轻处罚")  # below the legal minimum
    LIGHTER = "lighter", _("从轻处罚")
    GENERAL = "general", _("一般")
    HEAVIER = "heavier", _("从重处罚")


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得")
    SUSPENSION = "suspension", _("责令停产停业")
    REVOCATION = "revocation", _("吊销许可证件")
    NOT_PUNISHED = "not_punished", _("不予处罚")


class BaselineQuerySet(models.QuerySet):
    def with_replaced(self, on):
        """Annotate `replaced`: a later published version of the same baseline is in force on `on`
        (the one rule for which version applies: proposals, the sweep and the pages use it)."""
        newer = Baseline.objects.filter(organisation=models.OuterRef("organisation"), code=models.OuterRef("code"),
                                        status=Baseline.Status.PUBLISHED, effective_from__lte=on,
                                        version__gt=models.OuterRef("version"))
        return self.annotate(replaced=models.Exists(newer))


class Baseline(models.Model):
    """One version of a jurisdiction's 裁量基准. Published versions are never edited; a change is
    a new version, and every proposal and decision cites the version it used."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")  # being prepared, not used for proposals
        PUBLISHED = "published", _("已公布")  # in force and public on the portal
        SUPERSEDED = "superseded", _("已废止")  # replaced by a later version

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("制定机关"))
    code = models.CharField(_("基准编号"), max_length=40)
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("名称"), max_length=150)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(_("施行日期"))
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    basis = models.TextField(_("制定依据"), blank=True)

    objects = BaselineQuerySet.as_manager()

    class Meta:
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        ordering = ["organisation_id", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code", "version"], name="enf_baseline_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def label(self) -> str:
        return f"{self.code} v{self.version}"


class BaselineItem(models.Model):
    """One violation of a baseline: its legal basis and the fine scale its bands apply to."""

    class Scheme(models.TextChoices):
        RANGE = "range", _("最低至最高罚款")  # a minimum and a maximum: lighter below the mid-point, heavier above
        MAX_ONLY = "max_only", _("仅规定最高罚款")  # only a maximum: bands are shares of it (≤30% / 30–60% / >60%)

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("违法行为编号"), max_length=40)
    violation = models.CharField(_("违法行为"), max_length=200)
    violated_provision = models.TextField(_("违法依据"))
    penalty_provision = models.TextField(_("处罚依据"))
    scheme = models.CharField(_("罚款幅度方式"), max_length=10, choices=Scheme.choices)
    min_fen = models.PositiveBigIntegerField(_("最低罚款（分）"), default=0)
    max_fen = models.PositiveBigIntegerField(_("最高罚款（分）"))
    other_penalty = models.CharField(_("并处或其他处罚"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("裁量基准事项")
        verbose_name_plural = _("裁量基准事项")
        ordering = ["baseline_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["baseline", "code"], name="enf_item_code_unique"),
            models.CheckConstraint(name="enf_item_min_le_max", condition=models.Q(min_fen__lte=models.F("max_fen")),
                                   violation_error_message=_("最低罚款不能高于最高罚款。")),
        ]

    def __str__(self) -> str:
        return self.violation

    @property
    def min_yuan(self) -> str:
        return fen_to_yuan(self.min_fen)

    @property
    def max_yuan(self) -> str:
        return fen_to_yuan(self.max_fen)

    @property
    def band_rows(self) -> list[dict]:
        """Each clause with its band in yuan, as published on the portal."""
        from .rules import position_fen

        rows = []
        for c in self.clauses.all():
            if c.penalty_kind != PenaltyKind.FINE:
                band = c.get_penalty_kind_display()
            else:
                low = position_fen(self.scheme, self.min_fen, self.max_fen, c.low_pct)
                high = position_fen(self.scheme, self.min_fen, self.max_fen, c.high_pct)
                band = f"¥{fen_to_yuan(low)} — ¥{fen_to_yuan(high)}"
            rows.append({"code": c.code, "label": c.get_circumstance_display(), "condition": c.condition, "band": band})
        return rows


class BaselineClause(models.Model):
    """A circumstance (不予处罚 / 减轻 / 从轻 / 一般 / 从重) with its condition and its band. A band is
    a position on the item's scale, in percent: for a min–max scale 0 is the minimum, 100 the
    maximum and negative values go below the minimum (减轻: −100 is nothing); for a maximum-only
    scale 0–100 are shares of the maximum. So both common schemes are data."""

    item = models.ForeignKey(BaselineItem, on_delete=models.CASCADE, related_name="clauses")
    code = models.CharField(_("情形编号"), max_length=40)
    circumstance = models.CharField(_("裁量阶次"), max_length=14, choices=Circumstance.choices)
    condition = models.TextField(_("适用条件"))
    low_pct = models.DecimalField(_("幅度下限（%）"), max_digits=5, decimal_places=2, default=0)
    high_pct = models.DecimalField(_("幅度上限（%）"), max_digits=5, decimal_places=2, default=0)
    penalty_kind = models.CharField(_("处罚种类"), max_length=14, choices=PenaltyKind.choices, default=PenaltyKind.FINE)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("裁量情形")
        verbose_name_plural = _("裁量情形")
        ordering = ["item_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="enf_clause_code_unique"),
            models.CheckConstraint(name="enf_clause_band_order", condition=models.Q(low_pct__lte=models.F("high_pct")),
                                   violation_error_message=_("幅度下限不能高于上限。")),
        ]

    def __str__(self) -> str:
        return f"{self.get_circumstance_display()}：{self.condition[:40]}"


class Status(models.TextChoices):
    DRAFT = "draft", _("待立案")  # found or handed over, awaiting the head's registration approval
    INVESTIGATING = "investigating", _("调查取证")  # registered: records, evidence, proposal
    NOTIFIED = "notified", _("已先行告知")  # prior notice issued: statement and hearing periods run
    HEARING = "hearing", _("听证")  # the party asked for a hearing
    DECIDED = "decided", _("已决定")  # decision made, awaiting delivery
    EXECUTING = "executing", _("执行中")  # delivered: payment and execution
    CLOSED = "closed", _("已结案")  # 结案
    NOT_REGISTERED = "not_registered", _("不予立案")  # refused (e.g. time-barred, §36)


OPEN_STATUSES = [Status.DRAFT, Status.INVESTIGATING, Status.NOTIFIED, Status.HEARING, Status.DECIDED, Status.EXECUTING]
# The §60 90-day clock runs while the case awaits its decision.
PRE_DECISION = [Status.INVESTIGATING, Status.NOTIFIED, Status.HEARING]


class Source(models.TextChoices):
    DISCOVERY = "discovery", _("执法检查发现")
    REFERRAL = "referral", _("其他机关移送")
    COMPLAINT = "complaint", _("投诉举报")  # from appeals (有诉即办)
    INSPECTION = "inspection", _("双随机抽查移交")  # inspection.handed_over


class PartyKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("单位")
    PERSON = "person", _("个人")


class Procedure(models.TextChoices):
    GENERAL = "general", _("普通程序")
    SUMMARY = "summary", _("简易程序")  # §51: on the spot, warning or a small fine only


class ReviewOpinion(models.TextChoices):
    AGREE = "agree", _("同意")
    REVISE = "revise", _("建议修改")
    DISAGREE = "disagree", _("不同意")


class RereviewOutcome(models.TextChoices):
    UPHELD = "upheld", _("维持")
    CORRECTED = "corrected", _("予以纠正")  # reopens the case; a publication is withdrawn


class EnforcementCase(models.Model):
    number = models.CharField(_("案件编号"), max_length=40, unique=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("办案机关"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    row_version = models.PositiveIntegerField(default=1)
    source = models.CharField(_("案件来源"), max_length=12, choices=Source.choices)
    source_ref = models.CharField(_("来源编号"), max_length=80, blank=True,
                                  help_text=_("抽查结果、诉求或移送函的编号"))
    # the party
    party_kind = models.CharField(_("当事人类型"), max_length=12, choices=PartyKind.choices)
    party_name = models.CharField(_("当事人"), max_length=150)
    party_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    party_id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    party_address = models.CharField(_("住所"), max_length=200, blank=True)
    party_enterprise = models.ForeignKey("accounts.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    party_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", help_text=_("个人当事人的平台账号"))
    # the facts
    facts = models.TextField(_("违法事实"))
    act_on = models.DateField(_("违法行为发生日"))
    act_ended_on = models.DateField(_("违法行为终了日"), null=True, blank=True,
                                    help_text=_("连续或继续状态的违法行为，自终了之日起计算时效"))
    serious_harm = models.BooleanField(_("涉及生命健康、金融安全且有危害后果"), default=False)  # §36: 5 years
    is_major = models.BooleanField(_("重大案件"), default=False)  # §57 collective decision
    procedure = models.CharField(_("程序"), max_length=8, choices=Procedure.choices, default=Procedure.GENERAL)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True,
                                      verbose_name=_("承办执法人员"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_on = models.DateField(_("登记日期"))
    # registration (立案) and the §60 clock
    registered_on = models.DateField(_("立案日期"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    limitation_ends_on = models.DateField(_("追责时效届满日"), null=True, blank=True)
    decision_due = models.DateField(_("决定期限"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    extension_reason = models.TextField(_("延长理由"), blank=True)
    extension_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                              on_delete=models.SET_NULL, related_name="+")
    # proposal from the baseline, and the penalty the officer puts forward
    baseline_item = models.ForeignKey(BaselineItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("适用裁量基准"))
    circumstances = models.JSONField(_("认定的裁量情形"), default=list, blank=True)
    proposal = models.JSONField(_("平台建议"), default=dict, blank=True)
    penalty_kind = models.CharField(_("拟处罚种类"), max_length=14, choices=PenaltyKind.choices, blank=True)
    fine_fen = models.PositiveBigIntegerField(_("拟罚款（分）"), default=0)
    departs = models.BooleanField(_("偏离裁量基准"), default=False)
    departure_reason = models.TextField(_("偏离理由"), blank=True)
    # prior notice (§44–45)
    notice_number = models.CharField(_("告知书编号"), max_length=60, blank=True)
    notice_on = models.DateField(_("告知日期"), null=True, blank=True)
    notice_delivered_on = models.DateField(_("告知书送达日期"), null=True, blank=True)
    notified_kind = models.CharField(max_length=14, blank=True)  # §45 ceiling: what was notified
    notified_fine_fen = models.PositiveBigIntegerField(default=0)
    hearing_right = models.BooleanField(_("享有听证权利"), default=False)
    statement_until = models.DateField(_("陈述申辩期限"), null=True, blank=True)
    hearing_request_until = models.DateField(_("听证申请期限"), null=True, blank=True)
    # hearing (§63–64)
    hearing_requested_on = models.DateField(_("申请听证日期"), null=True, blank=True)
    hearing_on = models.DateField(_("听证日期"), null=True, blank=True)
    hearing_notified_on = models.DateField(_("听证通知日期"), null=True, blank=True)
    hearing_chair = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("听证主持人"))
    hearing_public = models.BooleanField(_("公开听证"), default=True)
    hearing_closed_reason = models.CharField(_("不公开理由"), max_length=200, blank=True)
    hearing_held_on = models.DateField(_("听证举行日期"), null=True, blank=True)
    # legal review (§58) and collective decision (§57)
    review_opinion = models.CharField(_("法制审核意见"), max_length=10, choices=ReviewOpinion.choices, blank=True)
    review_reasons = models.TextField(_("审核理由"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    collective_on = models.DateField(_("集体讨论日期"), null=True, blank=True)
    collective_minutes = models.TextField(_("集体讨论纪要"), blank=True)
    # decision
    decision_number = models.CharField(_("决定书编号"), max_length=60, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    at_proposal = models.BooleanField(_("按平台建议决定"), default=False)
    education_record = models.TextField(_("教育记录"), blank=True)  # §33
    delivery_due = models.DateField(_("送达期限"), null=True, blank=True)
    delivered_on = models.DateField(_("决定书送达日期"), null=True, blank=True)
    delivery_method = models.CharField(_("送达方式"), max_length=40, blank=True)
    payment_due = models.DateField(_("缴款期限"), null=True, blank=True)
    paid_on = models.DateField(_("缴款日期"), null=True, blank=True)
    paid_fen = models.PositiveBigIntegerField(_("实缴金额（分）"), default=0)
    executed_note = models.TextField(_("执行情况"), blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    # publicity (§48) and internal re-review
    publish_due = models.DateField(_("公示期限"), null=True, blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    revoked = models.BooleanField(_("已变更或撤销"), default=False)
    revoked_reason = models.TextField(_("撤回公示理由"), blank=True)
    revoked_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdraw_due = models.DateField(_("撤回公示期限"), null=True, blank=True)
    rereview_due = models.DateField(_("内部复核期限"), null=True, blank=True)
    rereview_outcome = models.CharField(_("复核结果"), max_length=10, choices=RereviewOutcome.choices, blank=True)
    rereview_reason = models.TextField(_("复核意见"), blank=True)
    rereviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    rereviewed_on = models.DateField(_("复核日期"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    # the clock's current deadline and warning (the sweep keeps them fresh)
    due_on = models.DateField(_("当前期限"), null=True, blank=True)
    warning = models.CharField(_("预警"), max_length=6, blank=True, default="")

    class Meta:
        verbose_name = _("行政执法案件")
        verbose_name_plural = _("行政执法案件")
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["organisation", "status", "warning"], name="enf_case_org_status")]
        constraints = [
            # one case per inspection result or appeal: a redelivered event never makes two
            models.UniqueConstraint(fields=["source", "source_ref"], name="enf_case_one_per_source",
                                    condition=models.Q(source__in=["inspection", "complaint"])),
            models.CheckConstraint(name="enf_case_party_code",
                                   condition=~models.Q(party_kind="enterprise") | ~models.Q(party_uscc=""),
                                   violation_error_message=_("单位当事人必须填写统一社会信用代码。")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def investigator_ids(self) -> set[int]:
        return set(self.officers.values_list("id", flat=True))

    @property
    def fine_yuan(self) -> str:
        return fen_to_yuan(self.fine_fen)

    @property
    def party_display(self) -> str:
        from tongban.core.masking import mask_name

        return mask_name(self.party_name) if self.party_kind == PartyKind.PERSON else self.party_name


def fen_to_yuan(fen: int) -> str:
    yuan, cents = divmod(int(fen or 0), 100)
    return f"{yuan:,}" if not cents else f"{yuan:,}.{cents:02d}"


class Transition(models.Model):
    """One step of the case's history. Never edited."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))
    effective_on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("办案过程")
        verbose_name_plural = _("办案过程")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class Record(models.Model):
    """One investigation act (全过程记录, §47), signed by the officers present (≥ 2, §42)."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("现场检查笔录")
        QUESTIONING = "questioning", _("询问笔录")
        EVIDENCE = "evidence", _("证据收集")
        SAMPLING = "sampling", _("抽样取证")
        SEALING = "sealing", _("查封扣押")
        STATEMENT = "statement", _("当事人陈述申辩")  # the party's own, §45
        HEARING = "hearing", _("听证笔录")  # §64
        EDUCATION = "education", _("教育记录")  # §33

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    content = models.TextField(_("内容"))
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    certificate_numbers = models.JSONField(_("执法证号"), default=list, blank=True)
    attachments = models.ManyToManyField("core.Attachment", related_name="+", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("执法记录")
        verbose_name_plural = _("执法记录")
        ordering = ["case", "on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class Document(models.Model):
    """A numbered document, its content frozen when issued so every download says the same."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", _("立案审批表")
        PRIOR_NOTICE = "prior_notice", _("行政处罚事先告知书")
        HEARING_NOTICE = "hearing_notice", _("听证通知书")
        QUESTIONING = "questioning", _("询问笔录")
        LEGAL_REVIEW = "legal_review", _("法制审核意见书")
        DECISION = "decision", _("行政处罚决定书")
        NOT_PUNISHED = "not_punished", _("不予行政处罚决定书")
        DELIVERY = "delivery", _("送达回证")

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("文书"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("文号"), max_length=60)
    issued_on = models.DateField(_("日期"))
    content = models.JSONField(default=dict)
    # shown to the party on the portal (internal forms such as the registration form are not)
    for_party = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["case", "issued_on", "id"]

    def __str__(self) -> str:
        return self.number
