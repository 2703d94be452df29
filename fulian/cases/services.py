"""Writes of help requests, cases and referrals. Keyword-only, atomic, with ``actor=``;
each checks scope and permission itself. Status changes go through ``core.workflow``."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from fulian.cases import access
from fulian.cases.models import (
    DEFAULT_LIMITS,
    BodyKind,
    Case,
    CaseMediator,
    CaseParty,
    CaseStatus,
    Category,
    CategoryRule,
    DisputeType,
    Feedback,
    FollowUp,
    HelpRequest,
    MediationSession,
    Outcome,
    OutsideBody,
    PartyRole,
    Referral,
    ReferralStatus,
    RequestReply,
    RequestStatus,
    Risk,
    Source,
)
from fulian.core import idempotency, periods, workflow
from fulian.core.models import log_access
from fulian.core.personal_data import normalise_phone
from fulian.duty.models import Visit
from fulian.orgs.models import Org, OrgKind

VILLAGE_KINDS = (OrgKind.VILLAGE, OrgKind.COMMUNITY)
TOWN_KINDS = (OrgKind.TOWN, OrgKind.STREET)
DEFAULT_BODIES = [
    ("秦州区人民法院", BodyKind.COURT),
    ("秦州区司法局（各司法所）", BodyKind.JUSTICE),
    ("天水市公安局秦州分局", BodyKind.POLICE),
    ("秦州区民政局", BodyKind.CIVIL),
    ("秦州区法律援助中心", BodyKind.LEGAL_AID),
    ("秦州区心理健康服务中心", BodyKind.PSYCHOLOGY),
]


def follow_up_months() -> tuple[int, ...]:
    """Months after the outcome at which a case is followed up (``FULIAN_CASE_FOLLOW_UPS``)."""
    return tuple(getattr(settings, "FULIAN_CASE_FOLLOW_UPS", (1, 3, 6)))


def referral_answer_days() -> int:
    """Days a receiving body has to answer before a reminder (``FULIAN_REFERRAL_DAYS``)."""
    return int(getattr(settings, "FULIAN_REFERRAL_DAYS", 10))


# --- configuration ---------------------------------------------------------------------------


def ensure_defaults() -> None:
    """The time limit of each category and the usual outside bodies (idempotent)."""
    for category, (days, to_town) in DEFAULT_LIMITS.items():
        CategoryRule.objects.get_or_create(
            category=category, defaults={"days": days, "route_to_town": to_town}
        )
    for name, kind in DEFAULT_BODIES:
        OutsideBody.objects.get_or_create(name=name, defaults={"kind": kind})


def rule_for(category: str) -> tuple[int, bool]:
    rule = CategoryRule.objects.filter(category=category).first()
    if rule is not None:
        return rule.days, rule.route_to_town
    return DEFAULT_LIMITS.get(category, (7, False))


def _require_configure(actor: Any) -> None:
    if not actor.has_perm("fulian.configure"):
        raise PermissionDenied


@transaction.atomic
def set_category_rule(*, actor: Any, category: str, days: int, route_to_town: bool) -> CategoryRule:
    _require_configure(actor)
    if category not in Category.values:
        raise ValidationError({"category": _("诉求类别无效。")})
    if not 1 <= days <= 90:
        raise ValidationError({"days": _("办理时限应在 1 至 90 天之间。")})
    rule, _created = CategoryRule.objects.update_or_create(
        category=category, defaults={"days": days, "route_to_town": route_to_town}
    )
    return rule


@transaction.atomic
def add_outside_body(*, actor: Any, name: str, kind: str, contact: str = "") -> OutsideBody:
    _require_configure(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写机构名称。")})
    if kind not in BodyKind.values:
        raise ValidationError({"kind": _("机构类型无效。")})
    if OutsideBody.objects.filter(name=name).exists():
        raise ValidationError({"name": _("该机构已在列表中。")})
    return OutsideBody.objects.create(name=name, kind=kind, contact=contact.strip())


@transaction.atomic
def set_body_active(*, actor: Any, body: OutsideBody, active: bool) -> OutsideBody:
    _require_configure(actor)
    body.is_active = active
    body.save(update_fields=["is_active"])
    return body


# --- help requests ---------------------------------------------------------------------------


def route_org(place: Org, category: str) -> Org:
    """The federation that handles a request from ``place``: the village's own, or its
    town's (street's) where the category says so or the place is not a village."""
    _days, to_town = rule_for(category)
    if place.kind in VILLAGE_KINDS and not to_town:
        return place
    if place.kind in TOWN_KINDS:
        return place
    town = Org.objects.get_ancestors(place).filter(kind__in=TOWN_KINDS).order_by("-depth").first()
    return town or place


def _check_request_fields(*, category: str, place: Org, description: str, phone: str) -> None:
    errors: dict[str, str] = {}
    if category not in Category.values:
        errors["category"] = _("请选择诉求类别。")
    if place.kind not in (*VILLAGE_KINDS, *TOWN_KINDS) or place.status != "active":
        errors["place"] = _("请选择所在的村（社区）。")
    if len(description.strip()) < 5:
        errors["description"] = _("请简要说明遇到的情况（至少 5 个字）。")
    digits = normalise_phone(phone)
    if phone and not (digits.isdigit() and 7 <= len(digits) <= 12):
        errors["phone"] = _("电话号码格式不正确。")
    if errors:
        raise ValidationError(errors)


def _create_request(
    *,
    actor: Any,
    source: str,
    source_ref: str,
    category: str,
    place: Org,
    description: str,
    phone: str,
    may_call: bool,
    name: str,
    received_on: datetime.date,
    idempotency_key: uuid.UUID | str | None,
    visit: Visit | None = None,
) -> HelpRequest:
    key, existing = idempotency.existing(HelpRequest, idempotency_key, actor)
    if existing is not None:
        return existing
    _check_request_fields(category=category, place=place, description=description, phone=phone)
    if source not in Source.values:
        raise ValidationError({"source": _("来源无效。")})
    days, _to_town = rule_for(category)
    org = route_org(place, category)
    req = HelpRequest(
        org=org,
        place=place,
        category=category,
        source=source,
        source_ref=source_ref.strip()[:100],
        visit=visit,
        description=description.strip(),
        name=name.strip()[:30],
        may_call=may_call and bool(phone),
        received_on=received_on,
        due_on=received_on + datetime.timedelta(days=days),
        idempotency_key=key,
        created_by=actor,
    )
    req.phone = phone
    req, created = idempotency.save_new(req, key, actor)
    if not created:
        return req
    workflow.record(
        req,
        actor=actor,
        note=_("受理，交%(org)s办理") % {"org": org.name},
        created=True,
        org=org,
    )
    return req


@transaction.atomic
def submit_public_request(
    *,
    category: str,
    place: Org,
    description: str,
    phone: str = "",
    may_call: bool = True,
    name: str = "",
    idempotency_key: uuid.UUID | str | None = None,
    received_on: datetime.date | None = None,
) -> HelpRequest:
    """A request from the public form (no account). A repeat of the same submission (same
    key) returns the first request. ``received_on`` is for records of earlier online
    requests (the demo); the form and the API leave it to today."""
    if not phone.strip():
        raise ValidationError({"phone": _("请留下联系电话，方便妇联与您联系。")})
    return _create_request(
        actor=None,
        source=Source.ONLINE,
        source_ref="",
        category=category,
        place=place,
        description=description,
        phone=phone,
        may_call=may_call,
        name=name,
        received_on=min(received_on or periods.today(), periods.today()),
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def take_request(
    *,
    actor: Any,
    source: str,
    category: str,
    place: Org,
    description: str,
    phone: str = "",
    may_call: bool = True,
    name: str = "",
    source_ref: str = "",
    received_on: datetime.date | None = None,
    idempotency_key: uuid.UUID | str | None = None,
    visit_ref: int | None = None,
) -> HelpRequest:
    """A request taken in by staff: a walk-in, a 12338 call, a department's referral, a need
    found on a visit. ``visit_ref`` is the id of that visit in the duty app's register, which
    must be in the actor's scope."""
    if not actor.has_perm("fulian.edit"):
        raise PermissionDenied
    if not Org.objects.for_user(actor).filter(pk=place.pk).exists():
        raise PermissionDenied
    if source == Source.ONLINE:
        raise ValidationError({"source": _("网上求助只能由求助人自己提交。")})
    if visit_ref is not None and source != Source.VISIT:
        raise ValidationError({"visit_ref": _("只有走访发现的诉求才能关联走访记录。")})
    visit = None
    if visit_ref is not None:
        visit = Visit.objects.for_user(actor).filter(pk=visit_ref).first()
        if visit is None:
            raise ValidationError({"visit_ref": _("没有这条走访记录。")})
    on = received_on or periods.today()
    if on > periods.today():
        raise ValidationError({"received_on": _("受理日期不能晚于今天。")})
    return _create_request(
        actor=actor,
        source=source,
        source_ref=source_ref,
        category=category,
        place=place,
        description=description,
        phone=phone,
        may_call=may_call,
        name=name,
        received_on=on,
        idempotency_key=idempotency_key,
        visit=visit,
    )


