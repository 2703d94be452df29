"""Parallel claims on PostgreSQL: one project claimed at once by twenty executives gives one
claim; one executive claiming twenty projects at once gets one ("一人一事")."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from fulian.duty import services
from fulian.duty.models import Claim, Project, ProjectStatus
from fulian.duty.tests.conftest import make_person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and parallel writers need PostgreSQL (SQLite serialises writers)",
    ),
]

N = 20


def _published(cast, title):
    project = services.propose_project(
        actor=None, org=cast.village_a, title=title, need="需求", beneficiaries="妇女"
    )
    services.review_project(actor=None, project=project, publish=True)
    return project


def _run(calls):
    barrier = threading.Barrier(len(calls))
    made, refused, errors = [], [], []

    def work(call):
        try:
            barrier.wait()
            made.append(call())
        except ValidationError as error:
            refused.append(" ".join(error.messages))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return made, refused, errors


def test_twenty_parallel_claims_of_one_project_give_one_claim(cast):
    project = _published(cast, "巾帼志愿服务进社区")
    people = [
        make_person(cast.village_a, f"执委{i:02d}", executive_of=cast.town_a) for i in range(N)
    ]
    made, refused, errors = _run(
        [
            lambda p=p: services.claim_project(actor=cast.town_a_admin, project=project, person=p)
            for p in people
        ]
    )
    assert errors == []
    assert len(made) == 1
    assert refused == ["该项目已被其他执委认领，请选择其他项目。"] * (N - 1)
    assert Claim.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLAIMED
    assert project.history.filter(to_status="claimed").count() == 1


def test_one_executive_claiming_twenty_projects_at_once_gets_one(cast):
    projects = [_published(cast, f"实事项目{i:02d}") for i in range(N)]
    person = make_person(cast.village_a, "王秀英", executive_of=cast.town_a)
    made, refused, errors = _run(
        [
            lambda p=p: services.claim_project(actor=cast.town_a_admin, project=p, person=person)
            for p in projects
        ]
    )
    assert errors == []
    assert len(made) == 1
    assert len(refused) == N - 1 and all("一人一事" in r for r in refused)
    assert Claim.objects.filter(person=person).count() == 1
    assert Project.objects.filter(status=ProjectStatus.CLAIMED).count() == 1
