"""Demo data for 2023: units without an organisation (five founded in new-sector
organisations, others still being urged), and 16 guidance visits by the district to towns
and streets with findings and rectification items in every state.

Deterministic (fixed lists and seeds; no person's name anywhere) and idempotent: a unit
is known by its name, a visit by its org, date and subject.
"""

from __future__ import annotations

import datetime
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from fulian.accounts.models import User
from fulian.building import services
from fulian.building.models import GuidanceVisit, ItemStatus, Unit, UnitKind, UnitStatus
from fulian.orgs.models import Org

SEED = 2023
D = datetime.date


def credit_code(prefix: str, serial: int) -> str:
    """A synthetic but valid unified social credit code (demo only)."""
    from stdnum.cn import uscc

    body = f"{prefix}620502MAD{serial:06d}"[:17]
    return body + uscc.calc_check_digit(body)


# name, kind, area code, women, status, urgings [(date, method, promise, promised_by)], founded on
UNITS: list[tuple[str, str, str, int, str, list[tuple[Any, ...]], Any]] = [
    (
        "秦州区电子商务协会",
        UnitKind.NEW_SOCIAL,
        "620502002",
        36,
        UnitStatus.FOUNDED,
        [(D(2023, 3, 8), "visit", "二季度召开成立大会", D(2023, 4, 30))],
        D(2023, 4, 18),
    ),
    (
        "秦州城区快递服务站联合会",
        UnitKind.NEW_EMPLOYMENT,
        "620502001",
        58,
        UnitStatus.FOUNDED,
        [(D(2023, 3, 15), "meeting", "推选筹备组，五月成立", D(2023, 5, 31))],
        D(2023, 5, 22),
    ),
    (
        "秦州区网约车驾驶员协会",
        UnitKind.NEW_EMPLOYMENT,
        "620502004",
        21,
        UnitStatus.FOUNDED,
        [(D(2023, 4, 12), "document", "六月成立妇联", D(2023, 6, 30))],
        D(2023, 6, 15),
    ),
    (
        "中梁镇花牛苹果专业合作社",
        UnitKind.NEW_ECONOMIC,
        "620502110",
        44,
        UnitStatus.FOUNDED,
        [(D(2023, 5, 9), "visit", "果园采摘季前成立", D(2023, 7, 31))],
        D(2023, 7, 20),
    ),
    (
        "秦州区家政服务行业协会",
        UnitKind.NEW_SOCIAL,
        "620502003",
        63,
        UnitStatus.FOUNDED,
        [
            (D(2023, 6, 2), "phone", "会员大会后筹建", None),
            (D(2023, 8, 1), "visit", "九月成立", D(2023, 9, 30)),
        ],
        D(2023, 9, 12),
    ),
    (
        "天水镇中心小学",
        UnitKind.PUBLIC_UNIT,
        "620502108",
        27,
        UnitStatus.URGED,
        [(D(2023, 10, 17), "visit", "2024年上半年成立妇委会", D(2024, 6, 30))],
        None,
    ),
    (
        "皂郊镇中心卫生院",
        UnitKind.PUBLIC_UNIT,
        "620502103",
        31,
        UnitStatus.URGED,
        [(D(2023, 11, 6), "document", "年底前报送筹备方案", D(2023, 12, 31))],
        None,
    ),
    (
        "秦州区直播电商产业园",
        UnitKind.NEW_ECONOMIC,
        "620502005",
        48,
        UnitStatus.URGED,
        [
            (D(2023, 9, 20), "phone", "", None),
            (D(2023, 11, 28), "visit", "入驻企业女职工摸底后成立", D(2024, 3, 31)),
        ],
        None,
    ),
    ("秦州区外卖配送站点", UnitKind.NEW_EMPLOYMENT, "620502006", 15, UnitStatus.NONE, [], None),
    ("太京镇农机服务公司", UnitKind.ENTERPRISE, "620502101", 9, UnitStatus.NONE, [], None),
    ("杨家寺镇养殖专业合作社", UnitKind.NEW_ECONOMIC, "620502111", 2, UnitStatus.EXEMPT, [], None),
]

