from typing import Any

from rest_framework.throttling import AnonRateThrottle

from fulian.core.http import client_ip


class PublicRateThrottle(AnonRateThrottle):
    """DRF's per-address throttle for public endpoints, by the one client address: DRF's
    own takes ``X-Forwarded-For`` from anyone, so a forged header was a fresh bucket."""

    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "-"
