"""Permissions by role. Where a permission applies is the user's subtree (see core.scope);
what a role may do there is decided here, once."""

from typing import Any

import rules

from fulian.accounts.models import Role, role_rank


def _at_least(role: Role) -> Any:
    @rules.predicate(name=f"at_least_{role}")
    def check(user: Any) -> bool:
        return bool(
            user.is_authenticated
            and user.is_active
            and user.org_id
            and role_rank(user.role) >= role_rank(role)
        )

    return check


is_viewer = _at_least(Role.VIEWER)
is_editor = _at_least(Role.EDITOR)
is_org_admin = _at_least(Role.ORG_ADMIN)
is_district_admin = _at_least(Role.DISTRICT_ADMIN)

rules.add_perm("fulian.view", is_viewer)
rules.add_perm("fulian.edit", is_editor)
rules.add_perm("fulian.manage_orgs", is_org_admin)
rules.add_perm("fulian.manage_users", is_org_admin)
rules.add_perm("fulian.configure", is_district_admin)
rules.add_perm("fulian.view_audit", is_district_admin)
