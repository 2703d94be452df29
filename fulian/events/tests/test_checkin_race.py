"""Fifty parallel check-ins of one person to one session leave one attendance."""

import threading

import pytest
from django.db import connection

from fulian.events import services
from fulian.events.models import Attendance, AttendanceStatus
from fulian.events.tests.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_parallel_checkins_leave_one_attendance(training, trainee):
    session = training.activity.sessions.first()
    barrier = threading.Barrier(50)
    results, errors = [], []

    def scan() -> None:
        try:
            barrier.wait()
            results.append(
                services.check_in(
                    session=session, name="李秀英", phone="138 0000 1111", now=at(2023, 8, 29, 9, 5)
                )
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 50
    assert sum(r.created for r in results) == 1
    assert Attendance.objects.filter(session=session).count() == 1
    only = Attendance.objects.get(session=session)
    assert only.person == trainee and only.status == AttendanceStatus.CONFIRMED
    assert {r.attendance.pk for r in results} == {only.pk}
