"""Demo data of 干 duty, for 2023, with the report's figures:

* at the February 八届二次执委（扩大）会议: 8 duty reports, each with the chair's one comment
  (一述一评), and a democratic evaluation of all executives, voted with one-time codes by
  the executives present;
* duty-review meetings of three towns (皂郊镇, 天水镇, 齐寿镇), with their executives' reports
  and comments, and an evaluation round at 皂郊镇;
* project libraries (实事项目库) in villages and communities: the district's 41 executives
  claim 68 projects across the year (一人一事: a second claim only after the first is
  done), some completed and verified, some still in progress at year end; village
  executives claim projects of their own libraries; some projects still wait for a claimant
  or for review;
* visits (大走访) across the year, with the 三访三帮 day at 齐寿镇 on 15 June, follow-ups done
  and a few overdue;
* the demo login ``xiazhaizi-village`` is linked to an executive of 下寨子, so "my projects"
  and "my duty file" show her records.

Deterministic (fixed seed) and idempotent: a second run finds the records by their
idempotency keys (or the meeting's reports) and creates nothing. Names of the people visited
are generated, never real people's.
"""

from __future__ import annotations

import datetime
import io
import random
import uuid
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fulian.accounts.models import User
from fulian.duty import services
from fulian.duty.models import (
    EXECUTIVE_KINDS,
    AccountLink,
    Claim,
    ClaimHistory,
    DifficultyCategory,
    DutyReport,
    EvaluationRound,
    Grade,
    Project,
    RoundHistory,
    Visit,
)
from fulian.events.demo import key as event_key
from fulian.events.models import Activity, ActivityKind, Attendance, AttendanceStatus, Campaign
from fulian.orgs.models import Org, OrgKind
from fulian.people.demo import GIVEN, SURNAMES
from fulian.people.models import Person, Position

SEED = 20230216
NAMESPACE = uuid.UUID("3f1c7a52-9b0e-4d6a-8c21-5e7f2a9d2023")
YEAR = 2023
DUTY_REPORTS = 8
CLAIMS = 68  # by the district's 41 executives
REVIEW_TOWNS = ("620502103", "620502108", "620502112")  # 皂郊镇, 天水镇, 齐寿镇
QISHOU = "620502112"