def _require_request(actor: Any, req: HelpRequest) -> None:
    if not HelpRequest.objects.for_user(actor).filter(pk=req.pk).exists():
        raise PermissionDenied
    if not actor.has_perm("fulian.edit"):
        raise PermissionDenied


HANDLER_OUT_OF_SCOPE = _lazy("承办人须是承办组织（或其下级）的工作人员。")


def _check_handler(handler: Any, org: Org) -> None:
    if handler is None:
        return
    if not handler.is_active or handler.org_id is None or not org.contains(handler.org):
        raise ValidationError({"handler": HANDLER_OUT_OF_SCOPE})


@transaction.atomic
def assign_request(
    *, actor: Any, request: HelpRequest, handler: Any = None, note: str = ""
) -> HelpRequest:
    """Received → assigned: the org takes it on, naming who handles it."""
    _require_request(actor, request)
    if request.status != RequestStatus.RECEIVED:
        raise ValidationError(_("只有刚受理的诉求可以分派；已分派的请用“转办”。"))
    _check_handler(handler, request.org)
    request.handler = handler or actor
    workflow.move(
        request,
        RequestStatus.ASSIGNED,
        actor=actor,
        note=note or _("分派给%(name)s") % {"name": str(request.handler)},
        fields=["handler"],
        org=request.org,
    )
    return request


