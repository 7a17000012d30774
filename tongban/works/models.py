"""Civil air defence works (人防工程): projects and their buildings (单体), the parties, online
quality-supervision registration (网上报监), supervision visits with rectification orders, the
parties' conduct, the relocation-fee assessment, and the documents issued (监督计划书, 单体竣工
验收备案函, 竣工验收核实文件)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Enterprise, Organisation
from tongban.core.models import Attachment
from tongban.inspections.models import OnSiteRecord
from tongban.policies.models import BuildingUse, FeeRuleSet, LandType, ReliefCategory


class Warning(models.TextChoices):
    NONE = "", _("正常")
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("待报监")  # entered by the builder, not yet registered
        SUBMITTED = "submitted", _("已报监待受理")  # the station's acceptance clock runs
        RETURNED = "returned", _("退回补正")  # the station returned it; the builder resubmits
        SUPERVISED = "supervised", _("监督中")  # accepted, a supervisor assigned
        VERIFIED = "verified", _("已核实")  # the completion verification document issued

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("监督机构"), on_delete=models.PROTECT, related_name="+"
    )
    builder = models.ForeignKey(
        Enterprise, verbose_name=_("建设单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("项目名称"), max_length=200)
    address = models.CharField(_("建设地点"), max_length=200)
    region_code = models.CharField(_("所在区划"), max_length=6)
    land_type = models.CharField(_("用地类型"), max_length=24, choices=LandType.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    registration_number = models.CharField(_("报监登记号"), max_length=40, blank=True)
    submitted_on = models.DateField(_("报监日期"), null=True, blank=True)
    registration_due = models.DateField(_("受理期限"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    returned_reason = models.TextField(_("退回理由"), blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("监督员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    verified_on = models.DateField(_("核实日期"), null=True, blank=True)
    warning = models.CharField(_("预警"), max_length=6, choices=Warning.choices, blank=True, default="")
    row_version = models.PositiveIntegerField(default=1, help_text="optimistic lock; bumps on each transition")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("人防工程项目")
        verbose_name_plural = _("人防工程项目")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["organisation", "status", "warning"], name="works_project_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"], condition=~models.Q(registration_number=""),
                name="works_registration_number_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["supervised", "verified"]) | models.Q(supervisor__isnull=False),
                name="works_supervised_has_supervisor",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """A building (单体) with its air-defence basement (防空地下室), if any."""

    class Status(models.TextChoices):
        BUILDING = "building", _("在建")
        PASSED = "passed", _("防空地下室验收合格")  # a completion visit passed its basement
        ACCEPTED = "accepted", _("已出具单体竣工验收备案函")  # no basement: accepted on its own

    class Protection(models.TextChoices):
        NONE = "", _("无")
        N5 = "5", _("核5级")
        N6 = "6", _("核6级")
        N6B = "6B", _("核6B级")
        C5 = "C5", _("常5级")
        C6 = "C6", _("常6级")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(_("单体名称"), max_length=60)
    use = models.CharField(_("建筑用途"), max_length=16, choices=BuildingUse.choices)
    category = models.CharField(_("建筑类别"), max_length=24, choices=ReliefCategory.choices, blank=True)
    above_area_cm2 = models.BigIntegerField(_("地上建筑面积（0.01 m²）"))
    below_area_cm2 = models.BigIntegerField(_("地下建筑面积（0.01 m²）"), default=0)
    has_basement = models.BooleanField(_("有防空地下室"), default=False)
    protection_class = models.CharField(_("防护等级"), max_length=3, choices=Protection.choices, blank=True)
    basement_area_cm2 = models.BigIntegerField(_("防空地下室面积（0.01 m²）"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.BUILDING)
    letter_requested_on = models.DateField(_("申请出函日期"), null=True, blank=True)
    passed_on = models.DateField(_("验收合格/出函日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("单体建筑")
        verbose_name_plural = _("单体建筑")
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="works_building_name_unique"),
            models.CheckConstraint(
                condition=models.Q(above_area_cm2__gte=0, below_area_cm2__gte=0), name="works_building_areas",
            ),
            # A basement has a class and an area; a building without one has neither.
            models.CheckConstraint(
                condition=models.Q(has_basement=True, basement_area_cm2__gt=0) & ~models.Q(protection_class="")
                | models.Q(has_basement=False, basement_area_cm2=0, protection_class=""),
                name="works_building_basement_consistent",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(has_basement=False),
                name="works_single_letter_only_without_basement",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartyRole(models.TextChoices):
    BUILDER = "builder", _("建设单位")
    DESIGNER = "designer", _("设计单位")
    SUPERVISING_ENGINEER = "supervising_engineer", _("监理单位")
    CONTRACTOR = "contractor", _("施工单位")
    EQUIPMENT_MAKER = "equipment_maker", _("防护设备生产企业")


class Party(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("角色"), max_length=24, choices=PartyRole.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("参建单位")
        verbose_name_plural = _("参建单位")
        ordering = ["project", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "role", "enterprise"], name="works_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.enterprise.name}"


class ApprovedMaker(models.Model):
    """A protective-equipment maker approved (备案/认定) to supply civil air defence works."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    products = models.CharField(_("产品"), max_length=200)
    certificate_number = models.CharField(_("认定证书编号"), max_length=60)
    valid_until = models.DateField(_("有效期至"))

    class Meta:
        verbose_name = _("防护设备定点生产企业")
        verbose_name_plural = _("防护设备定点生产企业")

    def __str__(self) -> str:
        return self.enterprise.name


