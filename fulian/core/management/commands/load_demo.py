from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the deterministic 2023 demo data of 秦州区: each Fulian app's demo.py adds its "
        "part, in INSTALLED_APPS order. Running it twice changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("load_demo never runs in production (FULIAN_ENV=production).")
        for config in apps.get_app_configs():
            if not config.name.startswith("fulian."):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            with transaction.atomic():
                module.load(self.stdout)
