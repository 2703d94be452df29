"""The venue list as .xlsx: as filtered on the page, in scope, cell by cell."""

import datetime
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from fulian.core import periods
from fulian.core.testing import check_matrix
from fulian.venues.exports import COLUMNS
from fulian.venues.models import Venue
from fulian.venues.tests.test_venues import make

pytestmark = pytest.mark.django_db

URL = "/venues/export.xlsx"
EVERYONE = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}


@pytest.fixture
def venues(cast):
    home = make(cast)  # 下寨子妇女之家: women's home on the Party-service centre, shared
    workroom = make(
        cast,
        org=cast.town_b,
        name="天水镇执委婚调工作室",
        type="mediation_workroom",
        host="other",
        host_name="天水镇综治中心",
        shared=False,
        address="",
        latitude=None,
        longitude=None,
        opening_hours="",
        contact_phone="",
        established=None,
        status="planned",
    )
    micro = make(
        cast,
        org=cast.town_a,
        name="皂郊镇文化大院妇女微家",
        type="micro_home",
        host="interest_group",
        shared=False,
        latitude=Decimal("34.512345"),
        longitude=Decimal("105.654321"),
        established=datetime.date(2022, 12, 31),
    )
    Venue.objects.filter(pk=micro.pk).update(certified=True, is_model_site=True)
    return home, workroom, micro


HEADER = [c.title for c in COLUMNS]


def rows(client, query=""):
    """The table under the title and the date line (checked once, below)."""
    response = client.get(URL + query)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_export_matrix_and_every_cell(client, cast, venues):
    check_matrix(client, cast, "get", URL, EVERYONE)
    client.force_login(cast.district_admin)
    response = client.get(URL)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    day = periods.today()
    assert unquote(response["Content-Disposition"]) == (
        f"attachment; filename*=utf-8''秦州区妇联_阵地名录_{day:%Y%m%d}.xlsx"
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "阵地"
    assert (ws["A1"].value, ws["A2"].value) == (
        "秦州区妇联阵地名录",
        f"导出日期：{day:%Y-%m-%d}　共 3 条",
    )
    assert ws["M5"].number_format == "yyyy-mm-dd"
    assert rows(client) == [
        HEADER,
        [
            "天水镇执委婚调工作室",
            "执委婚调工作室",
            "其他",
            "天水镇综治中心",
            "否",
            "天水镇",
            "620502108",
            None,
            None,
            None,
            None,
            None,
            None,
            "筹建中",
            "否",
            "否",
        ],
        [
            "皂郊镇文化大院妇女微家",
            "妇女微家",
            "兴趣团体",
            None,
            "否",
            "皂郊镇",
            "620502103",
            "皂郊镇下寨子社区",
            34.512345,
            105.654321,
            "周二、周四 9:00-17:00",
            "0938-2345678",
            datetime.datetime(2022, 12, 31),  # noqa: DTZ001 - a spreadsheet cell
            "运行中",
            "是",
            "是",
        ],
        [
            "下寨子妇女之家",
            "妇女之家",
            "党群服务中心",
            None,
            "是",
            "下寨子居民委员会",
            "620502103005",
            "皂郊镇下寨子社区",
            34.5,
            105.6,
            "周二、周四 9:00-17:00",
            "0938-2345678",
            datetime.datetime(2023, 5, 1),  # noqa: DTZ001 - a spreadsheet cell
            "运行中",
            "否",
            "否",
        ],
    ]


def test_export_honours_scope_and_the_pages_filters(client, cast, venues):
    client.force_login(cast.town_b_admin)
    assert [r[0] for r in rows(client)[1:]] == ["天水镇执委婚调工作室"]
    client.force_login(cast.village_editor)
    assert [r[0] for r in rows(client)[1:]] == ["下寨子妇女之家"]
    client.force_login(cast.viewer)
    assert [r[0] for r in rows(client)[1:]] == ["皂郊镇文化大院妇女微家", "下寨子妇女之家"]
    assert [r[0] for r in rows(client, "?type=micro_home")[1:]] == ["皂郊镇文化大院妇女微家"]
    assert [r[0] for r in rows(client, "?host=party_service_centre")[1:]] == ["下寨子妇女之家"]
    assert [r[0] for r in rows(client, "?certified=true&year=2022")[1:]] == [
        "皂郊镇文化大院妇女微家"
    ]
    assert [r[0] for r in rows(client, "?q=妇女之家&page=3")[1:]] == ["下寨子妇女之家"]
    assert rows(client, "?type=childrens_home") == [HEADER]
    page = client.get("/venues/?type=micro_home&page=1").content.decode()
    assert 'href="/venues/export.xlsx?type=micro_home"' in page
    assert "export.xlsx" not in client.get("/venues/below-standard/").content.decode()


def test_export_query_count_does_not_grow_with_rows(
    client, cast, venues, django_assert_num_queries
):
    client.force_login(cast.district_admin)
    for n in range(5):
        make(cast, org=cast.village_b, name=f"天水村妇女微家{n}", type="micro_home")
    # session, user, the user's org, the venues with their orgs, the session's refresh
    # (savepoint, update, release)
    with django_assert_num_queries(7):
        assert len(rows(client)) == 9  # the header and 8 venues
