"""全 team: people, their positions and terms, grids, congresses, delegates and elections.

ID numbers and phones are personal data: stored only as SM4-GCM ciphertext plus an
HMAC-SM3 blind index (``fulian.core.personal_data``), shown masked, revealed only through
``services.reveal`` which checks the permission and writes an access-log row.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, overload

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from fulian.core import periods
from fulian.core import personal_data as pd
from fulian.core.audit import OrgAuditMixin
from fulian.core.models import StatusHistory
from fulian.core.scope import ScopedQuerySet
from fulian.core.text import lazy_label, normalise_query
from fulian.core.workflow import Workflow

if TYPE_CHECKING:
    pass


class Gender(models.TextChoices):
    FEMALE = "F", _("女")
    MALE = "M", _("男")


# GB/T 3304-1991 codes and names of the 56 ethnic groups, plus 97 and 98.
ETHNICITY_NAMES = [
    gettext_noop("汉族"),
    gettext_noop("蒙古族"),
    gettext_noop("回族"),
    gettext_noop("藏族"),
    gettext_noop("维吾尔族"),
    gettext_noop("苗族"),
    gettext_noop("彝族"),
    gettext_noop("壮族"),
    gettext_noop("布依族"),
    gettext_noop("朝鲜族"),
    gettext_noop("满族"),
    gettext_noop("侗族"),
    gettext_noop("瑶族"),
    gettext_noop("白族"),
    gettext_noop("土家族"),
    gettext_noop("哈尼族"),
    gettext_noop("哈萨克族"),
    gettext_noop("傣族"),
    gettext_noop("黎族"),
    gettext_noop("傈僳族"),
    gettext_noop("佤族"),
    gettext_noop("畲族"),
    gettext_noop("高山族"),
    gettext_noop("拉祜族"),
    gettext_noop("水族"),
    gettext_noop("东乡族"),
    gettext_noop("纳西族"),
    gettext_noop("景颇族"),
    gettext_noop("柯尔克孜族"),
    gettext_noop("土族"),
    gettext_noop("达斡尔族"),
    gettext_noop("仫佬族"),
    gettext_noop("羌族"),
    gettext_noop("布朗族"),
    gettext_noop("撒拉族"),
    gettext_noop("毛南族"),
    gettext_noop("仡佬族"),
    gettext_noop("锡伯族"),
    gettext_noop("阿昌族"),
    gettext_noop("普米族"),
    gettext_noop("塔吉克族"),
    gettext_noop("怒族"),
    gettext_noop("乌孜别克族"),
    gettext_noop("俄罗斯族"),
    gettext_noop("鄂温克族"),
    gettext_noop("德昂族"),
    gettext_noop("保安族"),
    gettext_noop("裕固族"),
    gettext_noop("京族"),
    gettext_noop("塔塔尔族"),
    gettext_noop("独龙族"),
    gettext_noop("鄂伦春族"),
    gettext_noop("赫哲族"),
    gettext_noop("门巴族"),
    gettext_noop("珞巴族"),
    gettext_noop("基诺族"),
]
# The names are the national standard's (GB/T 3304), Simplified, as rosters write them (the
# roster import matches them); forms and pages show them in the reader's language.
ETHNICITY_NAMES_BY_CODE = [
    (f"{i:02d}", name) for i, name in enumerate(ETHNICITY_NAMES, start=1)
] + [("97", gettext_noop("其他")), ("98", gettext_noop("外国血统中国籍人士"))]
ETHNICITY_CHOICES = [(code, lazy_label(name)) for code, name in ETHNICITY_NAMES_BY_CODE]
HAN = "01"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专及高中")
    JUNIOR = "junior", _("初中及以下")


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", _("中共党员")
    CPC_PROBATIONARY = "cpc_probationary", _("中共预备党员")
    LEAGUE = "league", _("共青团员")
    DEMOCRATIC = "democratic", _("民主党派")
    MASSES = "masses", pgettext_lazy("political status", "群众")


class Sector(models.TextChoices):
    WORKER = "worker", _("工人")
    FARMER = "farmer", _("农民")
    PROFESSIONAL = "professional", _("专业技术人员")
    NEW_SECTOR = "new_sector", _("三新领域")
    OTHER = "other", _("其他")


DEFAULT_TALENT_TAGS = [
    "女科技工作者",
    "致富带头人",
    "文明新风带头人",
    "公益事业热心人",
    "新兴领域妇女组织负责人",
]


class TalentTag(models.Model):
    """An editable tag for talent the federation recruits (女科技工作者, 致富带头人…)."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("人才类别")
        verbose_name_plural = _("人才类别")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ensure_defaults(cls) -> list[TalentTag]:
        """The report's five tags (installed by migration 0001; put back if a database lost
        them, as a flushed test database does)."""
        for order, name in enumerate(DEFAULT_TALENT_TAGS, start=1):
            cls.objects.get_or_create(name=name, defaults={"order": order})
        return list(cls.objects.order_by("pk"))


