"""Request types for views."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """What views see: django-htmx's middleware sets ``request.htmx`` on every request."""

    htmx: HtmxDetails