class ProjectDocument(models.Model):
    """A registration material uploaded by the builder (content-checked by core.attachments)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("材料"), max_length=32)
    label = models.CharField(_("材料名称"), max_length=100)
    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("报监材料")
        verbose_name_plural = _("报监材料")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return self.label


class Stage(models.TextChoices):
    FOUNDATION = "foundation", _("基础")
    MAIN_STRUCTURE = "main_structure", _("主体结构")
    EQUIPMENT = "equipment", _("防护设备安装")
    COMPLETION = "completion", _("竣工")


class Visit(models.Model):
    """A supervision visit or check at a stage of the works.

    The on-site record (findings, photos and files, signature) is the inspections module's
    `OnSiteRecord`, shared with 双随机 inspections; works keeps the stage, the outcome, the
    equipment check and the rectification order."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("合格")
        RECTIFY = "rectify", _("责令整改")
        HANDED_OVER = "handed_over", _("移交执法")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="visits")
    building = models.ForeignKey(Building, null=True, blank=True, on_delete=models.PROTECT, related_name="visits")
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    visited_on = models.DateField(_("检查日期"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    record = models.OneToOneField(
        OnSiteRecord, verbose_name=_("现场检查记录"), on_delete=models.PROTECT, related_name="works_visit",
    )
    outcome = models.CharField(_("结论"), max_length=12, choices=Outcome.choices)
    equipment_maker = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("防护设备生产企业"),
    )
    equipment_approved = models.BooleanField(_("生产企业在定点名录内"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")
        ordering = ["project", "visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.visited_on}"

    @property
    def findings(self) -> str:
        return self.record.findings


class Rectification(models.Model):
    """A rectification order (整改通知) with its deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        DONE = "done", _("已整改")

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="rectification")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="rectifications")
    party = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任单位"))
    party_role = models.CharField(_("责任单位角色"), max_length=24, choices=PartyRole.choices)
    requirement = models.TextField(_("整改要求"))
    due_on = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=6, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    done_note = models.TextField(_("复查意见"), blank=True)
    warning = models.CharField(_("预警"), max_length=6, choices=Warning.choices, blank=True, default="")
    late_reported = models.BooleanField(default=False, help_text="the overdue conduct event was published")

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.due_on}"


class ConductEvent(models.Model):
    """Something a party did that the practitioner credit evaluation may count
    (published as `works.party_conduct`)."""

    class Kind(models.TextChoices):
        RECTIFICATION_ORDERED = "rectification_ordered", _("被责令整改")
        RECTIFICATION_LATE = "rectification_late", _("逾期未整改")
        RECTIFICATION_DONE = "rectification_done", _("按期完成整改")
        UNAPPROVED_EQUIPMENT = "unapproved_equipment", _("使用非定点防护设备")
        HANDED_OVER = "handed_over", _("移交执法")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="conduct")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    party_role = models.CharField(max_length=24, choices=PartyRole.choices)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    occurred_on = models.DateField()
    description = models.TextField()
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("参建单位行为记录")
        verbose_name_plural = _("参建单位行为记录")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class WorksDocument(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("人防工程质量监督计划书")
        BUILDING_LETTER = "building_letter", _("同意单体建筑竣工验收备案的函")
        VERIFICATION = "verification", _("人防工程竣工验收核实文件")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="issued")
    building = models.OneToOneField(Building, null=True, blank=True, on_delete=models.PROTECT, related_name="letter")
    kind = models.CharField(_("文书"), max_length=16, choices=Kind.choices)
    number = models.CharField(_("文号"), max_length=60, unique=True)
    issued_on = models.DateField(_("出具日期"))
    content = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("人防工程文书")
        verbose_name_plural = _("人防工程文书")
        ordering = ["project", "issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"], condition=models.Q(kind__in=["plan", "verification"]),
                name="works_one_plan_one_verification",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class FeeAssessment(models.Model):
    """The relocation fee assessed for a project, with the rule versions it used."""

    class Status(models.TextChoices):
        ASSESSED = "assessed", _("已核定待缴")
        SETTLED = "settled", _("已缴清/无需缴纳")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fees")
    rule_set = models.ForeignKey(FeeRuleSet, on_delete=models.PROTECT, related_name="+")
    rule_version = models.CharField(_("规则版本"), max_length=120)
    assessed_on = models.DateField(_("核定日期"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    base_fen = models.BigIntegerField(_("减免前（分）"))
    relief_fen = models.BigIntegerField(_("减免（分）"))
    payable_fen = models.BigIntegerField(_("应缴（分）"))
    applied_codes = models.JSONField(default=list)
    claimed_codes = models.JSONField(default=list)
    result = models.JSONField(default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    paid_on = models.DateField(_("缴款日期"), null=True, blank=True)
    payment_ref = models.CharField(_("缴款凭证号"), max_length=60, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("易地建设费核定")
        verbose_name_plural = _("易地建设费核定")
        ordering = ["project", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(superseded=False), name="works_one_current_fee",
            ),
            models.CheckConstraint(
                condition=models.Q(payable_fen__gte=0, relief_fen__gte=0, base_fen__gte=0), name="works_fee_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.payable_fen}"


class Transition(models.Model):
    """One step of a project's history. Never edited."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["project", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.action}"
