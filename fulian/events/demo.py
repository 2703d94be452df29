"""Demo data of 能 and the activities of 干, for 2023, with the report's figures:

* two "领头雁" classes (8/29–31 and 10/24–26) with 270 trainees drawn from the chairs,
  executives and grid workers of the people demo, checked in session by session;
* the "护航成长" class on 11/2 (cadres, children's directors, parents);
* 39 trainings by towns, streets, villages and communities with 987 attendances;
* campaign activities: 法进万家安民心 156, 新时代女性课堂 and 巾帼好声音 83 together,
  携手成长 47, 把爱带回家 224, 巾帼共建美丽家园 305;
* the 三访三帮 day at 齐寿镇 (送政策送关爱) and the February 八届二次执委（扩大）会议.

Deterministic (fixed seed) and idempotent: every demo activity carries an idempotency key
derived from its place in this plan, so a second run finds them all and creates nothing.
Instructors' names are generated, never real people's.
"""

from __future__ import annotations

import datetime
import random
import uuid
from typing import Any

from auditlog.context import disable_auditlog
from django.utils import timezone

from fulian.accounts.models import User
from fulian.events import services
from fulian.events.models import (
    Activity,
    ActivityKind,
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Campaign,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    MeetingType,
    Session,
    TrainingClass,
    TrainingSeries,
)
from fulian.orgs.models import Org, OrgKind

SEED = 20231024
NAMESPACE = uuid.UUID("7d0c9f4e-2a61-4b7e-9a53-0e6f1c2b2023")
YEAR = 2023
LINGTOUYAN_TRAINEES = (140, 130)  # 270 in all
SYSTEM_TRAININGS = 39
SYSTEM_TRAINING_ATTENDANCES = 987
# campaign code, kind code, activities, months they fall in (empty: all year), title stems
CAMPAIGN_PLAN = [
    ("law_homes", "legal_publicity", 156, (), ("法律知识宣讲", "反家暴法宣传", "民法典进村入户", "法律咨询")),  # noqa: E501
    ("women_classroom", "lecture", 45, (), ("新时代女性课堂", "巾帼宣讲进课堂")),
    ("good_voice", "lecture", 38, (), ("巾帼好声音宣讲", "巾帼好声音·百姓故事会")),
    ("growing_together", "family_education", 47, (), ("携手成长·家庭教育讲座", "携手成长·亲子活动")),  # noqa: E501
    ("love_home", "pairing_visit", 224, (1, 2, 6, 7, 8), ("把爱带回家·关爱留守儿童", "把爱带回家·寒暑假陪伴")),  # noqa: E501
    ("beautiful_homes", "cleaning", 305, (), ("巾帼共建美丽家园·清洁行动", "美丽庭院创建", "人居环境整治")),  # noqa: E501
]  # fmt: skip
TRAINING_TITLES = ("集中学习", "以会代训", "专题讲座")
TRAINING_TOPICS = (
    "学习贯彻党的二十大精神", "妇联执委履职能力", "家庭家教家风建设", "反家庭暴力法",
    "妇女儿童权益保护", "网格化服务与矛盾纠纷化解",
)  # fmt: skip
INSTRUCTOR_UNITS = ("区委党校", "区妇联", "区司法局", "区教育局", "区法院", "市妇联")
INSTRUCTOR_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
LINGTOUYAN_DAYS = [
    (datetime.date(YEAR, 8, 29), datetime.date(YEAR, 8, 30), datetime.date(YEAR, 8, 31)),
    (datetime.date(YEAR, 10, 24), datetime.date(YEAR, 10, 25), datetime.date(YEAR, 10, 26)),
]
LINGTOUYAN_SESSIONS = [
    ("学习贯彻党的二十大精神", "theory"),
    ("妇联组织建设与执委履职", "lecture"),
    ("家庭家教家风建设", "case"),
    ("网格化服务与矛盾纠纷化解", "tutoring"),
    ("观摩学习：巾帼示范点", "observation"),
    ("交流研讨与结业", "discussion"),
]


