from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fulian.people"
    label = "people"
    verbose_name = _("人员")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.people import models as m

        # Personal fields: the ciphertext is masked in the audit diff and the blind
        # indexes are left out, so no diff can carry (or help recover) an ID number.
        auditlog.register(
            m.Person,
            exclude_fields=["search_text", "id_number_index", "phone_index", "updated_at"],
            mask_fields=["id_number_cipher", "phone_cipher"],
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
        ):
            auditlog.register(model)
