from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuildingConfig(AppConfig):
    name = "fulian.building"
    label = "building"
    verbose_name = _("组织建设")
