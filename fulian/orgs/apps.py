from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "fulian.orgs"
    label = "orgs"
    verbose_name = _("组织")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.core import registry
        from fulian.orgs.models import Org

        auditlog.register(Org, exclude_fields=["search_text", "numchild", "depth", "path"])
        registry.nav_item("strong", _("组织树"), "orgs:tree", order=10)