@transaction.atomic
def reassign_request(
    *, actor: Any, request: HelpRequest, org: Org, handler: Any = None, note: str
) -> HelpRequest:
    """Hand a request up the tree (to an org above the current one) or down (to an org in the
    actor's subtree), or to another handler. Lands in "assigned"."""
    _require_request(actor, request)
    if not note.strip():
        raise ValidationError({"note": _("请说明转办理由。")})
    up = org.pk != request.org_id and org.contains(request.org)
    in_scope = Org.objects.for_user(actor).filter(pk=org.pk).exists()
    if not (up or in_scope):
        raise PermissionDenied
    if org.kind not in (*VILLAGE_KINDS, *TOWN_KINDS, OrgKind.DISTRICT):
        raise ValidationError({"org": _("诉求只能转给区、乡镇（街道）或村（社区）妇联。")})
    _check_handler(handler, org)
    moved_from = request.org
    request.org = org
    request.handler = handler
    workflow.move(
        request,
        RequestStatus.ASSIGNED,
        actor=actor,
        note=_("由%(a)s转%(b)s：%(note)s") % {"a": moved_from.name, "b": org.name, "note": note},
        fields=["org", "handler"],
        org=org,
    )
    return request


@transaction.atomic
def start_request(*, actor: Any, request: HelpRequest, note: str = "") -> HelpRequest:
    _require_request(actor, request)
    if request.handler_id is None:
        request.handler = actor
    workflow.move(
        request,
        RequestStatus.IN_PROGRESS,
        actor=actor,
        note=note or _("开始办理"),
        fields=["handler"],
        org=request.org,
    )
    return request