# Service projects a village or community library offers: title, the need, who benefits.
PROJECTS = [
    ("留守儿童周末课堂", "村里留守儿童周末无人辅导作业，安全隐患多", "留守儿童", 25),
    ("巾帼家政技能培训", "农闲时节妇女想学家政服务技能外出务工", "有就业意愿的妇女", 30),
    ("“法律明白人”进网格", "婚姻家庭、土地承包纠纷多，群众缺少法律咨询渠道", "网格内妇女群众", 120),
    ("困难妇女“两癌”筛查帮扶", "部分困难妇女未参加过“两癌”检查", "35—64岁困难妇女", 40),
    ("美丽庭院示范户创建", "庭院杂物乱堆乱放，人居环境有待改善", "网格内农户", 50),
    ("妇女手工编织合作社", "留守妇女有手艺，缺少订单和销售渠道", "留守妇女", 18),
    ("电商直播带货培训", "花椒、苹果等农产品销路窄，妇女想学网上销售", "返乡创业妇女", 20),
    ("春蕾助学结对", "困难家庭女童上学费用有困难", "困难家庭女童", 6),
    ("家庭教育微课堂", "年轻父母外出务工，隔代教育问题突出", "学生家长和祖辈", 60),
    ("独居老人结对关爱", "独居老年妇女日常照料和精神慰藉不足", "独居老年妇女", 12),
    ("反家暴知识进万家", "部分妇女不了解人身安全保护令", "网格内家庭", 150),
    ("妇女议事会规范运行", "村级妇女议事会议题少、运行不规范", "村妇联执委和妇女代表", 15),
    ("“把爱带回家”寒暑假陪伴", "假期留守儿童缺少陪伴和看护", "留守儿童", 30),
    ("巾帼志愿清洁日", "村组道路和河道卫生需要常态化维护", "网格内村民", 200),
    ("心理疏导“知心姐姐”", "单亲母亲和困境家庭妇女心理压力大", "单亲、困境妇女", 10),
    ("手工艺品展销对接", "刺绣、剪纸作品缺少展示和销售平台", "手工艺妇女", 15),
]
REPORT_WORK = [
    "牵头在所在行业开展“我为妇女儿童办实事”活动，认领实事项目并按期推进",
    "参加区妇联组织的集中学习和“领头雁”培训，学习贯彻党的二十大精神",
    "深入联系村社区开展走访调研，了解困难妇女和留守儿童的实际需求",
    "结合本职工作宣传《妇女权益保障法》《反家庭暴力法》，参与矛盾纠纷化解",
    "发动身边妇女参与巾帼共建美丽家园、家庭家教家风建设等活动",
    "为困难妇女联系就业岗位和技能培训，帮助解决生产生活中的实际困难",
]
REPORT_SHORT = [
    "联系基层不够经常，调研的深度还需加强",
    "发挥行业优势带动妇女群众的办法还不够多",
    "履职记录和材料整理不够及时",
    "对新兴领域妇女群体的了解还不够",
]
COMMENT_GOOD = [
    "履职主动，认领的实事项目推进扎实，群众认可度高",
    "立足行业特点服务妇女儿童，作用发挥明显",
    "积极参加各项活动和学习培训，走访调研深入",
    "在矛盾纠纷化解和权益维护方面做了大量工作",
]
COMMENT_ASK = [
    "希望进一步加强与基层妇联的联系，把更多资源带到村社区",
    "希望今后注重总结经验，形成可复制的工作做法",
    "希望在“一人一事”中发挥示范带动作用",
    "希望加强学习，提升履职能力和服务水平",
]
# A visit's eight actions (看、听、问、帮、报、想、讲、记): phrases per situation.
VISIT_PLANS = [
    (["poor_family"], "家中三口人，丈夫务工受伤在家休养，收入主要靠种植花椒",
     {"look": "查看住房和家中生活条件", "ask": "询问家庭收入和孩子上学情况",
      "help": "送去米面油等慰问品，协助申请临时救助", "note": "登记家庭基本情况"},
     "希望孩子上学能申请助学补助", "送慰问品一份，帮助联系村委会申请临时救助"),
    (["left_behind"], "丈夫常年在外务工，本人在家照顾两个孩子和老人",
     {"listen": "倾听照顾老人孩子的压力", "ask": "了解孩子学习和身体情况",
      "explain": "讲解家庭教育和儿童防溺水知识"},
     "希望孩子寒暑假有人看护", "推荐孩子参加村里“把爱带回家”假期陪伴活动"),
    (["employment"], "返乡创业，经营一家小型农产品网店",
     {"ask": "询问创业中遇到的困难", "think": "帮她理一理产品包装和销售思路",
      "report": "把贷款需求报镇妇联"},
     "想申请创业担保贷款扩大经营", "讲解创业担保贷款政策，联系镇妇联对接银行"),
    (["single_parent"], "离异后独自抚养女儿，在镇上打零工",
     {"listen": "听她讲述独自抚养孩子的难处", "help": "帮助联系公益岗位",
      "note": "纳入重点关爱对象台账"},
     "希望找一份时间灵活的工作", "推荐到村里公益性岗位，纳入春蕾助学关注名单"),
    (["elderly_alone"], "老伴去世，子女在外地，独自居住",
     {"look": "查看用电用火安全", "listen": "陪老人拉家常", "help": "帮助打扫卫生"},
     "行动不便，看病拿药困难", "与村医约定每月上门一次"),
    (["illness", "poor_family"], "丈夫患重病长期治疗，家庭因病致贫",
     {"ask": "了解医保报销和救助情况", "report": "将大病救助需求报镇民政",
      "explain": "讲解大病医疗救助政策"},
     "医药费负担重", "协助申请大病救助，送去区妇联慰问金"),
    (["disabled"], "本人肢体残疾，在家从事手工编织",
     {"look": "查看手工编织作品", "think": "考虑对接手工合作社订单", "note": "登记技能特长"},
     "希望手工作品有稳定销路", "推荐加入妇女手工编织合作社"),
    (["special_hardship"], "家中孩子患有先天性疾病，母亲全职照顾",
     {"listen": "倾听照顾患病孩子的压力", "help": "联系“知心姐姐”心理疏导",
      "report": "将困难情况报区妇联"},
     "希望得到心理支持和康复信息", "安排心理疏导志愿者结对"),
]  # fmt: skip
CHILD_PLAN = (
    ["left_behind"],
    "父母在外务工，随祖母生活，读小学四年级",
    {"look": "查看学习和生活环境", "ask": "询问学习情况和在校表现",
     "explain": "讲解防溺水、防性侵安全知识"},
    "作业无人辅导", "纳入留守儿童周末课堂，结对“爱心妈妈”",
)  # fmt: skip
VILLAGE_GROUPS = "一二三四五六七八"


