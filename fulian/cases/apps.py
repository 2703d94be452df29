from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "fulian.cases"
    label = "cases"
    verbose_name = _("诉求与婚调")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.cases import indicators  # noqa: F401  (registers the indicators)
        from fulian.cases.models import (
            Case,
            CaseMediator,
            CaseParty,
            CategoryRule,
            FollowUp,
            HelpRequest,
            MediationSession,
            OutsideBody,
            Referral,
            RequestReply,
        )
        from fulian.core import registry

        auditlog.register(HelpRequest, mask_fields=["phone_cipher", "phone_index", "name"])
        auditlog.register(RequestReply)
        # Parties and case text are confidential: the audit keeps that they changed, not what.
        auditlog.register(Case, mask_fields=["summary", "outcome_note", "agreement_text"])
        auditlog.register(
            CaseParty,
            mask_fields=[
                "name",
                "id_number_cipher",
                "id_number_index",
                "phone_cipher",
                "phone_index",
                "note",
            ],
        )
        auditlog.register(CaseMediator)
        auditlog.register(MediationSession, mask_fields=["attendees", "agreed", "notes"])
        auditlog.register(FollowUp, mask_fields=["finding"])
        auditlog.register(Referral, mask_fields=["reason", "answer"])
        auditlog.register(CategoryRule)
        auditlog.register(OutsideBody)
        registry.nav_item("action", _("诉求受理"), "cases:inbox", order=60)
        registry.nav_item("action", _("婚调案件"), "cases:case_list", order=61)
        registry.nav_item("action", _("回访到期"), "cases:followups", order=62)
        registry.nav_item("action", _("案件统计"), "cases:stats", order=63)