@transaction.atomic
def add_reply(*, actor: Any, request: HelpRequest, text: str, public: bool = True) -> RequestReply:
    """A reply the woman sees on her status page, or (``public=False``) an internal note."""
    _require_request(actor, request)
    if not text.strip():
        raise ValidationError({"text": _("请填写内容。")})
    if request.status == RequestStatus.CLOSED:
        raise ValidationError(_("诉求已办结。"))
    reply = RequestReply.objects.create(
        request=request, text=text.strip(), public=public, author=actor
    )
    workflow.record(
        request,
        actor=actor,
        note=(_("答复：") if public else _("备注：")) + text.strip()[:200],
        org=request.org,
    )
    return reply


@transaction.atomic
def answer_request(
    *, actor: Any, request: HelpRequest, text: str, on: datetime.date | None = None
) -> HelpRequest:
    """In progress → answered, with the answer the woman sees."""
    _require_request(actor, request)
    if not text.strip():
        raise ValidationError({"text": _("请填写答复内容。")})
    on = on or periods.today()
    if on < request.received_on or on > periods.today():
        raise ValidationError({"on": _("答复日期应在受理日期与今天之间。")})
    RequestReply.objects.create(request=request, text=text.strip(), public=True, author=actor)
    request.answered_on = on
    workflow.move(
        request,
        RequestStatus.ANSWERED,
        actor=actor,
        note=_("答复：") + text.strip()[:200],
        fields=["answered_on"],
        org=request.org,
    )
    return request


@transaction.atomic
def reopen_request(*, actor: Any, request: HelpRequest, note: str) -> HelpRequest:
    _require_request(actor, request)
    if not note.strip():
        raise ValidationError({"note": _("请说明继续办理的原因。")})
    workflow.move(request, RequestStatus.IN_PROGRESS, actor=actor, note=note, org=request.org)
    return request


@transaction.atomic
def close_request(
    *,
    actor: Any,
    request: HelpRequest,
    feedback: str = Feedback.NONE,
    feedback_text: str = "",
    on: datetime.date | None = None,
) -> HelpRequest:
    """Answered → closed, with the woman's feedback where she gives it."""
    _require_request(actor, request)
    if feedback not in Feedback.values:
        raise ValidationError({"feedback": _("评价无效。")})
    on = on or periods.today()
    if request.answered_on and on < request.answered_on:
        raise ValidationError({"on": _("办结日期不能早于答复日期。")})
    request.feedback = feedback
    request.feedback_text = feedback_text.strip()[:300]
    request.closed_on = on
    workflow.move(
        request,
        RequestStatus.CLOSED,
        actor=actor,
        note=_("办结，评价：%(f)s") % {"f": Feedback(feedback).label},
        fields=["feedback", "feedback_text", "closed_on"],
        org=request.org,
    )
    return request


def reveal_phone(*, actor: Any, request: HelpRequest, reason: str, http_request: Any = None) -> str:
    """The woman's phone in clear, for those who handle requests; the read is logged."""
    _require_request(actor, request)
    if not reason.strip():
        raise ValidationError({"reason": _("请说明查看事由。")})
    log_access(user=actor, obj=request, field="phone", reason=reason.strip(), request=http_request)
    return request.phone


def find_by_code(code: str) -> HelpRequest | None:
    """The request with this tracking code, or None: a wrong code and a missing one look
    the same."""
    from fulian.cases.models import CODE_LENGTH, normalise_code

    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return HelpRequest.objects.filter(tracking_code=code).first()


# --- cases -----------------------------------------------------------------------------------


def _require_worker(actor: Any, case: Case) -> None:
    if access.access_to(actor, case) != access.Access.OPEN:
        raise PermissionDenied


def _next_number(year: int) -> str:
    prefix = f"HT{year}"
    last = Case.objects.filter(number__startswith=prefix).aggregate(m=Max("number"))["m"]
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


