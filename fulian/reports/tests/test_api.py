"""The reports API on the persona cast: every endpoint in the permission matrix (out of
scope is 404, a denied write changes nothing), bad parameters answer 400 naming the
parameter, and ``by=children`` costs the same queries for any number of children."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from fulian.core.testing import check_matrix
from fulian.reports import services
from fulian.reports.models import JobStatus, SummaryJob
from fulian.reports.tests.test_home import _more_villages

pytestmark = pytest.mark.django_db

API_QUERIES = 156  # now, the previous period, last year, and the children (pinned)

TOWN_A = {
    "anonymous": 401,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 404,
    "viewer": 200,
}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/indicators/?org=620502103&year=2023",
        "/api/v1/indicators/?org=620502103&period=2023Q3&by=children",
        "/api/v1/reports/workbook/?org=620502103&period=2023",
        "/api/v1/reports/summary/?org=620502103&year=2023&type=md",
    ],
)
def test_read_matrix(client, cast, url):
    check_matrix(client, cast, "GET", url, TOWN_A)


def test_own_org_by_default(client, cast):
    client.force_login(cast.village_editor)
    data = client.get("/api/v1/indicators/?year=2023").json()
    assert data["org"] == {
        "id": cast.village_a.pk,
        "code": "620502103005",
        "name": cast.village_a.name,
    }


def test_job_start_matrix(client, cast):
    def state():
        return SummaryJob.objects.count()

    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/reports/jobs/",
        {**TOWN_A, "district_admin": 201, "town_a_admin": 201, "viewer": 201},
        data={"org": "620502103", "year": 2023, "format": "md"},
        content_type="application/json",
        state=state,
    )
    assert SummaryJob.objects.count() == 3


@pytest.fixture
def job(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = services.start_summary(
        actor=cast.town_a_admin, org=cast.town_a, year=2023, format="docx", script="hans"
    )
    return services.run_job(job)


def test_job_detail_and_file_matrix(client, cast, job):
    assert (job.status, job.progress) == (JobStatus.DONE, 100)
    check_matrix(client, cast, "GET", f"/api/v1/reports/jobs/{job.pk}/", TOWN_A)
    check_matrix(client, cast, "GET", f"/api/v1/reports/jobs/{job.pk}/file/", TOWN_A)
    client.force_login(cast.town_a_admin)
    data = client.get(f"/api/v1/reports/jobs/{job.pk}/").json()
    assert data["file_url"] == f"/api/v1/reports/jobs/{job.pk}/file/"
    assert (data["status"], data["filename"]) == ("done", "皂郊镇2023年度工作总结.docx")
    content = b"".join(client.get(data["file_url"]).streaming_content)
    assert Document(io.BytesIO(content)).paragraphs[0].text == "皂郊镇妇联2023年度工作总结"
    assert [j["id"] for j in client.get("/api/v1/reports/jobs/").json()["results"]] == [str(job.pk)]
    client.force_login(cast.town_b_admin)
    assert client.get("/api/v1/reports/jobs/").json()["results"] == []


def test_a_job_not_built_yet_has_no_file(client, cast):
    job = services.start_summary(
        actor=cast.town_a_admin, org=cast.town_a, year=2023, format="md", script="hans"
    )
    client.force_login(cast.town_a_admin)
    data = client.get(f"/api/v1/reports/jobs/{job.pk}/").json()
    assert (data["status"], data["progress"], data["file_url"]) == ("queued", 0, None)
    assert client.get(f"/api/v1/reports/jobs/{job.pk}/file/").status_code == 404


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/indicators/?org=620502103&period=2023Q5", "period"),
        ("/api/v1/indicators/?org=620502103&from=2023-01-01", "from"),
        ("/api/v1/indicators/?org=620502103&from=2023-13-01&to=2023-12-31", "from"),
        ("/api/v1/indicators/?org=620502103&from=2023-12-01&to=2023-01-31", "from"),
        ("/api/v1/indicators/?org=620502103&year=abc", "year"),
        ("/api/v1/indicators/?org=620502103&by=parents", "by"),
        ("/api/v1/indicators/?org=620502103&codes=events.trainings,nope", "codes"),
        ("/api/v1/reports/workbook/?org=620502103&period=23", "period"),
        ("/api/v1/reports/summary/?org=620502103&type=exe", "type"),
        ("/api/v1/reports/summary/?org=620502103&year=1800", "year"),
        ("/api/v1/reports/summary/?org=620502103&script=latin", "script"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, cast, url, field):
    client.force_login(cast.district_admin)
    response = client.get(url)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_bad_job_is_400_and_creates_nothing(client, cast):
    client.force_login(cast.district_admin)
    response = client.post(
        "/api/v1/reports/jobs/",
        {"org": "620502103", "year": 2023, "format": "exe"},
        content_type="application/json",
    )
    assert response.status_code == 400 and list(response.json()) == ["format"]
    assert SummaryJob.objects.count() == 0


def test_workbook_and_summary_files(client, cast):
    client.force_login(cast.town_a_admin)
    response = client.get("/api/v1/reports/workbook/?period=2023H2")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book["能·培训"]["A"]][4:] == [
        "下寨子居民委员会",
        "杨家沟村民委员会",
        "本级",
        "合计",
    ]
    summary = client.get("/api/v1/reports/summary/?year=2023&type=md&script=hant")
    assert summary["Content-Type"] == "text/markdown; charset=utf-8"
    assert summary.content.decode().startswith("# 皂郊鎮婦聯2023年度工作總結")


def test_by_children_costs_the_same_queries_for_more_children(
    client, cast, django_assert_num_queries
):
    client.force_login(cast.district_admin)
    url = "/api/v1/indicators/?org=620502103&year=2023&by=children"
    client.get(url)
    with django_assert_num_queries(API_QUERIES):
        first = client.get(url).json()
    assert len(first["children"]) == 2
    _more_villages(cast, 6)
    with django_assert_num_queries(API_QUERIES):
        second = client.get(url).json()
    assert len(second["children"]) == 8
    trainings = {c["org"]["code"]: c["values"]["events.trainings"] for c in second["children"]}
    assert sum(trainings.values()) == 6 and trainings["620502103990"] == 1
    value = next(i for i in second["indicators"] if i["code"] == "events.trainings")
    assert value["value"] == 6 + second["own"]["events.trainings"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_a_job_started_through_the_api(client, cast, settings, tmp_path):
    """The whole path: POST, the commit enqueues, ``db_worker`` runs it, the file is ready."""
    from django.core.management import call_command

    from fulian.events.services import ensure_defaults

    ensure_defaults()  # a transactional test's flush took the migration's kinds away
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.town_a_admin)
    response = client.post(
        "/api/v1/reports/jobs/",
        {"year": 2023, "format": "md", "script": "hant", "org": "620502103"},
        content_type="application/json",
    )
    assert response.status_code == 201
    job_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    data = client.get(f"/api/v1/reports/jobs/{job_id}/").json()
    assert (data["status"], data["progress"], data["step"]) == ("done", 100, "done")
    content = b"".join(client.get(data["file_url"]).streaming_content).decode()
    assert content.startswith("# 皂郊鎮婦聯2023年度工作總結")
