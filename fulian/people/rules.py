"""What a role may do with people. Where (the subtree) is checked by ``for_user``."""

import rules

from fulian.accounts.rules import is_district_admin, is_editor, is_org_admin, is_viewer

# Revealing an ID number or phone in full: org admins and district admins, in their scope;
# every reveal writes an access-log row (services.reveal).
rules.add_perm("people.reveal_personal", is_org_admin)
# Moving a person between orgs that are not both in an org admin's scope is the district's.
rules.add_perm("people.transfer", is_district_admin)
# The editable list of talent tags is district configuration.
rules.add_perm("people.manage_tags", is_district_admin)
rules.add_perm("people.view", is_viewer)
rules.add_perm("people.edit", is_editor)
# Congresses and elections are run by org admins and above.
rules.add_perm("people.manage_congress", is_org_admin)
