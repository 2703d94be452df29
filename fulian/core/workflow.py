"""One mechanism for every model with a status.

A model declares its transition table once, as a class attribute::

    class Item(models.Model):
        status = models.CharField(max_length=12, choices=ItemStatus.choices, default="open")
        workflow = Workflow(
            noun=_("整改事项"),
            states=ItemStatus,
            history="building.ItemHistory",   # a subclass of core.models.StatusHistory
            subject="item",                   # its foreign key to Item
            transitions=[
                Transition(ItemStatus.OPEN, ItemStatus.IN_PROGRESS, allowed=is_owner_side),
                Transition(ItemStatus.DONE, ItemStatus.VERIFIED, allowed=may_check),
            ],
        )

and every change of status goes through :func:`move`, called by the app's service after its
own checks (scope, preconditions) and side effects on other fields::

    item.done_on = on
    workflow.move(item, ItemStatus.DONE, actor=actor, note=note, fields=["done_on"])

``move`` locks the row, refuses a move from a status the caller did not see (someone else
moved it first: two reviewers acting at once give one result), checks the transition and the
actor's permission for it, saves (audited by django-auditlog like any save) and writes the
history row, all in one transaction. :func:`record` writes a history row without a move
(created, evidence uploaded).

Why not django-fsm-2: its transitions are model methods that change the instance and leave
saving, locking and the history row to the caller, and django-fsm-log keeps one generic
table for all models; our services are keyword-only functions with the actor, and each model's
history is a table of its own that the statistics read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

Guard = Callable[[Any, Any], bool]  # (actor, obj) -> may this actor make this move?


@dataclass(frozen=True)
class Transition:
    """One allowed move. ``allowed`` says who may make it; without it, anyone whom the
    calling service lets through may."""

    source: str
    target: str
    allowed: Guard | None = None


class Workflow:
    def __init__(
        self,
        *,
        noun: Any,
        states: type[models.TextChoices],
        transitions: Iterable[Transition | tuple[str, str]],
        history: str,
        subject: str,
        field: str = "status",
    ) -> None:
        self.noun = noun
        self.states = states
        self.field = field
        self.history_label = history
        self.subject = subject
        self.table: dict[tuple[str, str], Transition] = {}
        for t in transitions:
            t = t if isinstance(t, Transition) else Transition(*t)
            if t.source not in states.values or t.target not in states.values:
                raise ValueError(f"unknown status in {t}")
            self.table[(str(t.source), str(t.target))] = t

    @property
    def history_model(self) -> type[models.Model]:
        return apps.get_model(self.history_label)

    def label(self, status: str) -> str:
        try:
            return str(self.states(status).label)
        except ValueError:
            return status

    def targets(self, status: str) -> list[str]:
        """Every status reachable from ``status`` in one move, in the order of the states."""
        return [s for s in self.states.values if (status, s) in self.table]

    def can(self, obj: Any, to: str) -> bool:
        return (getattr(obj, self.field), to) in self.table

    def may(self, actor: Any, obj: Any, to: str) -> bool:
        transition = self.table.get((getattr(obj, self.field), to))
        return transition is not None and (
            transition.allowed is None or bool(transition.allowed(actor, obj))
        )

    def allowed_targets(self, actor: Any, obj: Any) -> list[str]:
        """The statuses this actor may move ``obj`` to now (for buttons and the API)."""
        return [to for to in self.targets(getattr(obj, self.field)) if self.may(actor, obj, to)]

    def check(self, obj: Any, to: str, actor: Any) -> None:
        """Raise ValidationError for a move the table does not allow, PermissionDenied for
        one this actor may not make."""
        if to not in self.states.values:
            raise ValidationError({"to": _("状态无效。")})
        current = getattr(obj, self.field)
        transition = self.table.get((current, to))
        if transition is None:
            raise ValidationError(
                _("%(noun)s不能从“%(from)s”变为“%(to)s”。")
                % {"noun": self.noun, "from": self.label(current), "to": self.label(to)}
            )
        if transition.allowed is not None and not transition.allowed(actor, obj):
            raise PermissionDenied


def workflow_of(obj: Any) -> Workflow:
    wf = getattr(type(obj), "workflow", None)
    if not isinstance(wf, Workflow):
        raise TypeError(f"{type(obj).__name__} declares no workflow")
    return wf


@transaction.atomic
def move(
    obj: Any,
    to: str,
    *,
    actor: Any,
    note: str = "",
    fields: Sequence[str] = (),
    **history_fields: Any,
) -> models.Model:
    """Move ``obj`` to status ``to``: lock, check, save ``status`` and ``fields``, write the
    history row. Returns the history row."""
    wf = workflow_of(obj)
    model = type(obj)
    current = (
        model._base_manager.select_for_update()
        .filter(pk=obj.pk)
        .values_list(wf.field, flat=True)
        .get()
    )
    if current != getattr(obj, wf.field):
        raise ValidationError(
            _("%(noun)s已被他人处理（现为“%(status)s”），请刷新后再试。")
            % {"noun": wf.noun, "status": wf.label(current)}
        )
    wf.check(obj, to, actor)
    setattr(obj, wf.field, to)
    update = [wf.field, *fields]
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        update.append("updated_at")
    obj.save(update_fields=list(dict.fromkeys(update)))
    return wf.history_model._default_manager.create(
        **{wf.subject: obj},
        from_status=current,
        to_status=to,
        actor=actor,
        note=note.strip()[:300],
        **history_fields,
    )


def record(
    obj: Any, *, actor: Any, note: str = "", created: bool = False, **history_fields: Any
) -> models.Model:
    """A history row without a move: ``created`` marks the first row (no previous status);
    otherwise an event in the current status (an upload, a reminder)."""
    wf = workflow_of(obj)
    status = getattr(obj, wf.field)
    return wf.history_model._default_manager.create(
        **{wf.subject: obj},
        from_status="" if created else status,
        to_status=status,
        actor=actor,
        note=note.strip()[:300],
        **history_fields,
    )