def key(*parts: Any) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _photo(rng: random.Random) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (236, 228, 214))
    draw = ImageDraw.Draw(image)
    for _i in range(6):
        x, y = rng.randrange(0, 560), rng.randrange(0, 400)
        draw.rectangle((x, y, x + 80, y + 60), fill=(180, 30 + rng.randrange(60), 50))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile("现场照片.jpg", out.getvalue(), content_type="image/jpeg")


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
    return rng.choice(SURNAMES) + given


def load(stdout: Any) -> None:
    district = Org.objects.filter(code="620502").first()
    meeting = Activity.objects.filter(idempotency_key=event_key("meeting", "8-2")).first()
    if district is None or meeting is None:
        stdout.write("duty: no 秦州区 tree or no 八届二次 meeting, skipped")
        return
    actor = User.objects.filter(username="qinzhou-admin").first()
    services.ensure_defaults()
    rng = random.Random(SEED)
    villages = list(
        Org.objects.in_subtree(district)
        .filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY])
        .order_by("path")
    )
    with disable_auditlog():
        made = [
            _plenary(district, meeting, actor, rng),
            _town_reviews(actor, rng),
            _projects(district, villages, actor, rng),
            _visits(district, villages, actor, rng),
        ]
        _link_demo_account()
    if not any(made):
        stdout.write("duty: demo already loaded, nothing created")
        return
    stdout.write(
        f"duty: {DutyReport.objects.count()} duty reports, "
        f"{EvaluationRound.objects.count()} evaluation rounds, "
        f"{Project.objects.count()} projects, {Claim.objects.count()} claims, "
        f"{Visit.objects.count()} visits"
    )


def _present(activity: Activity) -> list[Person]:
    ids = Attendance.objects.filter(
        session__activity=activity, status=AttendanceStatus.CONFIRMED
    ).values("person_id")
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))


def _report_text(person: Person, rng: random.Random) -> str:
    work = rng.sample(REPORT_WORK, 3)
    return (
        f"一年来，本人作为妇联执委，认真履行执委职责。一是{work[0]}；二是{work[1]}；"
        f"三是{work[2]}。不足之处是{rng.choice(REPORT_SHORT)}。"
        "今后将进一步密切联系妇女群众，把执委作用发挥到岗位上、网格里。"
    )


def _reports(
    activity: Activity, people: list[Person], commenter: str, actor: Any, rng: random.Random
) -> None:
    day = timezone.localtime(activity.start).date()
    for person in people:
        report = services.add_report(
            actor=actor, meeting=activity, person=person, title=f"{person.name}履职情况报告",
            text=_report_text(person, rng), reported_on=day,
        )  # fmt: skip
        services.comment_report(
            actor=actor, report=report, commenter=commenter, given_on=day,
            text=f"{rng.choice(COMMENT_GOOD)}。{rng.choice(COMMENT_ASK)}。",
        )  # fmt: skip


def _round(
    activity: Activity,
    title: str,
    evaluees: list[Person],
    voters: int,
    actor: Any,
    rng: random.Random,
) -> None:
    rnd = services.create_round(actor=actor, meeting=activity, title=title, people=evaluees)
    codes = services.issue_codes(actor=actor, round=rnd, count=voters)
    services.open_round(actor=actor, round=rnd)
    ids = list(rnd.evaluees.order_by("order").values_list("pk", flat=True))
    merit = {pk: rng.random() for pk in ids}
    # Most executives are rated 优秀 or 称职; a few voters give 基本称职, almost none 不称职.
    for code in codes[: max(1, voters - rng.randint(0, 2))]:
        grades: dict[int, str] = {}
        for pk in ids:
            r = rng.random()
            if r < 0.45 + 0.4 * merit[pk]:
                grades[pk] = Grade.EXCELLENT
            elif r < 0.97:
                grades[pk] = Grade.COMPETENT
            elif r < 0.995:
                grades[pk] = Grade.BASIC
            else:
                grades[pk] = Grade.UNFIT
        services.cast_ballot(code=code, grades=grades)
    services.close_round(actor=actor, round=rnd)
    opened = activity.start + datetime.timedelta(hours=2)
    closed = opened + datetime.timedelta(minutes=25)
    EvaluationRound.objects.filter(pk=rnd.pk).update(opened_at=opened, closed_at=closed)
    for row in RoundHistory.objects.filter(round=rnd):
        row.at = {"draft": activity.start, "open": opened}.get(row.to_status, closed)
        row.save(update_fields=["at"])


