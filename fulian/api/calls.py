"""Calling a service from an API view: its ValidationError becomes DRF's 400."""

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework.exceptions import ValidationError as APIValidationError


def call_service(service: Any, **kwargs: Any) -> Any:
    """Run ``service(**kwargs)``; a ValidationError answers 400 with its messages by field
    (or under ``detail``). PermissionDenied passes through to DRF's 403."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        raise APIValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        ) from error