@overload
def birth_month(day: datetime.date) -> datetime.date: ...
@overload
def birth_month(day: None) -> None: ...
def birth_month(day: datetime.date | None) -> datetime.date | None:
    """What Fulian keeps of a birth date: its year and month (stored as the 1st). Ages and
    age bands need no more; the full date is in the encrypted ID number, and a day shown
    beside a masked number would leave only a few candidates for the rest of it."""
    return day.replace(day=1) if day is not None else None


class PersonQuerySet(ScopedQuerySet["Person"]):
    def search(self, query: str) -> PersonQuerySet:
        return self.filter(search_text__contains=normalise_query(query))


class Person(OrgAuditMixin, models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("所属组织"), on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(
        _("性别"), max_length=1, choices=Gender.choices, default=Gender.FEMALE
    )
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNICITY_CHOICES, default=HAN)
    # Year and month only (the 1st of the month): see birth_month.
    birth_date = models.DateField(_("出生年月"), null=True, blank=True)
    id_number_cipher = pd.cipher_field(_("身份证号（密文）"))
    id_number_index = pd.index_field(_("身份证号（盲索引）"))
    phone_cipher = pd.cipher_field(_("手机号（密文）"))
    phone_index = pd.index_field(_("手机号（盲索引）"))
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    sector = models.CharField(_("职业类别"), max_length=20, choices=Sector.choices, blank=True)
    talent_tags = models.ManyToManyField(
        TalentTag, verbose_name=_("人才类别"), blank=True, related_name="people"
    )
    search_text = models.CharField(max_length=400, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    id_number = pd.SensitiveValue(pd.ID_NUMBER, "id_number")
    phone = pd.SensitiveValue(pd.PHONE, "phone")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = pgettext_lazy("plural", "人员")
        ordering = ["org__path", "name", "pk"]
        constraints = [
            # One person per ID number in the whole database (district-wide duplicates).
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="people_person_unique_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return pd.mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return pd.mask_phone(self.phone)

    def age_on(self, day: datetime.date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def refresh_search_text(self) -> None:
        from fulian.core.text import search_key

        self.search_text = search_key(self.name)


class Grid(OrgAuditMixin, models.Model):
    """A grid (网格) of a village or community; its grid worker is a position."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("村/社区"), on_delete=models.PROTECT, related_name="grids"
    )
    name = models.CharField(_("网格名称"), max_length=50)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["org__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="people_grid_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PositionKind(models.TextChoices):
    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    EXECUTIVE = "executive", _("执委")
    GRID_WORKER = "grid_worker", _("网格员")
    CHILDREN_DIRECTOR = "children_director", _("儿童主任")
    STAFF_OFFICER = "staff_officer", _("专干")


class PositionQuerySet(ScopedQuerySet["Position"]):
    def current(self, on: datetime.date | None = None) -> PositionQuerySet:
        day = on or periods.today()
        return self.filter(Q(start__isnull=True) | Q(start__lte=day)).filter(
            Q(end__isnull=True) | Q(end__gte=day)
        )

    def past(self, on: datetime.date | None = None) -> PositionQuerySet:
        day = on or periods.today()
        return self.filter(end__lt=day)


class Position(OrgAuditMixin, models.Model):
    """A person's position in an org, from ``start`` to ``end`` (open while ``end`` is empty)."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="positions"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("任职组织"), on_delete=models.PROTECT, related_name="positions"
    )
    kind = models.CharField(_("职务"), max_length=20, choices=PositionKind.choices)
    part_time = models.BooleanField(_("兼职"), default=False)
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
    )
    start = models.DateField(_("任职开始"), null=True, blank=True)
    end = models.DateField(_("任职结束"), null=True, blank=True)
    election = models.ForeignKey(
        "Election",
        verbose_name=_("选举"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["org__path", "kind", "start", "pk"]
        indexes = [models.Index(fields=["kind", "end"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        day = on or periods.today()
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)


class CommitteeTerm(OrgAuditMixin, models.Model):
    """A term (届) of an org's committee: from ``start`` for ``years`` (5 by default)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="committee_terms"
    )
    number = models.PositiveSmallIntegerField(_("届次"), null=True, blank=True)
    start = models.DateField(_("本届开始"))
    years = models.PositiveSmallIntegerField(_("任期（年）"), default=5)
    end = models.DateField(_("本届届满"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("委员会届期")
        verbose_name_plural = _("委员会届期")
        ordering = ["org__path", "-start"]

    def __str__(self) -> str:
        return f"{self.org} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Congress(OrgAuditMixin, models.Model):
    """A women's congress (妇女代表大会) of an org, e.g. 第八次."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="congresses"
    )
    number = models.PositiveSmallIntegerField(_("届次"))
    name = models.CharField(_("名称"), max_length=100)
    start_date = models.DateField(_("开幕日期"))
    end_date = models.DateField(_("闭幕日期"), null=True, blank=True)
    delegates_due = models.PositiveIntegerField(_("应到代表"), default=0)
    delegates_present = models.PositiveIntegerField(_("实到代表"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("妇女代表大会")
        verbose_name_plural = _("妇女代表大会")
        ordering = ["org__path", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["org", "number"], name="people_congress_unique_number")
        ]

    def __str__(self) -> str:
        return self.name


class CongressScopedQuerySet(ScopedQuerySet[Any]):
    """Records that belong to an org through their congress."""

    org_field = "congress__org"


class Delegate(OrgAuditMixin, models.Model):
    congress = models.ForeignKey(
        Congress, verbose_name=_("代表大会"), on_delete=models.CASCADE, related_name="delegates"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="delegacies"
    )
    delegation = models.CharField(_("代表团"), max_length=50)
    frontline = models.BooleanField(_("基层一线"), default=False)

    objects = CongressScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        ordering = ["delegation", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "person"], name="people_delegate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.delegation})"

    @property
    def org(self) -> Any:
        return self.congress.org


class CompositionDimension(models.TextChoices):
    ETHNICITY = "ethnicity", _("民族")
    AGE = "age", _("年龄")
    EDUCATION = "education", _("学历")
    POLITICAL = "political", _("政治面貌")
    SECTOR = "sector", _("职业类别")
    FRONTLINE = "frontline", _("基层一线")


class CompositionTarget(models.Model):
    """A target share (minimum percentage) of one category of delegates."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("代表大会"), on_delete=models.CASCADE, related_name="targets"
    )
    dimension = models.CharField(_("维度"), max_length=20, choices=CompositionDimension.choices)
    category = models.CharField(_("类别"), max_length=30)
    min_share = models.DecimalField(_("目标比例（%）"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("代表结构目标")
        verbose_name_plural = _("代表结构目标")
        ordering = ["dimension", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "dimension", "category"], name="people_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.category} ≥ {self.min_share}%"


class ElectionStatus(models.TextChoices):
    DRAFT = "draft", _("筹备")
    COUNTED = "counted", _("已计票")
    CONFIRMED = "confirmed", _("已确认")
    VOID = "void", _("无效")


class Election(models.Model):
    """The election of an executive committee at a congress (《妇女联合会选举工作条例》)."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("代表大会"), on_delete=models.PROTECT, related_name="elections"
    )
    name = models.CharField(_("名称"), max_length=100)
    seats = models.PositiveSmallIntegerField(_("应选名额"))
    contested = models.BooleanField(_("差额选举"), default=True)
    margin_percent = models.PositiveSmallIntegerField(_("差额比例（%）"), default=5)
    held_on = models.DateField(_("选举日期"))
    ballots_issued = models.PositiveIntegerField(_("发出选票"), null=True, blank=True)
    ballots_returned = models.PositiveIntegerField(_("收回选票"), null=True, blank=True)
    term_years = models.PositiveSmallIntegerField(_("任期（年）"), default=5)
    status = models.CharField(
        _("状态"), max_length=10, choices=ElectionStatus.choices, default=ElectionStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CongressScopedQuerySet.as_manager()

    # Counted (or void) from the draft; a count can be reopened; confirmed is final.
    workflow = Workflow(
        noun=_("选举"),
        states=ElectionStatus,
        history="people.ElectionHistory",
        subject="election",
        transitions=[
            (ElectionStatus.DRAFT, ElectionStatus.COUNTED),
            (ElectionStatus.DRAFT, ElectionStatus.VOID),
            (ElectionStatus.COUNTED, ElectionStatus.DRAFT),
            (ElectionStatus.COUNTED, ElectionStatus.CONFIRMED),
            (ElectionStatus.VOID, ElectionStatus.DRAFT),
        ],
    )

    class Meta:
        verbose_name = _("选举")
        verbose_name_plural = _("选举")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def org(self) -> Any:
        return self.congress.org

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.congress.org_id, "org_path": self.congress.org.path}


class CandidateOutcome(models.TextChoices):
    PENDING = "", _("未计票")
    ELECTED = "elected", _("当选")
    RUNOFF = "runoff", _("票数相同，需另行选举")
    NOT_ELECTED = "not_elected", _("未当选")


class Candidate(models.Model):
    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="candidates"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("候选人"), on_delete=models.PROTECT, related_name="candidacies"
    )
    votes = models.PositiveIntegerField(_("得票"), null=True, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=12, choices=CandidateOutcome.choices, blank=True, default=""
    )
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["rank", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "person"], name="people_candidate_unique")
        ]

    def __str__(self) -> str:
        return str(self.person)

    def get_additional_data(self) -> dict[str, Any]:
        org = self.election.congress.org
        return {"org_id": org.pk, "org_path": org.path}


class ElectionHistory(StatusHistory):
    """One status change of an election: who, when, from what to what."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="history", verbose_name=_("选举")
    )

    class Meta(StatusHistory.Meta):
        verbose_name = _("选举状态记录")
        verbose_name_plural = _("选举状态记录")


class RosterImport(OrgAuditMixin, models.Model):
    """One confirmed roster import (the import itself is one audited record; its people
    are created in bulk)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="roster_imports"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=200)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created = models.PositiveIntegerField(_("新增人员"), default=0)
    updated = models.PositiveIntegerField(_("更新人员"), default=0)
    positions = models.PositiveIntegerField(_("新增职务"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("花名册导入")
        verbose_name_plural = _("花名册导入")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.at:%Y-%m-%d})"
