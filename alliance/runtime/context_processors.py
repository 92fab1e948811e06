"""The background-work banner for staff: nobody should learn from a missing flag that the
worker stopped. Computed lazily, so pages that do not show it pay nothing."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from alliance.runtime.health import BackgroundHealth, background_health

# Roles that see the banner: those who act on flags and reports, and the admin who can fix it.
STAFF_ROLES = frozenset({"therapist", "supervisor", "admin"})


def background(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "role", None) not in STAFF_ROLES:
        return {}
    return {"background_health": SimpleLazyObject(_health)}


def _health() -> BackgroundHealth:
    return background_health()
