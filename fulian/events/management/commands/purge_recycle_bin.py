from typing import Any

from django.core.management.base import BaseCommand

from fulian.events import services


class Command(BaseCommand):
    help = "Remove for good the activities and photos deleted more than 30 days ago (daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        activities, photos = services.purge_recycle_bin()
        self.stdout.write(f"purged {activities} activities, {photos} photos")
