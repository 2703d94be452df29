"""The one status mechanism (core/workflow.py): the table, the guards, the stale-status
check, the history row, and one winner when several people move the same record at once."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from fulian.building import services as building
from fulian.building.models import (
    ItemHistory,
    ItemStatus,
    RectificationItem,
    Unit,
    UnitHistory,
    UnitKind,
    UnitStatus,
)
from fulian.core import workflow
from fulian.core.workflow import Transition, Workflow, workflow_of

pytestmark = pytest.mark.django_db


def make_unit(cast, name="秦州区某快递站"):
    return Unit.objects.create(org=cast.town_a, name=name, kind=UnitKind.NEW_EMPLOYMENT)


def make_item(cast):
    visit = building.create_visit(
        actor=cast.district_admin,
        org=cast.district,
        visited=[cast.town_a],
        date=datetime.date(2023, 5, 10),
        subject="督导",
        findings=["台账不全"],
    )
    return building.raise_item(
        actor=cast.district_admin,
        finding=visit.findings.get(),
        org=cast.town_a,
        what="补齐台账",
        deadline=datetime.date(2023, 6, 30),
    )


# --- the table -------------------------------------------------------------------------------


def test_a_table_naming_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="unknown status"):
        Workflow(
            noun="x",
            states=UnitStatus,
            transitions=[(UnitStatus.NONE, "nowhere")],
            history="building.UnitHistory",
            subject="unit",
        )


def test_targets_follow_the_table_in_the_order_of_the_states():
    flow = Unit.workflow
    assert flow.targets(UnitStatus.NONE) == ["urged", "founded", "exempt"]
    assert flow.targets(UnitStatus.URGED) == ["urged", "founded", "exempt"]
    assert flow.targets(UnitStatus.EXEMPT) == ["none"]
    assert flow.targets(UnitStatus.FOUNDED) == []
    assert flow.label(UnitStatus.EXEMPT) == "免建"
    assert flow.label("gone") == "gone"


def test_every_model_with_a_status_declares_its_workflow():
    from fulian.events.models import Attendance, Enrolment
    from fulian.people.models import Election

    for model, history in [
        (Unit, "building.UnitHistory"),
        (RectificationItem, "building.ItemHistory"),
        (Attendance, "events.AttendanceHistory"),
        (Enrolment, "events.EnrolmentHistory"),
        (Election, "people.ElectionHistory"),
    ]:
        flow = model.workflow
        assert isinstance(flow, Workflow)
        assert flow.history_label == history
        assert flow.history_model.workflow() is flow
        subject = flow.history_model._meta.get_field(flow.subject)
        assert subject.related_model is model
        assert subject.remote_field.related_name == "history"


def test_an_object_without_a_workflow_cannot_be_moved(cast):
    with pytest.raises(TypeError, match="Org declares no workflow"):
        workflow_of(cast.district)


# --- moves -----------------------------------------------------------------------------------


def test_an_illegal_move_is_a_validation_error_and_changes_nothing(cast):
    unit = make_unit(cast)
    workflow.move(unit, UnitStatus.EXEMPT, actor=cast.town_a_admin, note="已撤销")
    with pytest.raises(ValidationError) as error:
        workflow.move(unit, UnitStatus.FOUNDED, actor=cast.town_a_admin)
    assert error.value.messages == ["应建单位不能从“免建”变为“已建立”。"]
    unit.refresh_from_db()
    assert unit.status == UnitStatus.EXEMPT
    assert UnitHistory.objects.filter(unit=unit).count() == 1


def test_an_unknown_status_is_a_validation_error_on_to(cast):
    unit = make_unit(cast)
    with pytest.raises(ValidationError) as error:
        workflow.move(unit, "closed", actor=cast.town_a_admin)
    assert error.value.message_dict == {"to": ["状态无效。"]}
    assert not UnitHistory.objects.filter(unit=unit).exists()


def test_a_guard_refusing_the_actor_is_permission_denied_and_changes_nothing(cast):
    item = make_item(cast)
    with pytest.raises(PermissionDenied):  # another town is neither side
        workflow.move(item, ItemStatus.IN_PROGRESS, actor=cast.town_b_admin)
    with pytest.raises(PermissionDenied):  # a viewer of the owner may not edit
        workflow.move(item, ItemStatus.IN_PROGRESS, actor=cast.viewer)
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.OPEN
    assert list(ItemHistory.objects.filter(item=item).values_list("from_status", "to_status")) == [
        ("", "open")
    ]
    assert RectificationItem.workflow.allowed_targets(cast.town_a_admin, item) == ["in_progress"]
    assert RectificationItem.workflow.allowed_targets(cast.town_b_admin, item) == []
    assert RectificationItem.workflow.allowed_targets(cast.viewer, item) == []
    workflow.move(item, ItemStatus.IN_PROGRESS, actor=cast.town_a_admin)
    item.done_on = datetime.date(2023, 6, 1)
    workflow.move(item, ItemStatus.DONE, actor=cast.town_a_admin, fields=["done_on"])
    with pytest.raises(PermissionDenied):  # the owner never verifies its own work
        workflow.move(item, ItemStatus.VERIFIED, actor=cast.town_a_admin)
    assert RectificationItem.workflow.allowed_targets(cast.town_a_admin, item) == []
    assert RectificationItem.workflow.allowed_targets(cast.district_admin, item) == [
        "verified",
        "reopened",
    ]
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.DONE


def test_a_guard_is_asked_with_the_actor_and_the_object():
    asked = []

    def only_alice(actor, obj):
        asked.append((actor, obj))
        return actor == "alice"

    flow = Workflow(
        noun="单位",
        states=UnitStatus,
        transitions=[Transition(UnitStatus.NONE, UnitStatus.URGED, allowed=only_alice)],
        history="building.UnitHistory",
        subject="unit",
    )
    unit = Unit(status=UnitStatus.NONE)
    flow.check(unit, UnitStatus.URGED, "alice")
    with pytest.raises(PermissionDenied):
        flow.check(unit, UnitStatus.URGED, "bob")
    assert asked == [("alice", unit), ("bob", unit)]
    assert flow.may("alice", unit, UnitStatus.URGED) is True
    assert flow.may("alice", unit, UnitStatus.FOUNDED) is False  # not in the table


def test_a_stale_status_is_refused_as_handled_by_someone_else(cast):
    unit = make_unit(cast)
    seen_by_other = Unit.objects.get(pk=unit.pk)
    workflow.move(unit, UnitStatus.URGED, actor=cast.town_a_admin)
    with pytest.raises(ValidationError) as error:
        workflow.move(seen_by_other, UnitStatus.EXEMPT, actor=cast.district_admin, note="注销")
    assert error.value.messages == ["应建单位已被他人处理（现为“已督促”），请刷新后再试。"]
    unit.refresh_from_db()
    assert unit.status == UnitStatus.URGED
    assert list(UnitHistory.objects.filter(unit=unit).values_list("to_status", flat=True)) == [
        "urged"
    ]


def test_a_move_saves_the_status_and_the_named_fields_only_and_writes_one_row(cast):
    unit = make_unit(cast)
    before = Unit.objects.get(pk=unit.pk).updated_at
    unit.exempt_reason = "已注销"
    unit.name = "未保存的名称"
    row = workflow.move(
        unit,
        UnitStatus.EXEMPT,
        actor=cast.town_a_admin,
        note="  " + "说" * 400 + "  ",
        fields=["exempt_reason"],
    )
    stored = Unit.objects.get(pk=unit.pk)
    assert (stored.status, stored.exempt_reason) == ("exempt", "已注销")
    assert stored.name == "秦州区某快递站"
    assert stored.updated_at > before
    assert isinstance(row, UnitHistory)
    assert (row.unit_id, row.from_status, row.to_status, row.actor) == (
        unit.pk,
        "none",
        "exempt",
        cast.town_a_admin,
    )
    assert row.note == "说" * 300
    assert row.at is not None
    assert (row.get_from_status_display(), row.get_to_status_display()) == ("未建立", "免建")
    assert str(row) == "none → exempt"
    assert list(unit.history.all()) == [row]


def test_record_writes_the_first_row_or_an_event_without_a_move(cast):
    unit = make_unit(cast)
    first = workflow.record(unit, actor=cast.town_a_admin, note="登记", created=True)
    event = workflow.record(unit, actor=None, note=" 电话回访 ")
    assert list(
        unit.history.values_list("from_status", "to_status", "actor__username", "note")
    ) == [("", "none", "town-a-admin", "登记"), ("none", "none", None, "电话回访")]
    assert first.get_from_status_display() == ""
    assert event.get_to_status_display() == "未建立"
    unit.refresh_from_db()
    assert unit.status == UnitStatus.NONE


# --- one winner ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_moves_of_one_record_have_one_winner_and_one_history_row(cast):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT … FOR UPDATE) need PostgreSQL; SQLite locks the file")
    unit = make_unit(cast)
    actors = [cast.district_admin, cast.town_a_admin, cast.district_admin, cast.town_a_admin]
    targets = [UnitStatus.EXEMPT, UnitStatus.URGED, UnitStatus.FOUNDED, UnitStatus.EXEMPT]
    barrier = threading.Barrier(len(actors))
    moved, refused, other = [], [], []

    def act(actor, to):
        seen = Unit.objects.get(pk=unit.pk)  # each one saw "none"
        try:
            barrier.wait()
            moved.append(workflow.move(seen, to, actor=actor, note=to).pk)
        except ValidationError as error:
            refused.append(error.messages[0])
        except Exception as error:  # pragma: no cover - shown by the assertion below
            other.append(error)
        finally:
            connection.close()

    pairs = zip(actors, targets, strict=True)
    threads = [threading.Thread(target=act, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other == []
    assert len(moved) == 1
    assert len(refused) == 3
    assert all(m.startswith("应建单位已被他人处理（现为“") for m in refused)
    rows = list(UnitHistory.objects.filter(unit=unit))
    assert [r.pk for r in rows] == moved
    assert rows[0].from_status == "none"
    assert Unit.objects.get(pk=unit.pk).status == rows[0].to_status