TOWNS_VISITED = [
    # date, subject, visited codes, findings [(text, owner index, what, days, final state)]
    (D(2023, 3, 14), "镇级妇联组织建设指导", ["620502103"]),
    (D(2023, 3, 21), "街道妇联“会改联”后续工作督导", ["620502001", "620502002"]),
    (D(2023, 4, 6), "妇女之家规范化建设督导", ["620502108"]),
    (D(2023, 4, 19), "村（社区）妇联执委履职督导", ["620502100", "620502101"]),
    (D(2023, 5, 10), "“三新”领域妇联组织建设督导", ["620502003"]),
    (D(2023, 5, 24), "妇女之家共建共享共用督导", ["620502110"]),
    (D(2023, 6, 7), "执委婚调工作室建设指导", ["620502004", "620502005"]),
    (D(2023, 6, 20), "基层妇联组织查漏补缺督导", ["620502112"]),
    (D(2023, 7, 12), "执委与网格员双向任职督导", ["620502102"]),
    (D(2023, 7, 26), "妇女微家创建指导", ["620502006", "620502007"]),
    (D(2023, 8, 16), "妇女之家阵地台账督导", ["620502109"]),
    (D(2023, 9, 6), "镇级妇联组织建设补短板督导", ["620502104", "620502105"]),
    (D(2023, 9, 20), "应建未建单位督促情况督导", ["620502106"]),
    (D(2023, 10, 11), "村（社区）妇联换届后规范运行督导", ["620502107"]),
    (D(2023, 10, 25), "婚调工作室运行情况督导", ["620502113", "620502114"]),
    (D(2023, 11, 15), "年度妇女组织建设工作督导", ["620502115"]),
]

FINDINGS = [
    ("部分村妇联执委分工不明确", "明确每名执委的联系网格和分工，公示上墙"),
    ("妇女之家活动台账不完整", "补齐全年活动台账，做到一活动一记录"),
    ("妇女之家标识标牌不规范", "按统一样式制作标识标牌"),
    ("执委婚调工作室制度未上墙", "完善调解工作制度并上墙公示"),
    ("应建未建单位底数不清", "开展辖区单位摸底，建立应建未建台账"),
    ("妇联执委履职记录缺失", "建立执委履职纪实本，按月记录"),
    ("村妇联主席与网格员双向任职未落实", "推动村妇联主席兼任网格员"),
    ("妇女微家创建标准掌握不准", "对照创建标准逐项自查整改"),
]

# The final state of each item, cycling so that every state is present.
STATES = [
    ItemStatus.VERIFIED,
    ItemStatus.VERIFIED,
    ItemStatus.DONE,
    ItemStatus.IN_PROGRESS,
    ItemStatus.VERIFIED,
    ItemStatus.OPEN,
    ItemStatus.REOPENED,
    ItemStatus.VERIFIED,
]
VISITOR_NAMES = "区妇联主席、组织联络部负责同志"


def _photo(n: int) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 36 + n * 7 % 200, 58)).save(buffer, "PNG")
    return SimpleUploadedFile(f"整改照片{n}.png", buffer.getvalue(), content_type="image/png")


def _owner_actor(org: Org, accounts: dict[str, User], admin: User) -> User:
    """The town's own account where the demo has one, else the district's."""
    by_code = {"620502108": "tianshui-town", "620502103": "zaojiao-town"}
    return accounts.get(by_code.get(org.code or "", ""), admin)