def key(*parts: Any) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def load(stdout: Any) -> None:
    district = Org.objects.filter(code="620502").first()
    if district is None:
        stdout.write("events: no 秦州区 tree, skipped")
        return
    actor = User.objects.filter(username="qinzhou-admin").first()
    rng = random.Random(SEED)
    services.ensure_defaults()
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    campaigns = {c.code: c for c in Campaign.objects.all()}
    towns = list(
        Org.objects.in_subtree(district)
        .filter(kind__in=[OrgKind.TOWN, OrgKind.STREET])
        .order_by("path")
    )
    villages = list(
        Org.objects.in_subtree(district)
        .filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY])
        .order_by("path")
    )
    existing = {
        k
        for k in Activity.objects.filter(idempotency_key__isnull=False).values_list(
            "idempotency_key", flat=True
        )
        if k is not None
    }
    plan: list[Activity] = []

    def add(k: uuid.UUID, **fields: Any) -> None:
        if k not in existing:
            plan.append(Activity(idempotency_key=k, created_by=actor, **fields))

    # 39 trainings of the system, 987 attendances: every town and street, and 16 villages.
    orgs = towns + rng.sample(villages, SYSTEM_TRAININGS - len(towns))
    counts = [10] * len(orgs)
    for _i in range(SYSTEM_TRAINING_ATTENDANCES - sum(counts)):
        counts[rng.randrange(len(orgs))] += 1
    for i, (org, n) in enumerate(zip(orgs, counts, strict=True)):
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=rng.randrange(20, 350))
        title = f"{rng.choice(TRAINING_TITLES)}：{rng.choice(TRAINING_TOPICS)}"
        add(
            key("training", i),
            org=org,
            kind=kinds["training"],
            title=title,
            start=at(day, 9),
            end=at(day, 11, 30),
            place=f"{org.name}会议室",
            head_count=n,
            audiences=["executives", "chairs"],
        )
    # Campaign activities.
    for code, kind, total, months, stems in CAMPAIGN_PLAN:
        for i in range(total):
            org = rng.choice(villages) if rng.random() < 0.75 else rng.choice(towns)
            month = rng.choice(months) if months else rng.randint(1, 12)
            day = datetime.date(YEAR, month, rng.randint(1, 28))
            add(
                key("campaign", code, i),
                org=org,
                kind=kinds[kind],
                campaign=campaigns[code],
                title=f"{rng.choice(stems)}（{org.name}）",
                start=at(day, rng.choice((9, 10, 14, 15))),
                place=org.name,
                head_count=rng.randint(15, 80),
                audiences=["women", "families"] if code != "love_home" else ["children", "parents"],
            )
    # The 三访三帮 day at 齐寿镇.
    qishou = Org.objects.filter(code="620502112").first()
    if qishou is not None:
        add(
            key("three_visits", "qishou"),
            org=qishou,
            kind=kinds["pairing_visit"],
            campaign=campaigns["three_visits"],
            title="三访三帮·送政策送关爱（齐寿镇）",
            start=at(datetime.date(YEAR, 6, 15), 9),
            end=at(datetime.date(YEAR, 6, 15), 17),
            place="齐寿镇",
            audiences=["women", "families"],
            head_count=None,
            description="区妇联联合齐寿镇妇联开展“三访三帮”行动，走访困难妇女和留守儿童家庭，送政策、送关爱。",
        )
    with disable_auditlog():
        Activity.objects.bulk_create(plan, batch_size=500)
        made = len(plan)
        made_classes = _classes(district, rng, actor, existing)
        meeting = _meeting(district, rng, actor, existing)
    stdout.write(
        f"events: {made} activities, {made_classes} training classes"
        f"{', the 八届二次执委（扩大）会议' if meeting else ''} created"
        + ("" if made or made_classes or meeting else " (demo already loaded, nothing created)")
    )


def _trainee_pool() -> list[Any]:
    """Chairs, executives and grid workers of villages, communities, towns and streets."""
    from fulian.people.models import Person, PositionKind

    kinds = [PositionKind.CHAIR, PositionKind.EXECUTIVE, PositionKind.GRID_WORKER]
    return list(
        Person.objects.filter(
            positions__kind__in=kinds,
            positions__org__kind__in=[
                OrgKind.VILLAGE,
                OrgKind.COMMUNITY,
                OrgKind.TOWN,
                OrgKind.STREET,
            ],
        )
        .distinct()
        .order_by("pk")
    )