def _plenary(district: Org, meeting: Activity, actor: Any, rng: random.Random) -> bool:
    if DutyReport.objects.filter(meeting=meeting).exists():
        return False
    day = timezone.localtime(meeting.start).date()
    chair = (
        Person.objects.filter(
            positions__org=district, positions__kind="chair", positions__start__lte=day
        )
        .order_by("pk")
        .first()
    )
    present = _present(meeting)
    speakers = rng.sample([p for p in present if p != chair], DUTY_REPORTS)
    speakers.sort(key=lambda p: p.pk)
    commenter = f"区妇联主席{chair.name}" if chair else "区妇联主席"
    _reports(meeting, speakers, commenter, actor, rng)
    evaluees = list(services.executives_of(district, on=day))
    _round(meeting, "八届二次执委（扩大）会议民主评议测评", evaluees, len(present), actor, rng)
    return True


def _town_reviews(actor: Any, rng: random.Random) -> bool:
    made = False
    kind = ActivityKind.objects.get(code="meeting")
    for i, code in enumerate(REVIEW_TOWNS):
        town = Org.objects.filter(code=code).first()
        if town is None:
            continue
        k = key("town-review", code)
        if Activity.objects.filter(idempotency_key=k).exists():
            continue
        day = datetime.date(YEAR, 3, 7 + 7 * i)
        activity = Activity.objects.create(
            idempotency_key=k, created_by=actor, org=town, kind=kind,
            title=f"{town.name}妇联执委述职评议会议", start=at(day, 9), end=at(day, 11, 30),
            place=f"{town.name}政府会议室", meeting_type="plenary",
            audiences=["executives", "chairs"],
            agenda="一、执委述职\n二、一述一评\n三、民主评议测评",
            minutes=f"{town.name}妇联执委逐一述职，镇妇联主席逐一点评，与会人员进行了民主评议。",
        )  # fmt: skip
        people = list(services.executives_of(town, on=day))
        chair = next(
            (p for p in people if p.positions.filter(org=town, kind="chair").exists()), None
        )
        speakers = [p for p in people if p != chair][:4]
        commenter = f"{town.name}妇联主席{chair.name}" if chair else f"{town.name}妇联主席"
        _reports(activity, speakers, commenter, actor, rng)
        if code == REVIEW_TOWNS[0] and people:
            _round(activity, f"{town.name}妇联执委民主评议", people, len(people) + 3, actor, rng)
        activity.head_count = len(people) + 3
        activity.save(update_fields=["head_count"])
        made = True
    return made


def _home_villages(person: Person, villages: list[Org]) -> list[Org]:
    """The villages and communities near an executive: of her own village's town, or of her
    town; any village for an executive of a district-level organisation."""
    path = person.org.path
    depth = len(path)
    if person.org.kind in (OrgKind.VILLAGE, OrgKind.COMMUNITY):
        prefix = path[: depth - Org.steplen]
    elif person.org.kind in (OrgKind.TOWN, OrgKind.STREET):
        prefix = path
    else:
        return villages
    near = [v for v in villages if v.path.startswith(prefix)]
    return near or villages


def _days(rng: random.Random, start: datetime.date, low: int, high: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(low, high))


def _short(org: Org) -> str:
    return org.name.replace("居民委员会", "社区").replace("村民委员会", "村")


def _propose(
    n: str, org: Org, rng: random.Random, actor: Any, campaign: Any = None
) -> tuple[Project, bool]:
    k = key("project", n)
    existing = Project.objects.filter(idempotency_key=k).first()
    if existing is not None:
        return existing, False
    title, need, beneficiaries, count = rng.choice(PROJECTS)
    start = datetime.date(YEAR, rng.randint(2, 4), rng.randint(1, 28))
    project = services.propose_project(
        actor=actor, org=org, title=f"{title}（{_short(org)}）",
        need=need, beneficiaries=beneficiaries, beneficiary_count=count + rng.randint(0, 10),
        planned_start=start, planned_end=_days(rng, start, 90, 240),
        budget=Decimal(rng.choice([0, 0, 2000, 3000, 5000, 8000])) or None,
        campaign=campaign, idempotency_key=k,
    )  # fmt: skip
    return project, True