@transaction.atomic
def open_case(
    *,
    actor: Any,
    venue: Any,
    dispute_type: str,
    risk: str,
    summary: str,
    domestic_violence: bool = False,
    minors_involved: bool = False,
    opened_on: datetime.date | None = None,
    request: HelpRequest | None = None,
    mediators: Sequence[Any] = (),
    mediator_names: Sequence[str] = (),
) -> Case:
    """A case in a workroom, perhaps from a request. The actor becomes a mediator unless
    they open the workroom's cases anyway (its org admin)."""
    from fulian.venues.models import Venue, VenueType

    if not actor.has_perm("fulian.edit"):
        raise PermissionDenied
    if not Venue.objects.for_user(actor).filter(pk=venue.pk).exists():
        raise PermissionDenied
    if venue.type != VenueType.MEDIATION_WORKROOM:
        raise ValidationError({"venue": _("案件只能在执委婚调工作室办理。")})
    errors: dict[str, str] = {}
    if dispute_type not in DisputeType.values:
        errors["dispute_type"] = _("请选择纠纷类型。")
    if risk not in Risk.values:
        errors["risk"] = _("请选择风险等级。")
    if not summary.strip():
        errors["summary"] = _("请填写案情摘要。")
    on = opened_on or periods.today()
    if on > periods.today():
        errors["opened_on"] = _("受理日期不能晚于今天。")
    if request is not None:
        if not HelpRequest.objects.for_user(actor).filter(pk=request.pk).exists():
            raise PermissionDenied
        if Case.objects.filter(request=request).exists():
            errors["request"] = _("该诉求已转为案件。")
    if errors:
        raise ValidationError(errors)
    if domestic_violence and risk == Risk.NORMAL:
        risk = Risk.ELEVATED  # violence is never a normal-risk case
    case = Case(
        org=venue.org,
        venue=venue,
        request=request,
        dispute_type=dispute_type,
        risk=risk,
        domestic_violence=domestic_violence,
        minors_involved=minors_involved,
        summary=summary.strip(),
        opened_on=on,
        created_by=actor,
    )
    # Two cases opened at the same moment may draw the same next number: the unique
    # constraint refuses the second, which draws again.
    for attempt in range(5):
        case.number = _next_number(on.year)
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            if request is not None and Case.objects.filter(request=request).exists():
                raise ValidationError({"request": _("该诉求已转为案件。")}) from None
            if attempt == 4:
                raise
            case.pk = None
    workflow.record(case, actor=actor, note=_("受理案件"), created=True)
    users = list(dict.fromkeys(mediators))
    names = [n for n in mediator_names if n.strip()]
    # The actor mediates unless they open the case anyway; a case always has a mediator.
    opens = access.access_to(actor, case) == access.Access.OPEN
    if actor not in users and (not opens or not (users or names)):
        users.insert(0, actor)
    for n, user in enumerate(users):
        _check_mediator(actor, case, user)
        _add_mediator(case, user=user, name="", lead=n == 0)
    for name in names:
        _add_mediator(case, user=None, name=name, lead=False)
    if request is not None:
        workflow.record(
            request,
            actor=actor,
            note=_("转入婚调工作室调解：%(v)s") % {"v": venue.name},
            org=request.org,
        )
    return case


MEDIATOR_OUT_OF_SCOPE = _lazy("只能指派本组织范围内的执委。")


def _check_mediator(actor: Any, case: Case, user: Any) -> None:
    """A mediator with an account is someone in the actor's subtree or in the workroom's
    org's tree: nobody can hand a case to a stranger."""
    if user is None or user == actor:
        return
    if user.org_id is None or not (
        Org.objects.for_user(actor).filter(pk=user.org_id).exists() or case.org.contains(user.org)
    ):
        raise ValidationError({"user": MEDIATOR_OUT_OF_SCOPE})


def _add_mediator(case: Case, *, user: Any, name: str, lead: bool) -> CaseMediator:
    if user is not None:
        if not user.is_active or user.org_id is None:
            raise ValidationError({"user": _("调解员账号无效。")})
        if CaseMediator.objects.filter(case=case, user=user).exists():
            raise ValidationError({"user": _("该调解员已在案件中。")})
        name = str(user)
    name = name.strip()[:30]
    if not name:
        raise ValidationError({"name": _("请填写调解员姓名。")})
    return CaseMediator.objects.create(case=case, user=user, name=name, lead=lead)