def load_units(admin: User) -> tuple[int, int]:
    created = founded = 0
    orgs = {o.code: o for o in Org.objects.filter(code__in={u[2] for u in UNITS})}
    for n, (name, kind, area, women, status, urgings, founded_on) in enumerate(UNITS, start=1):
        if Unit.objects.filter(name=name).exists():
            continue
        prefix = (
            "51"
            if kind == UnitKind.NEW_SOCIAL
            else ("12" if kind == UnitKind.PUBLIC_UNIT else "91")
        )
        unit = services.register_unit(
            actor=admin,
            org=orgs[area],
            name=name,
            kind=kind,
            credit_code=credit_code(prefix, 100 + n),
            women_count=women,
        )
        created += 1
        for date, method, promise, promised_by in urgings:
            services.urge_unit(
                actor=admin,
                unit=unit,
                date=date,
                method=method,
                promise=promise,
                promised_by=promised_by,
            )
        if status == UnitStatus.FOUNDED:
            services.found_unit(actor=admin, unit=unit, on=founded_on, name=f"{name}妇联")
            founded += 1
        elif status == UnitStatus.EXEMPT:
            services.exempt_unit(actor=admin, unit=unit, reason="女性成员不足3人，暂不具备建会条件")
    return created, founded


def load_visits(admin: User, accounts: dict[str, User]) -> int:
    rng = random.Random(SEED)
    district = Org.objects.get(code="620502")
    orgs = {
        o.code: o for o in Org.objects.filter(code__in={c for v in TOWNS_VISITED for c in v[2]})
    }
    created = 0
    photo_n = 0
    for n, (date, subject, codes) in enumerate(TOWNS_VISITED):
        if GuidanceVisit.objects.filter(org=district, date=date, subject=subject).exists():
            continue
        picks = rng.sample(range(len(FINDINGS)), 2)
        names = "、".join(orgs[c].name for c in codes)
        visit = services.create_visit(
            actor=admin,
            org=district,
            visited=[orgs[c] for c in codes],
            date=date,
            subject=subject,
            summary=f"区妇联到{names}实地查看、座谈交流，查漏补缺。",
            visitor_names=VISITOR_NAMES,
            visitors=[admin],
            findings=[FINDINGS[p][0] for p in picks],
        )
        created += 1
        for m, (finding, p) in enumerate(zip(visit.findings.order_by("pk"), picks, strict=True)):
            owner = orgs[codes[m % len(codes)]]
            item = services.raise_item(
                actor=admin,
                finding=finding,
                org=owner,
                what=FINDINGS[p][1],
                deadline=date + datetime.timedelta(days=30 + 15 * m),
            )
            final = STATES[(2 * n + m) % len(STATES)]
            if final == ItemStatus.OPEN:
                continue
            worker = _owner_actor(owner, accounts, admin)
            services.move_item(actor=worker, item=item, to=ItemStatus.IN_PROGRESS)
            if final == ItemStatus.IN_PROGRESS:
                continue
            photo_n += 1
            services.add_evidence(actor=worker, item=item, upload=_photo(photo_n))
            done_on = date + datetime.timedelta(days=20 + 5 * m)
            services.move_item(actor=worker, item=item, to=ItemStatus.DONE, on=done_on)
            if final == ItemStatus.DONE:
                continue
            if final == ItemStatus.REOPENED:
                services.move_item(
                    actor=admin,
                    item=item,
                    to=ItemStatus.REOPENED,
                    note="整改材料不充分，请补充活动照片和台账",
                )
                continue
            services.move_item(
                actor=admin,
                item=item,
                to=ItemStatus.VERIFIED,
                on=done_on + datetime.timedelta(days=7),
                note="现场复查，整改到位",
            )
    return created


def load(stdout: Any) -> None:
    admin = User.objects.get(username="qinzhou-admin")
    accounts = {
        u.username: u for u in User.objects.filter(username__in=["tianshui-town", "zaojiao-town"])
    }
    units, founded = load_units(admin)
    visits = load_visits(admin, accounts)
    stdout.write(
        f"building: {units} units ({founded} founded an organisation), "
        f"{visits} guidance visits created"
    )
