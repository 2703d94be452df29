"""Writes and sensitive reads of people, positions, grids, congresses and elections.

Each write is one transaction, checked against the actor's scope and role."""

from __future__ import annotations

from typing import Any

from fulian.core import personal_data as pd
from fulian.orgs.models import Org
from fulian.people.models import Person


def find_person_by_phone(phone: str, scope_org: Org) -> Person | None:
    """The person in ``scope_org``'s subtree with this phone (exact match on the blind
    index; the first by id if several share it), or None."""
    index = pd.index_of(pd.PHONE, phone)
    if not index:
        return None
    return Person.objects.in_subtree(scope_org).filter(phone_index=index).order_by("pk").first()


def find_person_by_id_number(id_number: str, scope_org: Org | None = None) -> Person | None:
    """The person with this ID number, in ``scope_org``'s subtree (anywhere if None)."""
    index = pd.index_of(pd.ID_NUMBER, id_number)
    if not index:
        return None
    queryset: Any = Person.objects.all()
    if scope_org is not None:
        queryset = queryset.in_subtree(scope_org)
    return queryset.filter(id_number_index=index).first()