def _classes(district: Org, rng: random.Random, actor: Any, existing: set[uuid.UUID]) -> int:
    kind = ActivityKind.objects.get(code="training_class")
    lingtouyan = TrainingSeries.objects.get(code="lingtouyan")
    huhang = TrainingSeries.objects.get(code="huhang")
    made = 0
    pool = _trainee_pool()
    chosen = (
        rng.sample(pool, sum(LINGTOUYAN_TRAINEES)) if len(pool) >= sum(LINGTOUYAN_TRAINEES) else []
    )
    groups = [chosen[: LINGTOUYAN_TRAINEES[0]], chosen[LINGTOUYAN_TRAINEES[0] :]]
    for number, (days, trainees) in enumerate(zip(LINGTOUYAN_DAYS, groups, strict=True), start=1):
        k = key("lingtouyan", number)
        if k in existing:
            continue
        activity = Activity.objects.create(
            idempotency_key=k,
            created_by=actor,
            org=district,
            kind=kind,
            title=f"秦州区“领头雁”妇联干部能力提升培训班（第{number}期）",
            start=at(days[0], 9),
            end=at(days[-1], 17),
            place="秦州区委党校",
            audiences=["chairs", "executives", "grid_workers"],
            description="提升基层妇联主席、执委和网格员的政治素质和履职能力。",
        )
        training = TrainingClass.objects.create(
            activity=activity,
            series=lingtouyan,
            number=number,
            completion_percent=80,
            topics="\n".join(t for t, _m in LINGTOUYAN_SESSIONS),
            methods=["lecture", "theory", "tutoring", "case", "observation", "discussion"],
        )
        sessions = []
        for i, (topic, method) in enumerate(LINGTOUYAN_SESSIONS):
            day = days[i // 2]
            hour = 9 if i % 2 == 0 else 14
            sessions.append(
                Session(
                    activity=activity,
                    title=topic,
                    start=at(day, hour),
                    end=at(day, hour + 3),
                    place="秦州区委党校",
                    method=method,
                    instructor_name=f"{rng.choice(INSTRUCTOR_SURNAMES)}老师",
                    instructor_unit=rng.choice(INSTRUCTOR_UNITS),
                )
            )
        Session.objects.bulk_create(sessions)
        sessions = list(activity.sessions.order_by("start"))
        Enrolment.objects.bulk_create(
            Enrolment(
                training=training,
                person=p,
                name=p.name,
                phone_cipher=p.phone_cipher,
                phone_index=p.phone_index,
                status=EnrolmentStatus.APPROVED,
                source=EnrolmentSource.ROSTER,
            )
            for p in trainees
        )
        rows = []
        for person in trainees:
            # Most attend every session; some miss one or two; everyone comes at least once.
            present = [s for s in sessions if rng.random() < 0.92] or [sessions[0]]
            for s in present:
                minutes = rng.randint(-25, 16)
                rows.append(
                    Attendance(
                        session=s,
                        person=person,
                        name=person.name,
                        phone_cipher=person.phone_cipher,
                        phone_index=person.phone_index,
                        status=AttendanceStatus.CONFIRMED,
                        source=AttendanceSource.QR
                        if rng.random() < 0.95
                        else AttendanceSource.MANUAL,
                        late=minutes > 10,
                        checked_in_at=s.start + datetime.timedelta(minutes=minutes),
                    )
                )
        Attendance.objects.bulk_create(rows, batch_size=1000)
        made += 1
    k = key("huhang", 1)
    if k not in existing:
        day = datetime.date(YEAR, 11, 2)
        activity = Activity.objects.create(
            idempotency_key=k,
            created_by=actor,
            org=district,
            kind=kind,
            title="秦州区“护航成长”家庭教育培训班",
            start=at(day, 9),
            end=at(day, 17),
            place="秦州区妇女儿童活动中心",
            audiences=["cadres", "children_directors", "parents"],
            description="面向妇联干部、儿童主任和家长，提升家庭教育指导和未成年人关爱保护能力。",
        )
        TrainingClass.objects.create(
            activity=activity,
            series=huhang,
            number=1,
            topics="家庭教育促进法\n儿童心理健康",
            methods=["lecture", "case"],
        )
        Session.objects.bulk_create(
            [
                Session(activity=activity, title="家庭教育促进法解读", start=at(day, 9),
                        end=at(day, 12), method="lecture", instructor_name="周老师",
                        instructor_unit="区教育局"),
                Session(activity=activity, title="儿童心理健康与关爱保护", start=at(day, 14),
                        end=at(day, 17), method="case", instructor_name="林老师",
                        instructor_unit="市妇联"),
            ]
        )  # fmt: skip
        made += 1
    return made


def _meeting(district: Org, rng: random.Random, actor: Any, existing: set[uuid.UUID]) -> bool:
    """The February 八届二次执委（扩大）会议, attended by the district's executives."""
    k = key("meeting", "8-2")
    if k in existing:
        return False
    day = datetime.date(YEAR, 2, 16)
    start, end = at(day, 9), at(day, 12)
    activity = Activity.objects.create(
        idempotency_key=k, created_by=actor, org=district,
        kind=ActivityKind.objects.get(code="meeting"),
        title="秦州区妇联八届二次执委（扩大）会议", start=start, end=end,
        place="秦州区妇联会议室", meeting_type=MeetingType.EXPANDED_PLENARY,
        audiences=["executives", "chairs"],
        agenda="一、传达学习上级妇联会议精神\n二、总结2022年工作，部署2023年工作\n三、听取执委述职，开展“一述一评”\n四、民主评议测评",
        minutes="会议总结了2022年全区妇联工作，安排部署2023年重点任务；部分执委现场述职，与会人员进行了民主评议测评。",
    )  # fmt: skip
    session = Session.objects.create(
        activity=activity,
        title=activity.title,
        start=start,
        end=end,
        place=activity.place,
    )
    from fulian.people.models import Person, PositionKind

    executives = list(
        Person.objects.filter(positions__org=district, positions__kind=PositionKind.EXECUTIVE)
        .distinct()
        .order_by("pk")
    )
    present = [p for p in executives if rng.random() < 0.93]
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            person=p,
            name=p.name,
            phone_cipher=p.phone_cipher,
            phone_index=p.phone_index,
            status=AttendanceStatus.CONFIRMED,
            source=AttendanceSource.MANUAL,
            checked_in_at=session.start - datetime.timedelta(minutes=rng.randint(5, 30)),
        )
        for p in present
    )
    activity.head_count = len(present) or None
    activity.save(update_fields=["head_count"])
    return True
