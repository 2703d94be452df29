"""Demo data of notices and periodic reports, for 2023:

* an account for the chair of every town and street federation (the two demo logins
  ``tianshui-town`` and ``zaojiao-town``, and 21 more that cannot log in: no password), so
  that the district's notices to the 23 towns have readers;
* five notices from the district to all 23 towns across the year, read by most towns and
  not by some (some reminded), two asking for a reply by a deadline (some replies late), one
  with a task shown done by the records (a 法进万家 activity anywhere under the town);
* a notice of 皂郊镇 to its 36 villages and communities with the same task: the villages
  whose records show such an activity since the notice are done, the others not; 下寨子
  (the ``xiazhaizi-village`` login) has read it;
* the four quarterly rounds and the annual round of 2023, reported by the 23 towns, with
  every status (not started, draft, submitted, returned, accepted, reopened) and every
  timeliness a past round can have (on time, late, missing); the figures are filled from the
  records for each period, a few corrected with a reason.

Deterministic (fixed seed) and idempotent: a second run finds the notices by their
idempotency keys and the rounds by their titles and creates nothing.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from auditlog.context import disable_auditlog

from fulian.accounts.models import Role, User
from fulian.core.periods import Period
from fulian.events.models import Campaign
from fulian.notices import services
from fulian.notices.models import Notice, Report, ReportStatus, Round
from fulian.orgs.models import Org, OrgKind
from fulian.people.models import Position, PositionKind

SEED = 20230220
NAMESPACE = uuid.UUID("9d3a6c1e-5b7f-4e2a-8c90-1f2e3d4c2023")
TZ = ZoneInfo("Asia/Shanghai")
ZAOJIAO = "620502103"


def key(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def moment(day: str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour, minute), tzinfo=TZ
    )


@dataclass(frozen=True)
class NoticePlan:
    name: str
    title: str
    body: str
    sent: str  # day
    read: int  # how many of the 23 towns read it
    urgency: str = "normal"
    reply_by: str = ""
    replies: int = 0
    late: int = 0  # of the replies, after the deadline
    task: bool = False
    reminded: bool = False


NOTICES = [
    NoticePlan(
        "womens-day",
        "关于开展2023年“三八”国际妇女节系列活动的通知",
        "各乡镇、街道妇联：\n\n为庆祝“三八”国际妇女节113周年，请结合实际组织开展“巾帼心向党 "
        "奋进新征程”主题活动，于3月3日前将活动方案回执区妇联。\n\n秦州区妇联",
        "2023-02-20",
        read=23,
        urgency="urgent",
        reply_by="2023-03-03",
        replies=22,
        late=3,
    ),
    NoticePlan(
        "law-homes",
        "关于开展“法进万家安民心”主题宣传活动的通知",
        "各乡镇、街道妇联：\n\n请于6月30日前组织所辖村（社区）开展至少一次“法进万家安民心”"
        "普法宣传活动，活动在平台登记即视为完成，无需另行报告。\n\n秦州区妇联",
        "2023-04-03",
        read=21,
        task=True,
        reminded=True,
    ),
    NoticePlan(
        "lingtouyan",
        "关于报送“领头雁”培训班参训人员名单的通知",
        "各乡镇、街道妇联：\n\n第一期“领头雁”培训班定于8月29日至31日举办，请于8月25日前"
        "回执参训的主席、执委和网格员名单。\n\n秦州区妇联",
        "2023-08-15",
        read=18,
        reply_by="2023-08-25",
        replies=15,
        late=2,
        reminded=True,
    ),
    NoticePlan(
        "year-end",
        "关于做好2023年度工作总结和报表报送工作的通知",
        "各乡镇、街道妇联：\n\n请按报表报送要求，于2024年1月15日前完成2023年度报表报送，"
        "文字报告突出工作亮点和存在问题。\n\n秦州区妇联",
        "2023-11-20",
        read=20,
    ),
    NoticePlan(
        "love-home",
        "关于开展“把爱带回家”寒假儿童关爱服务的通知",
        "各乡镇、街道妇联：\n\n请摸清辖区留守儿童、困境儿童底数，寒假期间组织开展陪伴、"
        "安全教育等关爱服务。\n\n秦州区妇联",
        "2023-12-20",
        read=10,
        urgency="very_urgent",
    ),
]

INDICATORS = [
    "events.activities",
    "events.trainings",
    "events.training_attendances",
    "duty.visits",
    "building.units_without_org",
]


@dataclass(frozen=True)
class RoundPlan:
    title: str
    period: str
    due: str
    # how many of the 23 towns end in each state, in path order; the rest never started
    accepted: int
    late: int = 0  # of the accepted, first submitted after the due date
    reopened: int = 0
    submitted: int = 0
    returned: int = 0
    draft: int = 0


ROUNDS = [
    RoundPlan("2023年第一季度工作报表", "2023Q1", "2023-04-10", accepted=22, late=2),
    RoundPlan(
        "2023年第二季度工作报表", "2023Q2", "2023-07-10", accepted=18, late=1, reopened=1,
        submitted=2, returned=1,
    ),
    RoundPlan(
        "2023年第三季度工作报表", "2023Q3", "2023-10-10", accepted=15, late=3, submitted=4,
        returned=2, draft=1,
    ),
    RoundPlan(
        "2023年第四季度工作报表", "2023Q4", "2024-01-10", accepted=12, late=2, submitted=6,
        returned=1, draft=2,
    ),
    RoundPlan(
        "2023年度工作报表", "2023", "2024-01-15", accepted=10, late=1, submitted=5,
        returned=2, draft=3,
    ),
]  # fmt: skip

RETURN_COMMENTS = [
    "活动次数与台账不符，请核对后重新报送。",
    "文字报告过于简略，请补充亮点工作和存在问题。",
    "走访次数明显偏低，请核实是否漏录。",
]
CORRECTION_REASONS = [
    "一次村级活动未录入系统，有签到表为证",
    "联合开展的活动已在主办单位统计，此处扣除",
    "补录纸质登记的走访记录",
]
REOPEN_NOTE = "统计口径调整：走访次数须含“三访三帮”走访，请重新核报。"


def _town_accounts(towns: list[Org]) -> dict[int, User]:
    """Each town's chair account: the demo logins where they exist, else one without a
    password (it only reads and reports in the demo)."""
    accounts: dict[int, User] = {}
    existing = {u.org_id: u for u in User.objects.filter(org__in=towns, role=Role.ORG_ADMIN)}
    chairs = dict(
        Position.objects.filter(org__in=towns, kind=PositionKind.CHAIR)
        .current(datetime.date(2023, 6, 30))
        .values_list("org_id", "person__name")
    )
    for town in towns:
        user = existing.get(town.pk)
        if user is None:
            user = User.objects.filter(username=f"chair-{town.code}").first()
        if user is None:
            name = chairs.get(town.pk, "")
            user = User(
                username=f"chair-{town.code}",
                full_name=f"{name}（{town.name}妇联主席）" if name else f"{town.name}妇联主席",
                org=town,
                role=Role.ORG_ADMIN,
            )
            user.set_unusable_password()
            user.save()
        accounts[town.pk] = user
    return accounts


def _notices(
    district: Org, towns: list[Org], accounts: dict[int, User], admin: User, rng: random.Random
) -> int:
    made = 0
    law_homes = Campaign.objects.filter(code="law_homes").first()
    for plan in NOTICES:
        if Notice.objects.filter(idempotency_key=key(plan.name)).exists():
            continue
        sent = moment(plan.sent, 9, 30)
        notice = services.send_notice(
            actor=admin,
            title=plan.title,
            body=plan.body,
            targets=towns,
            urgency=plan.urgency,
            reply_required=bool(plan.reply_by),
            reply_deadline=datetime.date.fromisoformat(plan.reply_by) if plan.reply_by else None,
            task_kind="activity" if plan.task and law_homes else "",
            task_campaign=law_homes if plan.task else None,
            task_due=datetime.date(2023, 6, 30) if plan.task else None,
            idempotency_key=key(plan.name),
            at=sent,
        )
        made += 1
        readers = sorted(rng.sample(towns, plan.read), key=lambda o: o.path)
        for town in readers:
            read_at = sent + datetime.timedelta(
                hours=rng.randint(1, 60), minutes=rng.randint(0, 59)
            )
            services.open_notice(actor=accounts[town.pk], notice=notice, at=read_at)
        if plan.reminded:
            services.remind(actor=admin, notice=notice, at=sent + datetime.timedelta(days=3))
        if plan.replies:
            deadline = moment(plan.reply_by, 17)
            repliers = rng.sample(readers, plan.replies)
            for n, town in enumerate(repliers):
                late = n < plan.late
                at = deadline + datetime.timedelta(days=rng.randint(1, 4)) if late else (
                    deadline - datetime.timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 6))
                )  # fmt: skip
                services.reply(
                    actor=accounts[town.pk],
                    notice=notice,
                    text=f"{town.name}妇联已收到，按要求落实。",
                    at=at,
                )
    return made


def _village_task(admin_town: User, reader: User | None) -> int:
    """皂郊镇's task to its villages: done where the records show a 法进万家 activity."""
    if Notice.objects.filter(idempotency_key=key("zaojiao-law-homes")).exists():
        return 0
    town = admin_town.org
    assert town is not None
    villages = list(
        Org.objects.get_children(town).filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY])
    )
    sent = moment("2023-04-06", 10)
    notice = services.send_notice(
        actor=admin_town,
        title="关于各村（社区）开展“法进万家”普法宣传活动的通知",
        body="各村（社区）妇联：\n\n请于6月30日前各开展一次“法进万家安民心”普法宣传活动，"
        "活动在平台登记后自动显示完成。\n\n皂郊镇妇联",
        targets=villages,
        task_kind="activity",
        task_campaign=Campaign.objects.filter(code="law_homes").first(),
        task_due=datetime.date(2023, 6, 30),
        idempotency_key=key("zaojiao-law-homes"),
        at=sent,
    )
    if reader is not None:
        services.open_notice(actor=reader, notice=notice, at=sent + datetime.timedelta(hours=2))
    return 1


