"""Writes of 干 duty: keyword-only, atomic, checking scope and permission themselves.

Status changes go through ``core.workflow.move``; first history rows through
``core.workflow.record``.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core import idempotency, periods
from fulian.core import workflow as wf
from fulian.core.scope import subtree_bounds
from fulian.core.uploads import check_upload, process_photo, safe_name
from fulian.duty.models import (
    ACTIONS,
    EXECUTIVE_KINDS,
    AccountLink,
    Ballot,
    BallotCode,
    Claim,
    ClaimStatus,
    DifficultyCategory,
    DutyComment,
    DutyReport,
    DutySettings,
    EvaluationRound,
    Evaluee,
    FollowUp,
    Grade,
    PointRule,
    Project,
    ProjectStatus,
    ProjectUpdate,
    RoundStatus,
    UpdateKind,
    UpdatePhoto,
    Visit,
)
from fulian.events.models import Activity
from fulian.orgs.models import Org
from fulian.people.models import Person, Position

MAX_PHOTOS = 9
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 8
MAX_CODES = 1000


def ensure_defaults() -> None:
    from fulian.duty.defaults import install

    install(DifficultyCategory, PointRule)


def require_edit(actor: Any, org: Org) -> None:
    """The actor may edit and ``org`` is in the actor's subtree (``None`` is the system)."""
    if actor is None:
        return
    if (
        not actor.has_perm("fulian.edit")
        or not Org.objects.for_user(actor).filter(pk=org.pk).exists()
    ):
        raise PermissionDenied