@transaction.atomic
def add_mediator(
    *, actor: Any, case: Case, user: Any = None, name: str = "", lead: bool = False
) -> CaseMediator:
    """An executive with an account (who then opens the case) or a named mediator."""
    _require_worker(actor, case)
    _check_mediator(actor, case, user)
    mediator = _add_mediator(case, user=user, name=name, lead=lead)
    workflow.record(case, actor=actor, note=_("指派调解员：%(n)s") % {"n": mediator.name})
    return mediator


@transaction.atomic
def remove_mediator(*, actor: Any, mediator: CaseMediator) -> None:
    case = mediator.case
    _require_worker(actor, case)
    if case.mediators.count() <= 1:
        raise ValidationError(_("案件至少要有一名调解员。"))
    name = mediator.name
    mediator.delete()
    workflow.record(case, actor=actor, note=_("撤换调解员：%(n)s") % {"n": name})


@transaction.atomic
def add_party(
    *,
    actor: Any,
    case: Case,
    role: str,
    name: str,
    is_minor: bool = False,
    id_number: str = "",
    phone: str = "",
    note: str = "",
) -> CaseParty:
    """A party to the dispute. The ID number (optional: the agreement names the parties by
    it) and the phone are stored encrypted and shown masked."""
    from fulian.people.validators import parse_id_number

    _require_worker(actor, case)
    errors: dict[str, Any] = {}
    if role not in PartyRole.values:
        errors["role"] = _("请选择当事人身份。")
    if not name.strip():
        errors["name"] = _("请填写姓名。")
    if id_number.strip():
        try:
            id_number = parse_id_number(id_number).number
        except ValidationError as error:
            errors["id_number"] = error.messages
    digits = normalise_phone(phone)
    if phone.strip() and not (digits.isdigit() and 7 <= len(digits) <= 12):
        errors["phone"] = _("电话号码格式不正确。")
    if errors:
        raise ValidationError(errors)
    if role == PartyRole.CHILD:
        is_minor = True
    party = CaseParty(
        case=case,
        role=role,
        name=name.strip()[:30],
        is_minor=is_minor,
        note=note.strip()[:200],
    )
    party.phone = digits if phone.strip() else ""
    party.id_number = id_number.strip()
    party.save()
    if is_minor and not case.minors_involved:
        case.minors_involved = True
        case.save(update_fields=["minors_involved", "updated_at"])
    workflow.record(
        case, actor=actor, note=_("登记当事人（%(r)s）") % {"r": party.get_role_display()}
    )
    return party


def reveal_party(
    *, actor: Any, party: CaseParty, field: str, reason: str, http_request: Any = None
) -> str:
    """A party's ID number or phone in clear, for those who work on the case; the read is
    logged with its reason. A minor's details are never revealed."""
    _require_worker(actor, party.case)
    if field not in ("id_number", "phone"):
        raise ValidationError({"field": _("只能查看身份证号或电话。")})
    if party.is_minor:
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("请说明查看事由。")})
    log_access(
        user=actor,
        obj=party.case,
        field=f"party.{field}",
        reason=reason.strip(),
        request=http_request,
    )
    return str(getattr(party, field))


