from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PeopleConfig(AppConfig):
    name = "fulian.people"
    label = "people"
    verbose_name = pgettext_lazy("plural", "人员")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.core import registry
        from fulian.people import indicators  # noqa: F401 (registers the indicators)
        from fulian.people import models as m

        # Personal fields: the ciphertext is masked in the audit diff and the blind
        # indexes are left out, so no diff can carry (or help recover) an ID number.
        auditlog.register(
            m.Person,
            exclude_fields=["search_text", "id_number_index", "phone_index", "updated_at"],
            mask_fields=["id_number_cipher", "phone_cipher", "birth_date"],
            mask_callable="fulian.core.audit.mask_value",
            m2m_fields={"talent_tags"},
        )
        for model in (
            m.Position,
            m.Grid,
            m.CommitteeTerm,
            m.Congress,
            m.Delegate,
            m.Election,
            m.Candidate,
            m.RosterImport,
            m.CompositionTarget,
            m.TalentTag,
        ):
            auditlog.register(model)

        registry.nav_item("team", pgettext_lazy("plural", "人员"), "people:list", order=10)
        registry.nav_item("team", _("代表大会"), "people:congresses", order=20, grassroots=False)
        registry.nav_item("team", _("网格"), "people:grids", order=30)
        registry.nav_item("team", _("执委兼任网格员"), "people:dual", order=35, grassroots=False)
        registry.nav_item("team", _("届期提醒"), "people:terms_due", order=40, grassroots=False)
        registry.nav_item("team", _("花名册导入"), "people:import", order=50, perm="fulian.edit")
        registry.nav_item("team", _("人才类别"), "people:tags", order=60, perm="people.manage_tags")
        registry.org_section(_("班子成员"), "people/org_section.html", _org_section, order=20)


def _org_section(request, org):  # type: ignore[no-untyped-def]
    from fulian.core import periods
    from fulian.people.views import roster_context

    return roster_context(org, limit=12, on=periods.reference_day(periods.current_period(request)))