def _work(claim: Claim, start: datetime.date, actor: Any, rng: random.Random, done: bool) -> Any:
    """Progress on a claim; completed (with a photo) and verified when ``done``."""
    services.add_progress(
        actor=actor, claim=claim, on=_days(rng, start, 10, 30),
        text=rng.choice([
            "已完成入户摸底，确定服务对象名单",
            "联系村两委和志愿者，第一次活动已开展",
            "已对接培训老师和场地，按计划推进",
        ]),
    )  # fmt: skip
    if not done:
        return None
    finished = _days(rng, start, 60, 110)
    services.complete_claim(
        actor=actor, claim=claim, on=finished, photos=[_photo(rng)],
        text=rng.choice([
            "项目按计划完成，服务对象反映良好，相关照片和签到表已上传",
            "完成全部服务内容，受益群众满意，形成了长效做法",
            "已按期完成，活动照片和受益人名单已归档",
        ]),
    )  # fmt: skip
    services.verify_claim(
        actor=actor, claim=claim, on=_days(rng, finished, 7, 25), note="经核查，项目完成情况属实"
    )
    return finished


def _projects(district: Org, villages: list[Org], actor: Any, rng: random.Random) -> bool:
    if Project.objects.filter(idempotency_key=key("project", "d", 0)).exists():
        return False
    campaigns = {c.code: c for c in Campaign.objects.all()}
    three_visits = campaigns.get("three_visits")
    executives = list(services.executives_of(district, on=datetime.date(YEAR, 3, 1)))
    # 41 executives, 68 claims: every executive claims once; 27 claim again after finishing.
    seconds = set(rng.sample(range(len(executives)), CLAIMS - len(executives)))
    n = 0
    for i, person in enumerate(executives):
        near = _home_villages(person, villages)
        first_day = datetime.date(YEAR, 3, 1) + datetime.timedelta(days=rng.randint(0, 60))
        second = i in seconds
        project, _new = _propose(f"d/{n}", rng.choice(near), rng, actor)
        n += 1
        services.review_project(actor=actor, project=project, publish=True)
        claim = services.claim_project(actor=actor, project=project, person=person, on=first_day)
        finished = _work(claim, first_day, actor, rng, done=second or rng.random() < 0.6)
        if not second:
            continue
        second_day = _days(rng, finished, 5, 30)
        project, _new = _propose(
            f"d/{n}", rng.choice(near), rng, actor,
            campaign=three_visits if rng.random() < 0.2 else None,
        )  # fmt: skip
        n += 1
        services.review_project(actor=actor, project=project, publish=True)
        claim = services.claim_project(actor=actor, project=project, person=person, on=second_day)
        _work(claim, second_day, actor, rng, done=second_day.month < 9 and rng.random() < 0.5)
    # Village libraries: a few of their own executives' claims (一人一事), projects waiting
    # for a claimant, and projects waiting for the town's review.
    local = [v for v in villages if (v.code or "").startswith("620502103")][:6] + rng.sample(
        villages, 6
    )
    for j, village in enumerate(local):
        own = [
            p
            for p in services.executives_of(village, on=datetime.date(YEAR, 4, 1))
            if p not in executives
            and not Claim.objects.filter(person=p, slot__isnull=False).exists()
        ][:2]
        for k, person in enumerate(own):
            project, _new = _propose(f"v/{j}/{k}", village, rng, actor)
            services.review_project(actor=actor, project=project, publish=True)
            day = datetime.date(YEAR, 4, 1) + datetime.timedelta(days=rng.randint(0, 90))
            claim = services.claim_project(actor=actor, project=project, person=person, on=day)
            _work(claim, day, actor, rng, done=rng.random() < 0.5)
        project, _new = _propose(f"open/{j}", village, rng, actor)
        services.review_project(actor=actor, project=project, publish=True)
        if j % 3 == 0:
            _propose(f"proposed/{j}", village, rng, actor)
    _date_history()
    return True


def _date_history() -> None:
    """Date the demo's status history by the records' own dates (the services stamp now)."""
    for crow in ClaimHistory.objects.select_related("claim"):
        claim = crow.claim
        day = {
            "active": claim.claimed_on,
            "completed": claim.completed_on,
            "verified": claim.verified_on,
        }.get(crow.to_status) or claim.claimed_on
        crow.at = at(day, 10)
        crow.save(update_fields=["at"])
    for project in Project.objects.prefetch_related("history", "claims"):
        first: Claim | None = next(iter(project.claims.all()), None)
        for row in project.history.all():
            dates: dict[str, datetime.date | None] = {
                "claimed": first.claimed_on if first else None,
                "completed": first.completed_on if first else None,
                "verified": first.verified_on if first else None,
            }
            day = dates.get(row.to_status) or project.planned_start or datetime.date(YEAR, 2, 20)
            row.at = at(day - datetime.timedelta(days=5 if row.to_status != "claimed" else 0), 9)
            if row.to_status in ("completed", "verified"):
                row.at = at(day, 15)
            row.save(update_fields=["at"])
    Project.objects.filter(created_at__year__gt=YEAR).update(
        created_at=at(datetime.date(YEAR, 2, 20), 9)
    )