def _rounds(district: Org, towns: list[Org], accounts: dict[int, User], admin: User) -> int:
    made = 0
    for number, plan in enumerate(ROUNDS):
        if Round.objects.filter(org=district, title=plan.title).exists():
            continue
        period = Period.parse(plan.period)
        due = datetime.date.fromisoformat(plan.due)
        rnd = services.create_round(
            actor=admin,
            title=plan.title,
            period_code=plan.period,
            indicators=INDICATORS,
            due=due,
            narrative_prompt="请简述本期工作亮点、存在问题和下一步打算（300字以内）。",
        )
        made += 1
        _reports(rnd, plan, period, due, towns, accounts, admin, random.Random(SEED + number))
    return made


def _reports(
    rnd: Round,
    plan: RoundPlan,
    period: Period,
    due: datetime.date,
    towns: list[Org],
    accounts: dict[int, User],
    admin: User,
    rng: random.Random,
) -> None:
    # Towns in path order take the states in this order; the last ones never start.
    states = (
        ["accepted"] * plan.accepted
        + ["reopened"] * plan.reopened
        + ["submitted"] * plan.submitted
        + ["returned"] * plan.returned
        + ["draft"] * plan.draft
    )
    order = towns[:]
    rng.shuffle(order)
    late = {t.pk for t in order[: plan.late]}
    start = moment((period.end + datetime.timedelta(days=1)).isoformat(), 9)
    for n, (town, state) in enumerate(zip(order, states, strict=False)):
        actor = accounts[town.pk]
        opened = start + datetime.timedelta(minutes=20 * n)
        report = services.start_report(actor=actor, round=rnd, at=opened)
        units = services.live_figures(rnd, town).get("building.units_without_org")
        corrections: dict[str, tuple[Any, str]] = {}
        if units is None:  # a register's current count: no figure of a past quarter
            corrections["building.units_without_org"] = (rng.randint(0, 2), "")
        if n % 7 == 3:
            activities = report.figures.get(code="events.activities").computed or 0
            corrections["events.activities"] = (
                activities + 1,
                CORRECTION_REASONS[n % len(CORRECTION_REASONS)],
            )
        services.save_report(
            actor=actor,
            report=report,
            narrative=f"{town.name}妇联{period.label}围绕“强组织、全队伍、能培训、干履职”"
            "开展工作，按计划完成各项任务。",
            corrections=corrections,
        )
        if state == "draft":
            continue
        if town.pk in late:
            submitted = moment((due + datetime.timedelta(days=rng.randint(1, 6))).isoformat(), 16)
        else:
            submitted = moment((due - datetime.timedelta(days=rng.randint(0, 8))).isoformat(), 11)
        services.submit_report(actor=actor, report=report, at=submitted)
        reviewed = submitted + datetime.timedelta(days=1, hours=rng.randint(0, 5))
        if state == "submitted":
            continue
        if state == "returned":
            services.review_report(
                actor=admin,
                report=report,
                accept=False,
                comment=RETURN_COMMENTS[n % len(RETURN_COMMENTS)],
                at=reviewed,
            )
            continue
        services.review_report(actor=admin, report=report, accept=True, at=reviewed)
        if state == "reopened":
            services.reopen_report(
                actor=admin,
                report=report,
                note=REOPEN_NOTE,
                at=reviewed + datetime.timedelta(days=5),
            )


def load(stdout: Any) -> None:
    district = Org.objects.filter(code="620502").first()
    admin = User.objects.filter(username="qinzhou-admin").first()
    zaojiao = User.objects.filter(username="zaojiao-town").first()
    if district is None or admin is None or zaojiao is None:
        stdout.write("notices: no 秦州区 tree or no demo logins, skipped")
        return
    towns = list(
        Org.objects.get_children(district)
        .filter(kind__in=[OrgKind.TOWN, OrgKind.STREET], status="active")
        .order_by("path")
    )
    rng = random.Random(SEED)
    with disable_auditlog():
        accounts = _town_accounts(towns)
        made = _notices(district, towns, accounts, admin, rng)
        made += _village_task(zaojiao, User.objects.filter(username="xiazhaizi-village").first())
        made += _rounds(district, towns, accounts, admin)
    if not made:
        stdout.write("notices: demo already loaded, nothing created")
        return
    counts = {s: Report.objects.filter(status=s).count() for s in ReportStatus.values}
    stdout.write(
        f"notices: {Notice.objects.count()} notices, {Round.objects.count()} reporting rounds, "
        f"reports {counts}"
    )