def person_of(user: Any) -> Person | None:
    """The person an account belongs to (its AccountLink), if any."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    link = AccountLink.objects.filter(user=user).select_related("person").first()
    return link.person if link else None


@transaction.atomic
def link_account(*, actor: Any, user: Any, person: Person) -> AccountLink:
    """Say that ``user`` is ``person`` (org admins of both)."""
    if actor is not None and not actor.has_perm("fulian.manage_users"):
        raise PermissionDenied
    require_edit(actor, person.org)
    if user.org_id is not None:
        require_edit(actor, user.org)
    link, _created = AccountLink.objects.update_or_create(user=user, defaults={"person": person})
    return link


def executives_of(org: Org, on: Any = None) -> Any:
    """The people holding an executive position (chair, vice-chair, executive) in ``org``."""
    day = on or periods.today()
    return (
        Person.objects.filter(
            pk__in=Position.objects.current(day)
            .filter(org=org, kind__in=EXECUTIVE_KINDS)
            .values("person_id")
        )
        .select_related("org")
        .order_by("name", "pk")
    )


def executives_in_scope(actor: Any) -> Any:
    """People in the actor's subtree who hold (or held) an executive or grid-worker
    position: the choices for a claimant or a visitor."""
    kinds = [*EXECUTIVE_KINDS, "grid_worker"]
    people = _people_for(actor).filter(
        pk__in=Position.objects.filter(kind__in=kinds).values("person_id")
    )
    return people.select_related("org").order_by("org__path", "name", "pk")


def is_executive(person: Person) -> bool:
    return Position.objects.filter(person=person, kind__in=EXECUTIVE_KINDS).exists()


def _people_for(actor: Any) -> Any:
    return Person.objects.all() if actor is None else Person.objects.for_user(actor)


def _in_actor_scope(actor: Any, person: Person) -> bool:
    return actor is None or _people_for(actor).filter(pk=person.pk).exists()


def _checked_file(upload: Any) -> tuple[Any, str, str]:
    checked = check_upload(upload)
    return upload, checked.content_type, safe_name(upload.name or "file", checked.extension)


# --- 1. duty reports ---


def _meeting(meeting: Activity) -> Activity:
    if meeting.kind.code != "meeting":
        raise ValidationError({"meeting": _("述职和测评只能安排在会议上。")})
    return meeting


@transaction.atomic
def add_report(
    *,
    actor: Any,
    meeting: Activity,
    person: Person,
    title: str = "",
    text: str = "",
    file: Any = None,
    reported_on: Any = None,
    order: int | None = None,
    idempotency_key: Any = None,
) -> DutyReport:
    """Put an executive's duty report on a meeting's agenda (text and/or a file)."""
    require_edit(actor, meeting.org)
    _meeting(meeting)
    key, existing = idempotency.existing(DutyReport, idempotency_key, actor)
    if existing is not None:
        return existing
    if (
        not _in_actor_scope(actor, person)
        and not _people_for(None)
        .filter(pk__in=Position.objects.filter(org=meeting.org).values("person_id"), pk=person.pk)
        .exists()
    ):
        raise ValidationError({"person": _("述职人不在您的管辖范围内。")})
    if not text.strip() and not file:
        raise ValidationError({"text": _("请填写述职内容或上传述职材料。")})
    if DutyReport.objects.filter(meeting=meeting, person=person).exists():
        raise ValidationError({"person": _("%(name)s在本次会议已有述职。") % {"name": person.name}})
    report = DutyReport(
        meeting=meeting,
        org=meeting.org,
        person=person,
        title=title.strip(),
        text=text.strip(),
        reported_on=reported_on or timezone.localtime(meeting.start).date(),
        order=order
        if order is not None
        else (DutyReport.objects.filter(meeting=meeting).count() + 1),
        idempotency_key=key,
        created_by=actor,
    )
    if file:
        upload, report.file_type, report.file_name = _checked_file(file)
        report.file.save(f"{uuid.uuid4().hex}.{report.file_name.rsplit('.', 1)[-1]}", upload,
                         save=False)  # fmt: skip
    report, _created = idempotency.save_new(report, key, actor)
    return report


@transaction.atomic
def update_report(
    *,
    actor: Any,
    report: DutyReport,
    title: str | None = None,
    text: str | None = None,
    file: Any = None,
    reported_on: Any = None,
    order: int | None = None,
) -> DutyReport:
    require_edit(actor, report.org)
    fields = []
    for name, value in (("title", title), ("text", text)):
        if value is not None:
            setattr(report, name, value.strip())
            fields.append(name)
    if reported_on is not None:
        report.reported_on = reported_on
        fields.append("reported_on")
    if order is not None:
        report.order = order
        fields.append("order")
    if file:
        upload, report.file_type, report.file_name = _checked_file(file)
        report.file.save(f"{uuid.uuid4().hex}.{report.file_name.rsplit('.', 1)[-1]}", upload,
                         save=False)  # fmt: skip
        fields += ["file", "file_type", "file_name"]
    if not report.text and not report.file:
        raise ValidationError({"text": _("请填写述职内容或上传述职材料。")})
    report.save(update_fields=fields or None)
    return report


@transaction.atomic
def comment_report(
    *,
    actor: Any,
    report: DutyReport,
    commenter: str,
    text: str,
    given_on: Any = None,
) -> DutyComment:
    """Give the report its one comment (一述一评). A second comment is refused; the one
    comment may be corrected with ``edit_comment``."""
    require_edit(actor, report.org)
    if not commenter.strip():
        raise ValidationError({"commenter": _("请填写点评人。")})
    if not text.strip():
        raise ValidationError({"text": _("请填写点评意见。")})
    report = DutyReport.objects.select_for_update().get(pk=report.pk)
    if DutyComment.objects.filter(report=report).exists():
        raise ValidationError(_("该述职已有点评（一述一评，每份述职只能有一条点评意见）。"))
    try:
        with transaction.atomic():
            return DutyComment.objects.create(
                report=report,
                commenter=commenter.strip(),
                text=text.strip(),
                given_on=given_on or report.reported_on,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            _("该述职已有点评（一述一评，每份述职只能有一条点评意见）。")
        ) from None


@transaction.atomic
def edit_comment(*, actor: Any, comment: DutyComment, commenter: str, text: str) -> DutyComment:
    require_edit(actor, comment.report.org)
    if not commenter.strip() or not text.strip():
        raise ValidationError(_("请填写点评人和点评意见。"))
    comment.commenter, comment.text = commenter.strip(), text.strip()
    comment.save(update_fields=["commenter", "text"])
    return comment


@transaction.atomic
def delete_report(*, actor: Any, report: DutyReport) -> None:
    require_edit(actor, report.org)
    report.delete()


# --- 2. democratic evaluation ---


@transaction.atomic
def create_round(
    *,
    actor: Any,
    meeting: Activity,
    title: str,
    people: Iterable[Person] | None = None,
    unfit_flag_percent: Decimal | None = None,
    excellent_percent: Decimal | None = None,
) -> EvaluationRound:
    """An evaluation round at a meeting over ``people`` (default: every executive of the
    meeting's org)."""
    require_edit(actor, meeting.org)
    _meeting(meeting)
    if not title.strip():
        raise ValidationError({"title": _("请填写测评名称。")})
    chosen = list(people) if people is not None else list(executives_of(meeting.org))
    if not chosen:
        raise ValidationError({"people": _("请选择被测评的执委。")})
    rnd = EvaluationRound(meeting=meeting, org=meeting.org, title=title.strip(), created_by=actor)
    if unfit_flag_percent is not None:
        rnd.unfit_flag_percent = unfit_flag_percent
    if excellent_percent is not None:
        rnd.excellent_percent = excellent_percent
    rnd.save()
    Evaluee.objects.bulk_create(
        Evaluee(round=rnd, person=p, order=i) for i, p in enumerate(chosen, start=1)
    )
    wf.record(rnd, actor=actor, created=True)
    return rnd


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def default_code_count(rnd: EvaluationRound) -> int:
    """The meeting's confirmed attendees (distinct people), the voters by default."""
    from fulian.events.models import Attendance, AttendanceStatus

    people = (
        Attendance.objects.filter(session__activity=rnd.meeting, status=AttendanceStatus.CONFIRMED)
        .exclude(person=None)
        .values("person_id")
        .distinct()
        .count()
    )
    return people or rnd.meeting.head_count or 0


@transaction.atomic
def issue_codes(*, actor: Any, round: EvaluationRound, count: int) -> list[str]:
    """Issue ``count`` more one-time codes (before or during voting)."""
    require_edit(actor, round.org)
    if round.status == RoundStatus.CLOSED:
        raise ValidationError(_("测评已结束，不能再发放投票码。"))
    if count < 1 or count + round.codes.count() > MAX_CODES:
        raise ValidationError({"count": _("投票码数量应在 1 到 %(n)d 之间。") % {"n": MAX_CODES}})
    made: list[str] = []
    existing = set(BallotCode.objects.values_list("code", flat=True).filter(round=round))
    while len(made) < count:
        code = _new_code()
        if code in existing or code in made:
            continue
        made.append(code)
    taken = set(BallotCode.objects.filter(code__in=made).values_list("code", flat=True))
    made = [c for c in made if c not in taken]
    BallotCode.objects.bulk_create(BallotCode(round=round, code=c) for c in made)
    return made


@transaction.atomic
def open_round(*, actor: Any, round: EvaluationRound) -> EvaluationRound:
    require_edit(actor, round.org)
    if not round.codes.exists():
        raise ValidationError(_("请先发放投票码。"))
    round.opened_at = timezone.now()
    wf.move(round, RoundStatus.OPEN, actor=actor, fields=["opened_at"])
    return round


@transaction.atomic
def close_round(*, actor: Any, round: EvaluationRound) -> EvaluationRound:
    require_edit(actor, round.org)
    round.closed_at = timezone.now()
    wf.move(round, RoundStatus.CLOSED, actor=actor, fields=["closed_at"])
    return round


def normalise_code(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


def code_round(code: str) -> EvaluationRound | None:
    found = (
        BallotCode.objects.filter(code=normalise_code(code))
        .select_related("round__meeting", "round__org")
        .first()
    )
    return found.round if found else None


@transaction.atomic
def cast_ballot(*, code: str, grades: dict[int, str]) -> Ballot:
    """Cast the ballot of a one-time code: ``grades`` maps each evaluee's id to a grade.

    The code is flipped to used by a conditional update (one winner under any race), and
    the ballot is stored without the code, a time or anything else naming the voter."""
    text = normalise_code(code)
    found = BallotCode.objects.filter(code=text).select_related("round").first()
    if found is None:
        raise ValidationError({"code": _("投票码无效，请核对后重新输入。")})
    rnd = EvaluationRound.objects.select_for_update().get(pk=found.round_id)
    if rnd.status == RoundStatus.DRAFT:
        raise ValidationError({"code": _("测评尚未开始，请等待主持人宣布开始投票。")})
    if rnd.status == RoundStatus.CLOSED:
        raise ValidationError({"code": _("测评已结束，不能再投票。")})
    if found.used:
        raise ValidationError({"code": _("该投票码已使用，每个投票码只能投票一次。")})
    evaluees = list(rnd.evaluees.values_list("pk", flat=True))
    missing = [pk for pk in evaluees if pk not in grades]
    if missing:
        raise ValidationError({"grades": _("请为每一位被测评执委选择等次。")})
    if set(grades) - set(evaluees) or any(g not in Grade.values for g in grades.values()):
        raise ValidationError({"grades": _("等次无效。")})
    # The round row is locked: ballots of one round are cast one at a time, so reading the
    # code again under the lock and flipping it cannot let two ballots through.
    if BallotCode.objects.filter(pk=found.pk, used=False).update(used=True) != 1:
        raise ValidationError({"code": _("该投票码已使用，每个投票码只能投票一次。")})
    ballot = Ballot(round=rnd, grades={str(pk): grades[pk] for pk in evaluees})
    _store_shuffled(rnd, ballot)
    ballot = Ballot.objects.get(pk=ballot.pk)
    return ballot


def _store_shuffled(rnd: EvaluationRound, ballot: Ballot) -> None:
    """Store ``ballot`` with the round's earlier ballots rewritten in a random order.

    A dump lists rows in the order they lie on disk, and marking a code used moves that code
    row too: without this, the n-th used code and the n-th ballot would line up. Rewriting
    the round's ballots (the same ids and grades) in a random order at every vote leaves
    the ballot rows in an order that says nothing about who voted when."""
    rows = [
        *Ballot.objects.filter(round=rnd).values_list("pk", "grades"),
        (ballot.pk, ballot.grades),
    ]
    secrets.SystemRandom().shuffle(rows)
    Ballot.objects.filter(round=rnd).delete()
    Ballot.objects.bulk_create(Ballot(id=pk, round=rnd, grades=g) for pk, g in rows)


@dataclass
class Turnout:
    issued: int
    used: int

    @property
    def percent(self) -> int:
        return round(100 * self.used / self.issued) if self.issued else 0


def turnout(rnd: EvaluationRound) -> Turnout:
    counts = rnd.codes.aggregate(issued=Count("pk"), used=Count("pk", filter=Q(used=True)))
    return Turnout(counts["issued"], counts["used"])


@dataclass
class EvalResult:
    evaluee: Evaluee
    counts: dict[str, int]
    total: int
    outcome: str
    flagged: bool

    def share(self, grade: str) -> Decimal:
        if not self.total:
            return Decimal(0)
        return (Decimal(100) * self.counts.get(grade, 0) / self.total).quantize(Decimal("0.1"))

    def shares(self) -> list[tuple[str, int, Decimal]]:
        return [(g, self.counts.get(g, 0), self.share(g)) for g in Grade.values]

    @property
    def outcome_label(self) -> str:
        return str(Grade(self.outcome).label) if self.outcome else ""


def outcome_of(rnd: EvaluationRound, counts: dict[str, int], total: int) -> tuple[str, bool]:
    """The round's rule: 不称职 over its threshold → 不称职 (flagged); 优秀 at or over its
    threshold → 优秀; then 称职 when 优秀+称职 are at least half, else 基本称职."""
    if not total:
        return "", False
    unfit = Decimal(100) * counts.get(Grade.UNFIT, 0) / total
    if unfit > rnd.unfit_flag_percent:
        return Grade.UNFIT, True
    if Decimal(100) * counts.get(Grade.EXCELLENT, 0) / total >= rnd.excellent_percent:
        return Grade.EXCELLENT, False
    good = counts.get(Grade.EXCELLENT, 0) + counts.get(Grade.COMPETENT, 0)
    if 2 * good >= total:
        return Grade.COMPETENT, False
    return Grade.BASIC, False


def _counts(rnd: EvaluationRound) -> dict[int, dict[str, int]]:
    """Votes per evaluee and grade."""
    counts: dict[int, dict[str, int]] = {}
    for grades in rnd.ballots.values_list("grades", flat=True):
        for evaluee, grade in grades.items():
            per = counts.setdefault(int(evaluee), {})
            per[grade] = per.get(grade, 0) + 1
    return counts


def results(*, rnd: EvaluationRound) -> list[EvalResult]:
    """Counts per grade, shares and the outcome per evaluee: only once the round is closed."""
    if rnd.status != RoundStatus.CLOSED:
        raise ValidationError(_("测评结束后才能查看结果。"))
    counts = _counts(rnd)
    total = sum(1 for _b in rnd.ballots.values_list("pk"))
    out = []
    for evaluee in rnd.evaluees.select_related("person__org"):
        c = counts.get(evaluee.pk, {})
        outcome, flagged = outcome_of(rnd, c, total)
        out.append(EvalResult(evaluee, c, total, outcome, flagged))
    return out


# --- 3. projects and claims ---


def claim_limit(org: Org) -> int:
    """The "一人一事" limit for claims of projects of ``org``: its own setting or the
    nearest ancestor's, else 1."""
    paths = [org.path[:i] for i in range(Org.steplen, len(org.path) + 1, Org.steplen)]
    found = (
        DutySettings.objects.filter(org__path__in=paths)
        .order_by("-org__depth")
        .values_list("max_active_claims", flat=True)
        .first()
    )
    return found or 1


@transaction.atomic
def set_claim_limit(*, actor: Any, org: Org, limit: int) -> DutySettings:
    if actor is not None and not actor.has_perm("fulian.manage_orgs"):
        raise PermissionDenied
    require_edit(actor, org)
    if not 1 <= limit <= 10:
        raise ValidationError({"max_active_claims": _("上限应在 1 到 10 之间。")})
    settings_row, _created = DutySettings.objects.update_or_create(
        org=org, defaults={"max_active_claims": limit}
    )
    return settings_row


@transaction.atomic
def propose_project(
    *,
    actor: Any,
    org: Org,
    title: str,
    need: str,
    beneficiaries: str,
    beneficiary_count: int | None = None,
    planned_start: Any = None,
    planned_end: Any = None,
    budget: Decimal | None = None,
    grid: Any = None,
    campaign: Any = None,
    idempotency_key: Any = None,
) -> Project:
    require_edit(actor, org)
    key, existing = idempotency.existing(Project, idempotency_key, actor)
    if existing is not None:
        return existing
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写项目名称。")
    if not need.strip():
        errors["need"] = _("请填写项目解决的需求。")
    if not beneficiaries.strip():
        errors["beneficiaries"] = _("请填写受益对象。")
    if planned_start and planned_end and planned_end < planned_start:
        errors["planned_end"] = _("计划完成日期不能早于开始日期。")
    if grid is not None and grid.org_id != org.pk:
        errors["grid"] = _("网格不属于该村/社区。")
    if budget is not None and budget < 0:
        errors["budget"] = _("预算不能为负数。")
    if errors:
        raise ValidationError(errors)
    project = Project(
        org=org, grid=grid, campaign=campaign, title=title.strip(), need=need.strip(),
        beneficiaries=beneficiaries.strip(), beneficiary_count=beneficiary_count,
        planned_start=planned_start, planned_end=planned_end, budget=budget,
        created_by=actor, idempotency_key=key,
    )  # fmt: skip
    project, created = idempotency.save_new(project, key, actor)
    if created:
        wf.record(project, actor=actor, created=True)
    return project


@transaction.atomic
def review_project(*, actor: Any, project: Project, publish: bool, note: str = "") -> Project:
    """The org above publishes the project to the library, or returns it."""
    require_edit(actor, project.org)
    target = ProjectStatus.PUBLISHED if publish else ProjectStatus.RETURNED
    if not publish and not note.strip():
        raise ValidationError({"note": _("退回时请说明理由。")})
    try:
        wf.move(project, target, actor=actor, note=note)
    except PermissionDenied:
        raise ValidationError(_("项目由上级妇联审核发布。")) from None
    return project


@transaction.atomic
def resubmit_project(*, actor: Any, project: Project, note: str = "") -> Project:
    require_edit(actor, project.org)
    wf.move(project, ProjectStatus.PROPOSED, actor=actor, note=note)
    return project


def _may_act_for(actor: Any, person: Person) -> bool:
    """An actor acts for an executive: it is her own account, or the person is in scope."""
    if actor is None:
        return True
    own = person_of(actor)
    if own is not None and own.pk == person.pk:
        return True
    return actor.has_perm("fulian.edit") and _in_actor_scope(actor, person)


@transaction.atomic
def claim_project(
    *, actor: Any, project: Project, person: Person | None = None, on: Any = None
) -> Claim:
    """Claim a published project for an executive (default: the actor's own person).

    Race-safe: the project row is locked, and the two constraints on ``Claim`` (one live
    claim per project, distinct slots per executive) refuse whatever a race lets through."""
    person = person or person_of(actor)
    if person is None:
        raise ValidationError({"person": _("请选择认领的执委。")})
    if actor is not None and (
        not actor.has_perm("fulian.edit")
        or not Project.objects.for_user(actor).filter(pk=project.pk).exists()
    ):
        raise PermissionDenied
    if not _may_act_for(actor, person):
        raise ValidationError({"person": _("该执委不在您的管辖范围内。")})
    if not is_executive(person):
        raise ValidationError({"person": _("只有妇联执委可以认领项目。")})
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status in (ProjectStatus.CLAIMED, ProjectStatus.COMPLETED, ProjectStatus.VERIFIED):
        raise ValidationError(_("该项目已被其他执委认领，请选择其他项目。"))
    if locked.status != ProjectStatus.PUBLISHED:
        raise ValidationError(_("该项目尚未发布，暂不能认领。"))
    limit = claim_limit(locked.org)
    used = set(
        Claim.objects.filter(person=person, slot__isnull=False).values_list("slot", flat=True)
    )
    free = [s for s in range(1, limit + 1) if s not in used]
    if not free:
        raise ValidationError(
            _("“一人一事”：%(name)s已有 %(n)d 个推进中的项目，完成后才能认领新项目。")
            % {"name": person.name, "n": len(used)}
        )
    claim = Claim(
        project=locked,
        person=person,
        slot=free[0],
        claimed_on=on or periods.today(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        if Claim.objects.filter(project=locked).exclude(status=ClaimStatus.RELEASED).exists():
            raise ValidationError(_("该项目已被其他执委认领，请选择其他项目。")) from None
        raise ValidationError(
            _("“一人一事”：%(name)s已有推进中的项目，完成后才能认领新项目。")
            % {"name": person.name}
        ) from None
    wf.record(claim, actor=actor, created=True)
    wf.move(locked, ProjectStatus.CLAIMED, actor=actor, note=person.name)
    project.status = locked.status
    return claim


def _require_claimant_side(actor: Any, claim: Claim) -> None:
    if actor is None:
        return
    if not actor.has_perm("fulian.edit"):
        raise PermissionDenied
    if not Project.objects.for_user(actor).filter(pk=claim.project_id).exists():
        raise PermissionDenied
    if not _may_act_for(actor, claim.person):
        raise PermissionDenied


@transaction.atomic
def release_claim(*, actor: Any, claim: Claim, note: str = "") -> Claim:
    """Give a claimed project back to the library."""
    _require_claimant_side(actor, claim)
    claim.slot = None
    wf.move(claim, ClaimStatus.RELEASED, actor=actor, note=note, fields=["slot"])
    project = Project.objects.get(pk=claim.project_id)
    wf.move(project, ProjectStatus.PUBLISHED, actor=actor, note=note or _("执委放弃认领"))
    return claim


def _photos(update: ProjectUpdate, photos: Sequence[Any]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("最多上传 9 张照片。")})
    for upload in photos:
        processed = process_photo(upload)
        photo = UpdatePhoto(update=update, width=processed.width, height=processed.height)
        name = uuid.uuid4().hex
        photo.image.save(f"{name}.jpg", ContentFile(processed.image), save=False)
        photo.thumbnail.save(f"{name}-t.jpg", ContentFile(processed.thumbnail), save=False)
        photo.save()


@transaction.atomic
def add_progress(
    *,
    actor: Any,
    claim: Claim,
    text: str,
    on: Any = None,
    photos: Sequence[Any] = (),
    idempotency_key: Any = None,
) -> ProjectUpdate:
    """A progress update with up to nine photos."""
    _require_claimant_side(actor, claim)
    key, existing = idempotency.existing(ProjectUpdate, idempotency_key, actor)
    if existing is not None:
        return existing
    if claim.status != ClaimStatus.ACTIVE:
        raise ValidationError(_("只有推进中的项目可以填报进展。"))
    if not text.strip():
        raise ValidationError({"text": _("请填写进展情况。")})
    update = ProjectUpdate(
        claim=claim, text=text.strip(), on=on or periods.today(), created_by=actor,
        idempotency_key=key,
    )  # fmt: skip
    update, created = idempotency.save_new(update, key, actor)
    if created:
        _photos(update, photos)
        wf.record(claim, actor=actor, note=_("填报进展"))
    return update


@transaction.atomic
def complete_claim(
    *,
    actor: Any,
    claim: Claim,
    text: str,
    on: Any = None,
    evidence: Any = None,
    photos: Sequence[Any] = (),
    idempotency_key: Any = None,
) -> Claim:
    """Report the project done, with evidence (a file and/or photos). Frees the slot: the
    executive may claim again while the org above verifies."""
    _require_claimant_side(actor, claim)
    key, existing = idempotency.existing(ProjectUpdate, idempotency_key, actor)
    if existing is not None:
        return existing.claim
    if not text.strip():
        raise ValidationError({"text": _("请填写完成情况。")})
    if not evidence and not photos:
        raise ValidationError({"evidence": _("请上传佐证材料或照片。")})
    day = on or periods.today()
    if day < claim.claimed_on:
        raise ValidationError({"on": _("完成日期不能早于认领日期。")})
    update = ProjectUpdate(
        claim=claim, kind=UpdateKind.COMPLETION, text=text.strip(), on=day, created_by=actor,
        idempotency_key=key,
    )  # fmt: skip
    if evidence:
        upload, update.evidence_type, update.evidence_name = _checked_file(evidence)
        ext = update.evidence_name.rsplit(".", 1)[-1]
        update.evidence.save(f"{uuid.uuid4().hex}.{ext}", upload, save=False)
    claim.slot = None
    claim.completed_on = day
    wf.move(claim, ClaimStatus.COMPLETED, actor=actor, fields=["slot", "completed_on"])
    update.save()
    _photos(update, photos)
    project = Project.objects.get(pk=claim.project_id)
    wf.move(project, ProjectStatus.COMPLETED, actor=actor)
    return claim


@transaction.atomic
def verify_claim(
    *, actor: Any, claim: Claim, accept: bool = True, note: str = "", on: Any = None
) -> Claim:
    """The org above verifies a completed project (never the claimant herself), or sends
    it back to work."""
    if actor is not None:
        own = person_of(actor)
        if own is not None and own.pk == claim.person_id:
            raise ValidationError(_("不能验收本人认领的项目，请由上级妇联验收。"))
        if not Project.objects.for_user(actor).filter(pk=claim.project_id).exists():
            raise PermissionDenied
    project = Project.objects.get(pk=claim.project_id)
    if accept:
        claim.verified_on = on or periods.today()
        try:
            wf.move(claim, ClaimStatus.VERIFIED, actor=actor, note=note, fields=["verified_on"])
        except PermissionDenied:
            raise ValidationError(_("项目由上级妇联验收。")) from None
        wf.move(project, ProjectStatus.VERIFIED, actor=actor, note=note)
        return claim
    if not note.strip():
        raise ValidationError({"note": _("退回时请说明理由。")})
    used = set(
        Claim.objects.filter(person=claim.person, slot__isnull=False).values_list("slot", flat=True)
    )
    free = [s for s in range(1, claim_limit(project.org) + 1) if s not in used]
    if not free:
        raise ValidationError(_("该执委已有推进中的项目，暂不能退回整改。"))
    claim.slot = free[0]
    claim.completed_on = None
    try:
        wf.move(claim, ClaimStatus.ACTIVE, actor=actor, note=note, fields=["slot", "completed_on"])
    except PermissionDenied:
        raise ValidationError(_("项目由上级妇联验收。")) from None
    wf.move(project, ProjectStatus.CLAIMED, actor=actor, note=note)
    return claim


# --- 4. visits ---


ACTION_FIELDS = [code for code, _label in ACTIONS]


@transaction.atomic
def record_visit(
    *,
    actor: Any,
    org: Org,
    visitor: Person,
    visited_on: Any,
    name: str = "",
    person: Person | None = None,
    is_minor: bool = False,
    phone: str = "",
    address: str = "",
    household: str = "",
    categories: Iterable[DifficultyCategory] = (),
    campaign: Any = None,
    activity: Activity | None = None,
    needs: str = "",
    help_given: str = "",
    follow_up_on: Any = None,
    idempotency_key: Any = None,
    **actions: str,
) -> Visit:
    """Register a visit. At least one of the eight actions is filled; a person linked from
    the roster must be in the actor's scope; a follow-up date makes the follow-up due."""
    require_edit(actor, org)
    key, existing = idempotency.existing(Visit, idempotency_key, actor)
    if existing is not None:
        return existing
    unknown = set(actions) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown actions {sorted(unknown)}")
    errors: dict[str, Any] = {}
    if person is not None:
        if not _in_actor_scope(actor, person):
            raise ValidationError({"person": _("被走访人不在您的管辖范围内。")})
        name = name or person.name
        if person.birth_date is not None and (person.age_on(visited_on) or 0) < 18:
            is_minor = True
    if not name.strip():
        errors["name"] = _("请填写被走访人姓名。")
    if not _in_actor_scope(actor, visitor) and not _may_act_for(actor, visitor):
        errors["visitor"] = _("走访执委不在您的管辖范围内。")
    if not any((actions.get(f) or "").strip() for f in ACTION_FIELDS):
        errors["look"] = _("看、听、问、帮、报、想、讲、记至少填写一项。")
    if visited_on and visited_on > periods.today():
        errors["visited_on"] = _("走访日期不能晚于今天。")
    if follow_up_on and visited_on and follow_up_on < visited_on:
        errors["follow_up_on"] = _("回访日期不能早于走访日期。")
    if errors:
        raise ValidationError(errors)
    visit = Visit(
        org=org, visitor=visitor, person=person, name=name.strip(), is_minor=is_minor,
        address=address.strip(), household=household.strip(), visited_on=visited_on,
        campaign=campaign, activity=activity, needs=needs.strip(), help_given=help_given.strip(),
        follow_up=FollowUp.DUE if follow_up_on else FollowUp.NONE, follow_up_on=follow_up_on,
        idempotency_key=key, created_by=actor,
        **{f: (actions.get(f) or "").strip() for f in ACTION_FIELDS},
    )  # fmt: skip
    if phone:
        visit.phone = phone
    visit, created = idempotency.save_new(visit, key, actor)
    if created:
        if categories:
            visit.categories.set(list(categories))
        wf.record(visit, actor=actor, created=True)
    return visit


@transaction.atomic
def follow_up_visit(*, actor: Any, visit: Visit, note: str, next_on: Any = None) -> Visit:
    """Record the follow-up; with ``next_on`` another one is due on that day."""
    require_edit(actor, visit.org)
    if not note.strip():
        raise ValidationError({"note": _("请填写回访情况。")})
    wf.move(visit, FollowUp.DONE, actor=actor, note=note)
    if next_on is not None:
        visit.follow_up_on = next_on
        wf.move(visit, FollowUp.DUE, actor=actor, note=_("安排下次回访"), fields=["follow_up_on"])
    return visit


def reveal_visit_phone(*, actor: Any, visit: Visit, request: Any = None) -> str:
    from fulian.core.models import log_access

    require_edit(actor, visit.org)
    log_access(user=actor, obj=visit, field="phone", reason="走访联系", request=request)
    return visit.phone


# --- 5. duty file and points ---


@dataclass
class PointLine:
    rule: PointRule
    count: int
    points: Decimal
    items: list[str] = field(default_factory=list)


@dataclass
class DutyFile:
    person: Person
    year: int
    attendances: list[Any]
    absences: list[Any]
    reports: list[DutyReport]
    evaluations: list[EvalResult]
    claims: list[Claim]
    visits: list[Visit]
    activities: list[Activity]
    lines: list[PointLine]

    @property
    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0))


def _rules() -> dict[str, PointRule]:
    return {r.code: r for r in PointRule.objects.filter(is_active=True)}


def duty_file(person: Person, year: int) -> DutyFile:
    """Everything an executive did in ``year``, from the records, with the points by rule."""
    from fulian.events.models import Attendance, AttendanceStatus

    start, end = periods.Period.year(year).range
    attendances = list(
        Attendance.objects.filter(
            person=person,
            status=AttendanceStatus.CONFIRMED,
            session__start__date__range=(start, end),
        )
        .select_related("session__activity__kind")
        .order_by("session__start")
    )
    attended = {a.session.activity_id for a in attendances}
    # Meetings of her committees that took attendance and she missed.
    orgs = Position.objects.filter(person=person, kind__in=EXECUTIVE_KINDS).values("org_id")
    absences = list(
        Activity.objects.filter(
            org_id__in=orgs,
            kind__code="meeting",
            start__date__range=(start, end),
            sessions__attendances__isnull=False,
        )
        .exclude(pk__in=attended)
        .distinct()
        .order_by("start")
    )
    reports = list(
        DutyReport.objects.filter(person=person, reported_on__range=(start, end))
        .select_related("meeting", "comment")
        .order_by("reported_on")
    )
    evaluations = []
    for evaluee in Evaluee.objects.filter(
        person=person, round__status=RoundStatus.CLOSED, round__closed_at__date__range=(start, end)
    ).select_related("round"):
        rnd = evaluee.round
        counts = _counts(rnd).get(evaluee.pk, {})
        total = rnd.ballots.count()
        outcome, flagged = outcome_of(rnd, counts, total)
        evaluations.append(EvalResult(evaluee, counts, total, outcome, flagged))
    claims = list(
        Claim.objects.filter(person=person, claimed_on__range=(start, end))
        .exclude(status=ClaimStatus.RELEASED)
        .select_related("project__org")
        .order_by("claimed_on")
    )
    visits = list(
        Visit.objects.filter(visitor=person, visited_on__range=(start, end))
        .select_related("org")
        .order_by("visited_on")
    )
    users = AccountLink.objects.filter(person=person).values("user_id")
    activities = list(
        Activity.objects.filter(created_by_id__in=users, start__date__range=(start, end))
        .exclude(kind__code__in=["meeting", "training_class"])
        .order_by("start")
    )
    rules = _rules()
    lines: list[PointLine] = []

    def add(code: str, items: list[str]) -> None:
        rule = rules.get(code)
        if rule is None or not items:
            return
        lines.append(PointLine(rule, len(items), rule.points * len(items), items))

    add("attendance", [f"{a.session.start:%m-%d} {a.session.activity.title}" for a in attendances])
    add("absence", [f"{m.start:%m-%d} {m.title}" for m in absences])
    add("duty_report", [f"{r.reported_on:%m-%d} {r.meeting.title}" for r in reports])
    for result in evaluations:
        add(f"evaluation_{result.outcome}", [f"{result.evaluee.round.title}"])
    add("claim", [c.project.title for c in claims])
    add(
        "project_completed",
        [c.project.title for c in claims if c.status in (ClaimStatus.COMPLETED, "verified")],
    )
    add("project_verified", [c.project.title for c in claims if c.status == ClaimStatus.VERIFIED])
    add("visit", [f"{v.visited_on:%m-%d} {v.list_name}" for v in visits])
    add("activity", [f"{a.start:%m-%d} {a.title}" for a in activities])
    lines.sort(key=lambda line: (line.rule.order, line.rule.code))
    return DutyFile(
        person, year, attendances, absences, reports, evaluations, claims, visits, activities,
        lines,
    )  # fmt: skip


def point_totals(person_ids: Any, year: int) -> dict[int, Decimal]:
    """Each person's duty-file total for ``year`` (what ``duty_file(p, year).total`` says),
    for many people in a fixed number of queries: the average-points indicator reads it
    for every committee of a table at once. ``test_points`` holds the two equal."""
    from collections import Counter

    from fulian.events.models import Attendance, AttendanceStatus

    people = set(person_ids)
    if not people:
        return {}
    start, end = periods.Period.year(year).range
    counts: dict[str, Counter[int]] = {}

    def add(code: str, person: int, n: int = 1) -> None:
        counts.setdefault(code, Counter())[person] += n

    attended: dict[int, set[int]] = {}
    for person, activity in Attendance.objects.filter(
        person_id__in=people,
        status=AttendanceStatus.CONFIRMED,
        session__start__date__range=(start, end),
    ).values_list("person_id", "session__activity_id"):
        add("attendance", person)
        attended.setdefault(person, set()).add(activity)
    committees: dict[int, set[int]] = {}
    for person, org in Position.objects.filter(
        person_id__in=people, kind__in=EXECUTIVE_KINDS
    ).values_list("person_id", "org_id"):
        committees.setdefault(person, set()).add(org)
    meetings: dict[int, set[int]] = {}
    for activity, org in (
        Activity.objects.filter(
            org_id__in={o for orgs in committees.values() for o in orgs},
            kind__code="meeting",
            start__date__range=(start, end),
            sessions__attendances__isnull=False,
        )
        .values_list("pk", "org_id")
        .distinct()
    ):
        meetings.setdefault(org, set()).add(activity)
    for person, orgs in committees.items():
        held = set().union(*(meetings.get(o, set()) for o in orgs))
        if missed := len(held - attended.get(person, set())):
            add("absence", person, missed)
    for person in DutyReport.objects.filter(
        person_id__in=people, reported_on__range=(start, end)
    ).values_list("person_id", flat=True):
        add("duty_report", person)
    evaluees = list(
        Evaluee.objects.filter(
            person_id__in=people,
            round__status=RoundStatus.CLOSED,
            round__closed_at__date__range=(start, end),
        ).select_related("round")
    )
    rounds = {e.round_id: e.round for e in evaluees}
    votes: dict[int, dict[int, dict[str, int]]] = {pk: {} for pk in rounds}
    ballots: Counter[int] = Counter()
    for rnd, grades in Ballot.objects.filter(round_id__in=rounds).values_list("round_id", "grades"):
        ballots[rnd] += 1
        for evaluee, grade in grades.items():
            per = votes[rnd].setdefault(int(evaluee), {})
            per[grade] = per.get(grade, 0) + 1
    for e in evaluees:
        outcome, _flagged = outcome_of(
            rounds[e.round_id], votes[e.round_id].get(e.pk, {}), ballots[e.round_id]
        )
        add(f"evaluation_{outcome}", e.person_id)
    for person, status in (
        Claim.objects.filter(person_id__in=people, claimed_on__range=(start, end))
        .exclude(status=ClaimStatus.RELEASED)
        .values_list("person_id", "status")
    ):
        add("claim", person)
        if status in (ClaimStatus.COMPLETED, ClaimStatus.VERIFIED):
            add("project_completed", person)
        if status == ClaimStatus.VERIFIED:
            add("project_verified", person)
    for person in Visit.objects.filter(
        visitor_id__in=people, visited_on__range=(start, end)
    ).values_list("visitor_id", flat=True):
        add("visit", person)
    links = dict(
        AccountLink.objects.filter(person_id__in=people).values_list("user_id", "person_id")
    )
    for user in (
        Activity.objects.filter(created_by_id__in=links, start__date__range=(start, end))
        .exclude(kind__code__in=["meeting", "training_class"])
        .values_list("created_by_id", flat=True)
    ):
        add("activity", links[user])
    rules = _rules()
    totals = dict.fromkeys(people, Decimal(0))
    for code, per_person in counts.items():
        rule = rules.get(code)
        if rule is None:
            continue
        for person, n in per_person.items():
            totals[person] += rule.points * n
    return totals


def ranking(org: Org, year: int) -> list[DutyFile]:
    """The duty files of an org's executives, best first."""
    files = [
        duty_file(p, year) for p in executives_of(org, on=min(periods.today(), _year_end(year)))
    ]
    files.sort(key=lambda f: (-f.total, f.person.name, f.person.pk))
    return files


def _year_end(year: int) -> Any:
    return periods.Period.year(year).range[1]


def in_org_subtree(org: Org, other: Org) -> bool:
    low, high = subtree_bounds(org.path)
    return low <= other.path <= high
