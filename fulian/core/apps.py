from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fulian.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from fulian.core import registry

        registry.nav_item("reports", _("工作概况"), "home", order=0)
