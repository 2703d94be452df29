from typing import Any

from django.core.management.base import BaseCommand

from fulian.cases import services


class Command(BaseCommand):
    help = (
        "Record a reminder on every referral past its answer date with no answer "
        "(run daily, e.g. from cron); the follow-up page lists them for the mediators."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.remind_referrals()
        self.stdout.write(f"cases: {count} referral reminders recorded")