def _visit(
    n: str,
    village: Org,
    visitor: Person,
    day: datetime.date,
    plan: tuple[Any, ...],
    categories: dict[str, DifficultyCategory],
    actor: Any,
    rng: random.Random,
    *,
    minor: bool = False,
    activity: Activity | None = None,
    campaign: Any = None,
) -> Visit | None:
    k = key("visit", n)
    if Visit.objects.filter(idempotency_key=k).exists():
        return None
    codes, household, actions, needs, help_given = plan
    follow = rng.random() < 0.45
    visit = services.record_visit(
        actor=actor, org=village, visitor=visitor, visited_on=day,
        name=_name(rng) if not minor else _name(rng)[:2] + "同学",
        is_minor=minor,
        phone="" if minor else f"1{rng.choice('358')}{rng.randrange(10**9):09d}",
        address=f"{_short(village)}{rng.choice(VILLAGE_GROUPS)}组{rng.randint(1, 60)}号",
        household=household, categories=[categories[c] for c in codes if c in categories],
        campaign=campaign, activity=activity, needs=needs, help_given=help_given,
        follow_up_on=_days(rng, day, 14, 45) if follow else None, idempotency_key=k,
        **actions,
    )  # fmt: skip
    if follow and rng.random() < 0.8:
        services.follow_up_visit(
            actor=actor, visit=visit,
            note=rng.choice([
                "再次上门，救助已到位，生活基本稳定",
                "电话回访，孩子已参加假期陪伴活动",
                "回访了解，贷款已办理，网店经营正常",
                "回访时情绪明显好转，继续保持联系",
            ]),
        )  # fmt: skip
    return visit


def _visits(district: Org, villages: list[Org], actor: Any, rng: random.Random) -> bool:
    if Visit.objects.filter(idempotency_key=key("visit", "y", 0)).exists():
        return False
    categories = {c.code: c for c in DifficultyCategory.objects.all()}
    executives = list(services.executives_of(district, on=datetime.date(YEAR, 3, 1)))
    for i in range(140):
        visitor = executives[i % len(executives)]
        village = rng.choice(_home_villages(visitor, villages))
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randint(10, 340))
        minor = rng.random() < 0.08
        plan = CHILD_PLAN if minor else rng.choice(VISIT_PLANS)
        _visit(f"y/{i}", village, visitor, day, plan, categories, actor, rng, minor=minor)
    # The 三访三帮 day at 齐寿镇 (15 June): district and town executives, 24 households.
    qishou = Org.objects.filter(code=QISHOU).first()
    activity = Activity.objects.filter(idempotency_key=event_key("three_visits", "qishou")).first()
    if qishou is not None:
        local = [v for v in villages if v.path.startswith(qishou.path)]
        team = executives[:8] + list(services.executives_of(qishou, on=datetime.date(YEAR, 6, 15)))
        for i in range(24):
            minor = i % 6 == 5
            _visit(
                f"qishou/{i}", local[i % len(local)], team[i % len(team)],
                datetime.date(YEAR, 6, 15), CHILD_PLAN if minor else VISIT_PLANS[i % 8],
                categories, actor, rng, minor=minor, activity=activity,
                campaign=activity.campaign if activity else None,
            )  # fmt: skip
    return True


def _link_demo_account() -> None:
    """``xiazhaizi-village`` is 下寨子's first executive, who has a project and visits."""
    user = User.objects.filter(username="xiazhaizi-village").first()
    village = Org.objects.filter(code="620502103005").first()
    if user is None or village is None or AccountLink.objects.filter(user=user).exists():
        return
    person = (
        Person.objects.filter(positions__org=village, positions__kind__in=EXECUTIVE_KINDS)
        .filter(claims__isnull=False)
        .order_by("pk")
        .first()
    ) or Position.objects.filter(org=village, kind__in=EXECUTIVE_KINDS).first()
    if isinstance(person, Position):
        person = person.person
    if person is not None:
        AccountLink.objects.create(user=user, person=person)