@transaction.atomic
def record_session(
    *,
    actor: Any,
    case: Case,
    date: datetime.date,
    attendees: str,
    agreed: str = "",
    notes: str = "",
) -> MediationSession:
    """A session held; the first one moves an accepted case to "mediating"."""
    _require_worker(actor, case)
    if case.status in (CaseStatus.CONCLUDED, CaseStatus.CLOSED):
        raise ValidationError(_("案件已出结果，不能再登记调解；如需继续调解请先重新调解。"))
    if date < case.opened_on or date > periods.today():
        raise ValidationError({"date": _("调解日期应在受理日期与今天之间。")})
    if not attendees.strip():
        raise ValidationError({"attendees": _("请填写参加人员。")})
    session = MediationSession.objects.create(
        case=case,
        date=date,
        attendees=attendees.strip()[:200],
        agreed=agreed.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    note = _("调解会谈 %(d)s") % {"d": f"{date:%Y-%m-%d}"}
    if case.status == CaseStatus.ACCEPTED:
        workflow.move(case, CaseStatus.MEDIATING, actor=actor, note=note)
    else:
        workflow.record(case, actor=actor, note=note)
    return session


def _add_months(day: datetime.date, months: int) -> datetime.date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def conclude_case(
    *,
    actor: Any,
    case: Case,
    outcome: str,
    note: str = "",
    on: datetime.date | None = None,
    agreement_text: str = "",
) -> Case:
    """Record the outcome and plan the follow-up visits (``follow_up_months()``)."""
    _require_worker(actor, case)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("请选择调解结果。")})
    on = on or periods.today()
    if on < case.opened_on or on > periods.today():
        raise ValidationError({"on": _("结果日期应在受理日期与今天之间。")})
    if outcome == Outcome.REFERRED and not case.referrals.exists():
        raise ValidationError({"outcome": _("结果为“转介”时，请先登记转介。")})
    case.outcome = outcome
    case.outcome_note = note.strip()
    case.concluded_on = on
    if agreement_text.strip():
        case.agreement_text = agreement_text.strip()
    workflow.move(
        case,
        CaseStatus.CONCLUDED,
        actor=actor,
        note=_("调解结果：%(o)s") % {"o": Outcome(outcome).label},
        fields=["outcome", "outcome_note", "concluded_on", "agreement_text"],
    )
    case.follow_ups.filter(done_on__isnull=True).delete()
    done = set(case.follow_ups.values_list("months", flat=True))
    FollowUp.objects.bulk_create(
        FollowUp(case=case, months=m, due_on=_add_months(on, m))
        for m in follow_up_months()
        if m not in done
    )
    return case


@transaction.atomic
def resume_case(*, actor: Any, case: Case, note: str) -> Case:
    """Concluded → mediating again (the agreement did not hold)."""
    _require_worker(actor, case)
    if not note.strip():
        raise ValidationError({"note": _("请说明重新调解的原因。")})
    workflow.move(case, CaseStatus.MEDIATING, actor=actor, note=note)
    return case


@transaction.atomic
def record_follow_up(
    *, actor: Any, follow_up: FollowUp, on: datetime.date, finding: str
) -> FollowUp:
    case = follow_up.case
    _require_worker(actor, case)
    if not finding.strip():
        raise ValidationError({"finding": _("请填写回访情况。")})
    if (case.concluded_on and on < case.concluded_on) or on > periods.today():
        raise ValidationError({"on": _("回访日期应在结果日期与今天之间。")})
    follow_up.done_on = on
    follow_up.finding = finding.strip()
    follow_up.done_by = actor
    follow_up.save(update_fields=["done_on", "finding", "done_by"])
    workflow.record(case, actor=actor, note=_("%(m)d 个月回访") % {"m": follow_up.months})
    return follow_up


@transaction.atomic
def close_case(*, actor: Any, case: Case, on: datetime.date | None = None, note: str = "") -> Case:
    """Concluded → closed. A high-risk case needs at least one follow-up done."""
    _require_worker(actor, case)
    if case.is_high_risk and not case.follow_ups.filter(done_on__isnull=False).exists():
        raise ValidationError(_("高风险案件须至少完成一次回访后才能结案。"))
    on = on or periods.today()
    if case.concluded_on and on < case.concluded_on:
        raise ValidationError({"on": _("结案日期不能早于结果日期。")})
    case.closed_on = on
    workflow.move(
        case, CaseStatus.CLOSED, actor=actor, note=note or _("结案"), fields=["closed_on"]
    )
    return case


AGREEMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/jpeg",
        "image/png",
    }
)


@transaction.atomic
def upload_agreement(*, actor: Any, case: Case, upload: Any) -> Case:
    """The signed agreement (PDF, Word or a photo), checked by its content."""
    from fulian.core.uploads import check_upload, safe_name

    _require_worker(actor, case)
    checked = check_upload(upload)
    if checked.content_type not in AGREEMENT_TYPES:
        raise ValidationError({"file": _("调解协议只能是 PDF、Word 文件或照片。")})
    name = safe_name(getattr(upload, "name", "") or "agreement", checked.extension)
    from django.core.files.base import ContentFile

    upload.seek(0)
    case.agreement_file.save(
        f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(upload.read()), save=False
    )
    case.agreement_name = name
    case.agreement_type = checked.content_type
    case.save(update_fields=["agreement_file", "agreement_name", "agreement_type", "updated_at"])
    workflow.record(case, actor=actor, note=_("上传调解协议"))
    return case


