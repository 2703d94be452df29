"""Demo help requests and mediation cases of 2023 across the 10 执委婚调工作室 (created by
the venues demo). Invented, clearly fictional records: parties are "某某", phones and ID
numbers are generated. Every request status, case status, outcome and referral state
appears. Deterministic and idempotent: each story's request carries a fixed idempotency
key, and a story whose request exists is skipped.

The services stamp history rows with the moment they run; the demo moves each story's
history (and replies) to the dates the story happened on, so timelines read as 2023.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from fulian.accounts.models import Role, User
from fulian.cases import services
from fulian.cases.models import (
    Case,
    CaseHistory,
    HelpRequest,
    OutsideBody,
    ReferralHistory,
    RequestHistory,
    RequestReply,
    Source,
)
from fulian.orgs.models import Org, OrgKind

SEED = 620502 + 9
NAMESPACE = uuid.UUID("6c1f3f0e-2a8e-4d51-9a57-1c0de2023009")
D = datetime.date
YEAR_END = D(2023, 12, 31)

# Mediator accounts (executives who mediate), password as the other demo logins.
MEDIATORS = [
    ("zaojiao-mediator", "张桂兰", "620502103"),
    ("tianshui-mediator", "王秀英", "620502108"),
    ("qinzhou-mediator", "李淑芳", "620502"),
]

# The 10 workrooms of the venues demo, in the order of its WORKROOMS list.
WORKROOMS = [
    "皂郊镇执委婚调工作室",
    "天水镇执委婚调工作室",
    "大城街道执委婚调工作室",
    "七里墩街道执委婚调工作室",
    "中梁镇执委婚调工作室",
    "太京镇执委婚调工作室",
    "玉泉镇执委婚调工作室",
    "秦州区婚姻登记处执委婚调工作室",
    "秦州区人民法院执委婚调工作室",
    "秦州区司法局执委婚调工作室",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"


@dataclass(frozen=True)
class Story:
    category: str
    dispute: str
    request: str  # what she wrote or said
    summary: str  # the case summary
    sessions: tuple[str, ...]  # what each session agreed
    agreement: str
    partial: str
    failed: str
    follow_up: str
    relapse: str = "双方又因同一问题发生争吵，协议未完全履行。"
    minors: bool = False
    violence: bool = False


STORIES: dict[str, Story] = {
    "in_laws": Story(
        "marriage",
        "in_laws",
        "婆婆总嫌我不会持家，丈夫夹在中间不吭声，家里天天吵，我带着孩子回了娘家，想请妇联帮忙说和。",
        "申请人与婆婆因家务分工、带孩子方式长期不和，丈夫回避矛盾；近一个月多次争吵，申请人带孩子回娘家居住。",
        (
            "分别听取婆媳双方意见，丈夫表示愿意承担调和责任",
            "婆媳分灶不分家，丈夫每周陪同回家看望老人",
        ),
        "一、婆媳分灶不分家，生活费用各自承担；二、孩子由申请人夫妇照看，老人可随时看望；"
        "三、丈夫每周陪同看望老人一次，重大家事共同商量。",
        "申请人同意回家居住，婆媳分灶问题暂未谈拢，约定春节前再调。",
        "双方分歧较大，老人坚持要求同住，调解未成。",
        "申请人已回家居住，婆媳各自开伙，关系缓和。",
        minors=True,
    ),
    "drinking": Story(
        "marriage",
        "marriage",
        "丈夫长期喝酒，喝醉了就摔东西骂人，我不想离婚，只想他把酒戒了好好过日子。",
        "被申请人嗜酒，醉后与申请人争吵、摔砸家具，未动手；双方有一子在读初中，申请人要求其戒酒。",
        ("被申请人承认醉酒后有过激行为，同意控制饮酒", "被申请人书面承诺戒酒，工资按月交家用"),
        "一、被申请人自即日起戒酒，不在家中饮酒；二、每月工资的三分之二交申请人作为家用；"
        "三、如再醉酒摔砸，申请人可请村妇联、村委会介入。",
        "被申请人同意少喝酒，但不同意把工资交给申请人管理。",
        "被申请人不认为饮酒有问题，拒绝作出承诺。",
        "被申请人近期未再醉酒，家中气氛好转，儿子学习正常。",
        relapse="被申请人春节期间又多次醉酒，申请人要求重新调解。",
    ),
    "divorce": Story(
        "marriage",
        "divorce",
        "我想离婚，但对方不同意分房子，孩子跟谁也谈不拢，想先请人调解。",
        "双方分居一年，申请人要求离婚，就婚后自建住房的分割和女儿（9岁）的抚养问题分歧较大。",
        (
            "双方各自陈述，明确争议在住房分割和抚养权",
            "经冷静期劝导，双方同意暂缓离婚、分开冷静三个月",
        ),
        "一、双方暂缓办理离婚，申请人回家居住；二、住房登记为双方共有；"
        "三、女儿由双方共同照顾，任何一方不得在孩子面前争吵。",
        "双方就女儿由申请人抚养达成一致，住房分割未谈拢。",
        "双方坚持离婚且对财产分割分歧大，引导通过诉讼解决。",
        "双方关系稳定，女儿由双方共同接送上学。",
        minors=True,
    ),
    "custody": Story(
        "child",
        "custody",
        "离婚后前夫不让我见孩子，打电话不接，去学校也被拦着，我就想每个月能见见孩子。",
        "双方已协议离婚，女儿随父亲生活；被申请人以孩子要上补习班等理由，半年来阻止申请人探视。",
        ("分别做双方工作，告知探视是父母双方的权利", "约定每月第一、三个周末申请人接孩子"),
        "一、每月第一、三个周末申请人接女儿共同生活，周日18时前送回；"
        "二、寒暑假申请人可接女儿共同生活两周；三、双方不得在孩子面前贬低对方。",
        "双方同意每月探视一次，寒暑假安排暂未谈拢。",
        "被申请人拒绝任何探视安排，引导申请人向法院起诉。",
        "申请人已按约定探视两次，孩子情绪稳定。",
        minors=True,
    ),
    "support": Story(
        "rights",
        "support",
        "我七十多了，三个儿子都说没钱，谁也不管我，看病吃药的钱都没有。",
        "申请人丧偶独居，三子均已成家，互相推诿赡养义务；申请人患高血压需长期服药。",
        ("召集三子到场，讲解赡养老人的法律义务", "三子同意按月给付赡养费，轮流陪同就医"),
        "一、三子每人每月给付赡养费400元，每月5日前交申请人；二、三子按月轮流陪同申请人就医；"
        "三、申请人住房由长子负责维修。",
        "长子、次子同意按月给付，三子称外出务工暂无能力，约定年底前再议。",
        "三子均拒绝承担，引导申请人申请法律援助起诉。",
        "赡养费已按月给付，老人按时服药，身体状况稳定。",
    ),
    "violence": Story(
        "violence",
        "violence",
        "他喝了酒就打我，上次把我脸都打肿了，我现在不敢回家，住在娘家。",
        "被申请人多次酒后殴打申请人，最近一次致面部软组织挫伤，申请人暂住娘家；"
        "已告知申请人可申请人身安全保护令，协助联系派出所出具告诫书。",
        (
            "与申请人单独面谈，制定安全计划，告知求助渠道",
            "被申请人在派出所民警、村干部见证下书面保证不再施暴",
        ),
        "一、被申请人保证不再实施任何家庭暴力，如再施暴申请人立即报警；"
        "二、被申请人戒酒，每月接受村妇联、网格员回访；三、申请人回家居住期间可随时联系调解员。",
        "被申请人作出不再施暴的保证，申请人暂不回家，由妇联持续跟进。",
        "被申请人拒不认错，已协助申请人向公安机关报案并申请人身安全保护令。",
        "回访未发现新的家暴行为，申请人表示被申请人已基本戒酒。",
        violence=True,
        minors=True,
    ),
    "property": Story(
        "rights",
        "property",
        "父亲去世后，哥哥说女儿嫁出去了，老房子的拆迁款没有我们姐妹的份。",
        "申请人之父去世后留有宅基地拆迁补偿款，其兄以女儿出嫁为由拒绝分配；母亲随兄生活。",
        (
            "讲解继承法律规定，明确出嫁女儿同样享有继承权",
            "兄妹同意先留出母亲养老份额，其余按份分配",
        ),
        "一、补偿款先留出母亲养老份额；二、其余部分由兄妹三人平均分配；"
        "三、母亲由兄长照顾，姐妹每月各给付生活费200元。",
        "兄长同意给付部分补偿款，数额未达成一致。",
        "兄长坚持不分，引导申请人通过诉讼解决。",
        "补偿款已按协议分配，兄妹往来恢复正常。",
    ),
    "absent": Story(
        "hardship",
        "marriage",
        "丈夫在外地打工两年没回家，也不往家里寄钱，两个孩子上学要钱，老人还生着病。",
        "被申请人外出务工两年未归，未支付家庭生活费；申请人独自抚养两个孩子并照顾患病的婆婆。",
        ("电话联系被申请人，讲明家庭责任", "被申请人同意按月寄回生活费，春节前回家"),
        "一、被申请人每月10日前寄回生活费2000元；二、春节前回家，与申请人商量今后生活安排；"
        "三、每周与孩子视频通话一次。",
        "被申请人同意按月寄钱，但暂不回家。",
        "被申请人不接电话、不回消息，引导申请人依法主张抚养费。",
        "生活费已连续按月寄回，孩子学费已交齐。",
        minors=True,
    ),
    "teen": Story(
        "counselling",
        "other",
        "儿子和他爸吵架后离家出走两天才找回来，我们两口子也天天为孩子吵，心里很慌。",
        "夫妻因教育孩子方式分歧频繁争吵，14岁儿子与父亲冲突后离家两天，已找回；孩子情绪低落。",
        ("夫妻共同学习家庭教育方法，约定不在孩子面前争吵", "为孩子联系心理辅导，父亲向孩子道歉"),
        "一、夫妻不在孩子面前争吵，教育孩子的事先商量；二、父亲不得打骂孩子；"
        "三、孩子每两周接受一次心理辅导，家长陪同。",
        "夫妻约定不在孩子面前争吵，父亲暂不同意孩子接受心理辅导。",
        "父亲拒绝参加调解。",
        "孩子已返校，与父亲关系缓和，心理辅导按期进行。",
        minors=True,
    ),
}

# Requests that are answered without a case: category, what she asked, the answer.
ONLY_REQUESTS = [
    (
        "legal",
        "想问问离婚以后孩子的户口怎么迁，要带什么材料。",
        "已电话告知所需材料：离婚证、离婚协议或判决书、户口簿，可到户籍所在地派出所办理。",
    ),
    (
        "employment",
        "想在家学手工编织挣点钱，哪里有培训？",
        "已为您报名天水镇巾帼手工编织合作社下期培训，开班前网格员会通知您。",
    ),
    (
        "hardship",
        "丈夫车祸瘫痪在床，家里没有收入，能不能申请救助？",
        "已协助向镇民政办提交临时救助申请，并联系村委会核实低保申请条件。",
    ),
    (
        "counselling",
        "生完孩子以后情绪一直很低落，老是想哭，不知道该找谁。",
        "已为您联系区心理健康服务中心，医生约您周四上午面谈，村妇联主席陪同。",
    ),
    (
        "rights",
        "公司知道我怀孕后让我主动辞职，说不辞就调岗。",
        "已告知女职工孕期受法律保护，并联系区总工会女职工委员会协助与单位沟通。",
    ),
    (
        "child",
        "邻居家孩子经常被打，身上有伤，我不敢出面。",
        "已会同村委会、派出所上门了解情况，孩子父亲已接受批评教育，儿童主任持续关注。",
    ),
    (
        "legal",
        "前夫一直不给抚养费，已经欠了一年多了。",
        "已联系区法律援助中心，律师将协助您申请强制执行。",
    ),
    (
        "employment",
        "想开个小农家乐，听说有妇女创业贷款？",
        "已告知创业担保贷款申请条件，请携带身份证到区人社局创业服务窗口办理。",
    ),
    (
        "other",
        "村里广场被车占了，晚上姐妹们跳舞没地方。",
        "已转村委会协调，晚上七点后广场禁止停车。",
    ),
    (
        "hardship",
        "孩子考上大学了，学费凑不齐。",
        "已推荐申请“春蕾计划”助学金，并告知生源地助学贷款办理流程。",
    ),
    ("marriage", "结婚三年丈夫什么事都不管，想找人说说。", ""),
    ("legal", "彩礼退不退，想咨询一下。", ""),
    ("counselling", "照顾瘫痪的婆婆好几年了，累得撑不住。", ""),
    ("employment", "想去县城找保洁的工作，有没有介绍？", ""),
]
REQUEST_FATES = [
    "closed",
    "closed",
    "closed",
    "closed",
    "closed",
    "answered",
    "answered",
    "answered",
    "closed_unsatisfied",
    "reassigned",
    "in_progress",
    "assigned",
    "received",
    "received",
]
FEEDBACK = ["satisfied", "satisfied", "basic", "none", "satisfied"]

# workroom, story, opened on, path, source of the request
CASES: list[tuple[int, str, D, str, str]] = [
    (0, "in_laws", D(2023, 4, 10), "success_closed", Source.WALK_IN),
    (0, "violence", D(2023, 6, 12), "high_closed", Source.HOTLINE),
    (0, "drinking", D(2023, 11, 20), "mediating", Source.VISIT),
    (1, "support", D(2023, 4, 20), "success_closed", Source.VISIT),
    (1, "property", D(2023, 7, 3), "partial_closed", Source.WALK_IN),
    (1, "custody", D(2023, 10, 9), "success_open", Source.ONLINE),
    (1, "divorce", D(2023, 12, 18), "accepted", Source.WALK_IN),
    (2, "absent", D(2023, 5, 8), "success_closed", Source.ONLINE),
    (2, "teen", D(2023, 8, 15), "referred_answered", Source.WALK_IN),
    (2, "violence", D(2023, 11, 2), "high_pending", Source.HOTLINE),
    (3, "divorce", D(2023, 5, 25), "failed_closed", Source.WALK_IN),
    (3, "in_laws", D(2023, 8, 30), "resumed", Source.VISIT),
    (3, "drinking", D(2023, 12, 5), "mediating", Source.ONLINE),
    (4, "support", D(2023, 6, 15), "success_closed", Source.DEPARTMENT),
    (4, "violence", D(2023, 9, 12), "referred_awaiting", Source.HOTLINE),
    (4, "custody", D(2023, 12, 12), "accepted", Source.ONLINE),
    (5, "property", D(2023, 7, 6), "withdrawn", Source.WALK_IN),
    (5, "absent", D(2023, 9, 20), "partial_closed", Source.VISIT),
    (5, "in_laws", D(2023, 11, 28), "mediating", Source.WALK_IN),
    (6, "drinking", D(2023, 7, 28), "success_closed", Source.ONLINE),
    (6, "teen", D(2023, 10, 16), "success_open", Source.DEPARTMENT),
    (6, "support", D(2023, 12, 20), "accepted", Source.VISIT),
    (7, "divorce", D(2023, 8, 17), "success_closed", Source.WALK_IN),
    (7, "drinking", D(2023, 10, 11), "partial_closed", Source.WALK_IN),
    (7, "divorce", D(2023, 12, 1), "mediating", Source.WALK_IN),
    (8, "custody", D(2023, 9, 14), "success_open", Source.DEPARTMENT),
    (8, "property", D(2023, 10, 25), "failed_closed", Source.DEPARTMENT),
    (8, "violence", D(2023, 12, 8), "accepted_referred", Source.DEPARTMENT),
    (9, "support", D(2023, 10, 26), "success_open", Source.DEPARTMENT),
    (9, "in_laws", D(2023, 12, 14), "accepted", Source.HOTLINE),
]


def _at(day: D, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 10 * (hour % 6))))


class Clock:
    """Moves the history rows a call writes to the day it happened on."""

    MODELS = (RequestHistory, CaseHistory, ReferralHistory, RequestReply)

    def __init__(self) -> None:
        self.hour = 9

    def on(self, day: D, call: Callable[..., Any], **kwargs: Any) -> Any:
        marks = {
            m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
            for m in self.MODELS
        }
        result = call(**kwargs)
        self.hour = 9 + (self.hour - 8) % 8
        for model, mark in marks.items():
            model.objects.filter(pk__gt=mark).update(at=_at(min(day, YEAR_END), self.hour))
        return result


class Loader:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.clock = Clock()
        self.admin = User.objects.get(username="qinzhou-admin")
        self.users = {
            u.username: u
            for u in User.objects.filter(
                username__in=[
                    "zaojiao-town",
                    "tianshui-town",
                    "xiazhaizi-village",
                    *[m[0] for m in MEDIATORS],
                ]
            )
        }
        from fulian.venues.models import Venue

        self.venues = {
            v.name: v for v in Venue.objects.filter(name__in=WORKROOMS).select_related("org")
        }
        services.ensure_defaults()
        self.bodies = {b.kind: b for b in OutsideBody.objects.filter(is_active=True).order_by("pk")}
        self.created_requests = 0
        self.created_cases = 0

    # --- people ------------------------------------------------------------------------

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "某某"

    def phone(self) -> str:
        prefix = f"1{self.rng.choice('3578')}{self.rng.randint(0, 9)}"
        return f"{prefix}{self.rng.randint(10000000, 99999999)}"

    def id_number(self, birth_year: int) -> str:
        from fulian.people.validators import make_id_number

        birth = D(birth_year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        return make_id_number("620502", birth, 2 * self.rng.randint(1, 499))

    def villages(self, org: Org) -> list[Org]:
        kinds = [OrgKind.VILLAGE, OrgKind.COMMUNITY]
        return list(
            Org.objects.in_subtree(org).filter(kind__in=kinds, status="active").order_by("path")
        )

    def handler_for(self, org: Org) -> User:
        """Who works a request routed to ``org``: its own demo account or the one above."""
        for username in ("xiazhaizi-village", "zaojiao-town", "tianshui-town"):
            user = self.users.get(username)
            if user is not None and user.org is not None and user.org.contains(org):
                return user
        return self.admin

    def named_mediators(self, org: Org) -> list[str]:
        from fulian.people.models import Position

        names = list(
            Position.objects.filter(kind="executive", org=org, end__isnull=True)
            .order_by("pk")
            .values_list("person__name", flat=True)[:6]
        )
        return names or ["刘凤英", "赵淑珍"]

    # --- requests ----------------------------------------------------------------------

    def request(
        self, n: int, *, source: str, category: str, place: Org, text: str, day: D
    ) -> HelpRequest | None:
        key = uuid.uuid5(NAMESPACE, f"request-{n}")
        name, phone = self.name()[:1] + "女士", self.phone()
        may_call = self.rng.random() > 0.15
        if HelpRequest.objects.filter(idempotency_key=key).exists():
            return None
        self.created_requests += 1
        if source == Source.ONLINE:
            return self.clock.on(
                day,
                services.submit_public_request,
                category=category,
                place=place,
                description=text,
                phone=phone,
                may_call=may_call,
                name=name,
                idempotency_key=key,
                received_on=day,
            )
        refs: dict[str, str] = {
            Source.HOTLINE: f"12338 热线工单 {day:%m%d}-{n:02d}",
            Source.DEPARTMENT: "区法院诉讼服务中心转来" if n % 2 else "区信访局转来",
            Source.VISIT: "执委入户走访发现（“看听问帮报”）",
            Source.WALK_IN: "",
        }
        return self.clock.on(
            day,
            services.take_request,
            actor=self.handler_for(place),
            source=source,
            source_ref=refs[source],
            category=category,
            place=place,
            description=text,
            phone=phone,
            may_call=may_call,
            name=name,
            received_on=day,
            idempotency_key=key,
        )

    def work_request(self, req: HelpRequest, day: D, *, actor: User | None = None) -> User:
        actor = actor or self.handler_for(req.org)
        self.clock.on(day, services.assign_request, actor=actor, request=req)
        self.clock.on(
            day + datetime.timedelta(days=1), services.start_request, actor=actor, request=req
        )
        return actor

    def load_requests(self) -> None:
        towns = list(
            Org.objects.filter(
                kind__in=[OrgKind.TOWN, OrgKind.STREET], code__startswith="620502"
            ).order_by("code")
        )
        sources = [Source.ONLINE, Source.HOTLINE, Source.WALK_IN, Source.VISIT, Source.DEPARTMENT]
        for n, ((category, text, answer), fate) in enumerate(
            zip(ONLY_REQUESTS, REQUEST_FATES, strict=True)
        ):
            town = towns[(3 * n) % len(towns)]
            if n % 4 == 0:
                town = Org.objects.get(code="620502103")  # 皂郊镇: the demo accounts see these
            villages = self.villages(town)
            place = villages[(7 * n) % len(villages)]
            late = fate in ("received", "assigned", "in_progress")
            day = D(2023, 12, 20 + n % 8) if late else D(2023, 2 + n % 10, 3 + (5 * n) % 24)
            if fate == "received" and n % 2:
                day = D(2023, 11, 6)  # long overdue: the org above sees it flagged
            req = self.request(
                100 + n,
                source=sources[n % len(sources)],
                category=category,
                place=place,
                text=text,
                day=day,
            )
            if req is None or fate == "received":
                continue
            if fate == "reassigned":
                actor = self.handler_for(req.org)
                self.clock.on(day, services.assign_request, actor=actor, request=req)
                above = (
                    Org.objects.get_parent(req.org)
                    if req.org.kind in (OrgKind.VILLAGE, OrgKind.COMMUNITY)
                    else self.admin.org
                )
                self.clock.on(
                    day + datetime.timedelta(days=2),
                    services.reassign_request,
                    actor=actor,
                    request=req,
                    org=above,
                    note="涉及多个部门，需上级妇联协调",
                )
                continue
            if fate == "assigned":
                self.clock.on(
                    day, services.assign_request, actor=self.handler_for(req.org), request=req
                )
                continue
            actor = self.work_request(req, day)
            if fate == "in_progress":
                self.clock.on(
                    day + datetime.timedelta(days=1),
                    services.add_reply,
                    actor=actor,
                    request=req,
                    text="已电话联系求助人，正在了解情况。",
                    public=False,
                )
                continue
            answered = day + datetime.timedelta(days=2 + n % 9)  # some past the limit
            self.clock.on(
                answered,
                services.answer_request,
                actor=actor,
                request=req,
                text=answer,
                on=answered,
            )
            if fate == "answered":
                continue
            feedback = (
                "unsatisfied" if fate == "closed_unsatisfied" else FEEDBACK[n % len(FEEDBACK)]
            )
            note = (
                "希望办得再快一些。"
                if feedback == "unsatisfied"
                else ("谢谢妇联！" if feedback == "satisfied" else "")
            )
            closed = answered + datetime.timedelta(days=3)
            self.clock.on(
                closed,
                services.close_request,
                actor=actor,
                request=req,
                feedback=feedback,
                feedback_text=note,
                on=closed,
            )

    # --- cases -------------------------------------------------------------------------

    def load_cases(self) -> None:
        for n, (w, key, opened, path, source) in enumerate(CASES):
            venue = self.venues.get(WORKROOMS[w])
            if venue is None:
                continue
            self.case(n, venue, STORIES[key], opened, path, source)

    def opener(self, venue: Any) -> tuple[User, list[User]]:
        """Who opens a workroom's case, and the mediator accounts on it."""
        code = venue.org.code
        if code == "620502103":
            return self.users["zaojiao-town"], [self.users["zaojiao-mediator"]]
        if code == "620502108":
            return self.users["tianshui-town"], [self.users["tianshui-mediator"]]
        return self.users["qinzhou-mediator"], []

    def case(self, n: int, venue: Any, story: Story, opened: D, path: str, source: str) -> None:
        rng = self.rng
        area = venue.org if venue.org.kind in (OrgKind.TOWN, OrgKind.STREET) else None
        if area is None:  # a district workroom: the woman lives anywhere in the district
            towns = list(
                Org.objects.filter(kind=OrgKind.TOWN, code__startswith="620502").order_by("code")
            )
            area = towns[(5 * n) % len(towns)]
        places = self.villages(area)
        place = places[(11 * n) % len(places)]
        if n == 2:  # 下寨子: its chair mediates this one, and no other
            place = Org.objects.get(code="620502103005")
        applicant, respondent = self.name(), self.name()
        child = respondent[:1] + "小某"
        phones = [self.phone(), self.phone()]
        ids = [self.id_number(rng.randint(1968, 1995)), self.id_number(rng.randint(1965, 1993))]
        named = self.named_mediators(venue.org)
        mediator_name = named[n % len(named)]
        received = opened - datetime.timedelta(days=rng.randint(1, 4))
        req = self.request(
            n, source=source, category=story.category, place=place, text=story.request, day=received
        )
        if req is None:
            return
        opener, accounts = self.opener(venue)
        if n == 2:
            accounts = [self.users["xiazhaizi-village"], *accounts]
        worker = self.work_request(
            req, received, actor=opener if opener.org and opener.org.contains(req.org) else None
        )
        # Violence is high risk where the story says so and at least elevated otherwise;
        # a dispute over children, or a late one, is elevated now and then.
        if story.violence:
            risk = "high" if path.startswith("high") or path == "accepted_referred" else "elevated"
        else:
            risk = "elevated" if (story.minors and n % 3 == 0) or path == "resumed" else "normal"
        case: Case = self.clock.on(
            opened,
            services.open_case,
            actor=opener,
            venue=venue,
            dispute_type=story.dispute,
            risk=risk,
            summary=story.summary,
            domestic_violence=story.violence,
            minors_involved=story.minors,
            opened_on=opened,
            request=req,
            mediators=accounts,
            mediator_names=[mediator_name],
        )
        self.created_cases += 1
        self.clock.on(
            opened,
            services.answer_request,
            actor=worker,
            request=req,
            on=opened,
            text=f"您的情况已转入{venue.name}，调解员{mediator_name}会与您联系约定调解时间。",
        )
        if path not in ("accepted", "accepted_referred", "mediating"):
            self.clock.on(
                opened + datetime.timedelta(days=5),
                services.close_request,
                actor=worker,
                request=req,
                feedback="satisfied" if n % 3 else "basic",
                on=opened + datetime.timedelta(days=5),
            )
        party = self.clock.on
        party(
            opened,
            services.add_party,
            actor=opener,
            case=case,
            role="applicant",
            name=applicant,
            id_number=ids[0],
            phone=phones[0],
        )
        party(
            opened,
            services.add_party,
            actor=opener,
            case=case,
            role="respondent",
            name=respondent,
            id_number=ids[1] if n % 2 else "",
            phone=phones[1],
        )
        if story.minors:
            party(
                opened,
                services.add_party,
                actor=opener,
                case=case,
                role="child",
                name=child,
                note=f"{rng.randint(6, 15)}岁",
            )
        if path == "accepted":
            return
        if path == "accepted_referred":
            self.refer(
                case,
                opener,
                "court",
                opened + datetime.timedelta(days=1),
                "申请人有遭受家暴的现实危险，协助其向法院申请人身安全保护令。",
                answer=None,
            )
            return
        day = opened
        attendees = f"申请人{applicant}、被申请人{respondent}、调解员{mediator_name}"
        for m, agreed in enumerate(story.sessions[: 1 if path == "mediating" else 2]):
            day = opened + datetime.timedelta(days=4 + 9 * m)
            self.clock.on(
                day,
                services.record_session,
                actor=opener,
                case=case,
                date=min(day, YEAR_END),
                attendees=attendees + ("、村妇联主席" if m else ""),
                agreed=agreed,
                notes="背对背调解后面对面沟通。" if m else "分别听取双方陈述。",
            )
        if path == "mediating":
            return
        concluded = day + datetime.timedelta(days=6)
        outcome, note = "success", story.agreement
        if path in ("partial_closed",):
            outcome, note = "partial", story.partial
        if path == "failed_closed":
            outcome, note = "failed", story.failed
            self.refer(
                case, opener, "court", concluded, story.failed, answer="已立案受理，转诉前调解。"
            )
        if path == "referred_answered":
            outcome, note = (
                "referred",
                "孩子需要专业心理辅导，转介心理服务机构，家庭矛盾由工作室继续跟进。",
            )
            self.refer(
                case,
                opener,
                "psychology",
                concluded - datetime.timedelta(days=1),
                "孩子离家出走后情绪低落，需专业心理评估和辅导。",
                answer="已安排心理咨询师每两周辅导一次。",
            )
        if path == "referred_awaiting":
            outcome, note = "referred", story.failed
            self.refer(
                case,
                opener,
                "police",
                concluded - datetime.timedelta(days=1),
                "被申请人威胁再次施暴，请派出所出具家庭暴力告诫书。",
                answer=None,
            )
        if path == "high_closed":
            self.refer(
                case,
                opener,
                "police",
                opened + datetime.timedelta(days=2),
                "请辖区派出所对被申请人出具家庭暴力告诫书。",
                answer="已对被申请人出具告诫书，并纳入重点关注。",
            )
            outcome, note = "partial", story.partial
        if path == "withdrawn":
            referral = self.refer(
                case,
                opener,
                "legal_aid",
                opened + datetime.timedelta(days=6),
                "继承份额争议，拟请法律援助律师代为起诉。",
                answer=None,
            )
            self.clock.on(
                concluded - datetime.timedelta(days=1),
                services.withdraw_referral,
                actor=opener,
                referral=referral,
                note="兄妹经第二次调解达成一致，不再起诉。",
            )
        self.clock.on(
            concluded,
            services.conclude_case,
            actor=opener,
            case=case,
            outcome=outcome,
            note=note,
            on=concluded,
            agreement_text=story.agreement if outcome == "success" else "",
        )
        follow_ups = list(case.follow_ups.order_by("months"))
        if path in ("high_pending", "referred_awaiting"):
            return
        if path == "failed_closed":
            follow_ups = []  # gone to court: closed without a return visit
        for f in follow_ups:
            if f.due_on > D(2023, 12, 25):
                break
            done = f.due_on + datetime.timedelta(days=rng.choice([-3, -1, 0, 0, 2, 6]))
            done = max(done, concluded)
            finding = story.relapse if path == "resumed" else story.follow_up
            self.clock.on(
                done, services.record_follow_up, actor=opener, follow_up=f, on=done, finding=finding
            )
            if path == "resumed":
                self.clock.on(
                    done, services.resume_case, actor=opener, case=case, note=story.relapse
                )
                self.clock.on(
                    done + datetime.timedelta(days=3),
                    services.record_session,
                    actor=opener,
                    case=case,
                    date=done + datetime.timedelta(days=3),
                    attendees=attendees,
                    agreed="重申原协议，增加村妇联每月上门一次。",
                )
                return
            if path == "high_closed":
                break
        if path.endswith("_closed"):
            done_on = max([f.done_on for f in case.follow_ups.all() if f.done_on] or [concluded])
            closed = min(done_on + datetime.timedelta(days=2), YEAR_END)
            self.clock.on(
                closed,
                services.close_case,
                actor=opener,
                case=case,
                on=closed,
                note="回访情况良好，结案。" if outcome != "failed" else "已转法院诉讼，结案。",
            )

    def refer(
        self, case: Case, actor: User, kind: str, day: D, reason: str, *, answer: str | None
    ) -> Any:
        referral = self.clock.on(
            day,
            services.refer_case,
            actor=actor,
            case=case,
            to_body=self.bodies[kind],
            reason=reason,
            on=day,
        )
        if answer:
            answered = day + datetime.timedelta(days=5)
            self.clock.on(
                answered,
                services.answer_referral,
                actor=actor,
                referral=referral,
                answer=answer,
                on=answered,
            )
        return referral


def ensure_mediators() -> None:
    from fulian.accounts.demo import DEMO_PASSWORD

    for username, full_name, code in MEDIATORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        user.full_name, user.org, user.role, user.is_active = (
            full_name,
            Org.objects.get(code=code),
            Role.EDITOR,
            True,
        )
        user.save()


def load(stdout: Any) -> None:
    ensure_mediators()
    loader = Loader()
    loader.load_requests()
    loader.load_cases()
    # Reminders for referrals nobody answered, as the daily command would have written.
    Clock().on(YEAR_END, services.remind_referrals, today=YEAR_END)
    stdout.write(
        f"cases: {loader.created_requests} help requests, {loader.created_cases} mediation cases "
        "created; mediator logins (password as above): "
        + ", ".join(f"{u} ({n})" for u, n, _c in MEDIATORS)
    )