def read_case(
    *, actor: Any, case: Case, reason: str = "", http_request: Any = None
) -> access.Access:
    """Check that ``actor`` may read the whole case and log the read. A district admin
    needs a reason; others with no access get PermissionDenied (views answer 404)."""
    level = access.access_to(actor, case)
    if level == access.Access.NONE:
        raise PermissionDenied
    if level == access.Access.WITH_REASON and not reason.strip():
        raise ValidationError({"reason": _("查看调解案件须说明事由。")})
    log_access(user=actor, obj=case, field="case", reason=reason.strip(), request=http_request)
    return level


# --- referrals -------------------------------------------------------------------------------


@transaction.atomic
def refer_case(
    *,
    actor: Any,
    case: Case,
    reason: str,
    to_org: Org | None = None,
    to_body: OutsideBody | None = None,
    on: datetime.date | None = None,
    answer_days: int | None = None,
) -> Referral:
    _require_worker(actor, case)
    if (to_org is None) == (to_body is None):
        raise ValidationError({"to_org": _("请选择转介至一个组织或一个外部机构。")})
    if to_body is not None and not to_body.is_active:
        raise ValidationError({"to_body": _("该机构已停用。")})
    if to_org is not None and to_org.pk == case.org_id:
        raise ValidationError({"to_org": _("不能转介给本组织。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请填写转介理由。")})
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("案件已结案。"))
    on = on or periods.today()
    if on < case.opened_on or on > periods.today():
        raise ValidationError({"on": _("转介日期应在受理日期与今天之间。")})
    days = answer_days if answer_days is not None else referral_answer_days()
    referral = Referral.objects.create(
        case=case,
        to_org=to_org,
        to_body=to_body,
        reason=reason.strip(),
        sent_on=on,
        answer_by=on + datetime.timedelta(days=days),
        created_by=actor,
    )
    workflow.record(referral, actor=actor, note=_("转介"), created=True)
    workflow.record(case, actor=actor, note=_("转介至%(r)s") % {"r": referral.receiver_name})
    return referral


@transaction.atomic
def answer_referral(
    *, actor: Any, referral: Referral, answer: str, on: datetime.date | None = None
) -> Referral:
    _require_worker(actor, referral.case)
    if not answer.strip():
        raise ValidationError({"answer": _("请填写接收方的回复。")})
    on = on or periods.today()
    if on < referral.sent_on or on > periods.today():
        raise ValidationError({"on": _("回复日期应在转介日期与今天之间。")})
    referral.answer = answer.strip()
    referral.answered_on = on
    workflow.move(
        referral,
        ReferralStatus.ANSWERED,
        actor=actor,
        note=answer.strip()[:200],
        fields=["answer", "answered_on"],
    )
    workflow.record(
        referral.case, actor=actor, note=_("%(r)s已回复") % {"r": referral.receiver_name}
    )
    return referral


@transaction.atomic
def withdraw_referral(*, actor: Any, referral: Referral, note: str) -> Referral:
    _require_worker(actor, referral.case)
    if not note.strip():
        raise ValidationError({"note": _("请说明撤回原因。")})
    workflow.move(referral, ReferralStatus.WITHDRAWN, actor=actor, note=note)
    return referral


@transaction.atomic
def remind_referrals(*, today: datetime.date | None = None) -> int:
    """Record a reminder on every referral past its answer date with no answer and no
    reminder in the last ``referral_answer_days()`` days. Returns how many."""
    today = today or periods.today()
    gap = datetime.timedelta(days=referral_answer_days())
    count = 0
    for referral in Referral.objects.awaiting(today).select_related("to_org", "to_body"):
        if referral.reminded_on and referral.reminded_on + gap > today:
            continue
        referral.reminded_on = today
        referral.save(update_fields=["reminded_on"])
        workflow.record(
            referral,
            actor=None,
            note=_("逾期未回复，已催办（应于 %(d)s 前回复）")
            % {"d": f"{referral.answer_by:%Y-%m-%d}"},
        )
        count += 1
    return count
