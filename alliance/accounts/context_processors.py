"""What every signed-in page tells its script (static/alliance/keep.js): the idle time after
which this person is signed out, and the key their unsaved drafts are encrypted with."""

from __future__ import annotations

import base64

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from alliance.accounts.middleware import idle_timeout_seconds
from alliance.accounts.models import IDLE_LOGOUT_ROLES


def draft_key(user_id: int) -> str:
    """A key of the person's own, derived with the server's secret: drafts in the browser are
    stored encrypted with it, so nobody who later uses the same browser can read them, and
    they open again only on a page this person is signed in to."""
    digest = salted_hmac("alliance.drafts", str(user_id), algorithm="sha256").digest()
    return base64.b64encode(digest).decode()


def session_keeping(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    idle = idle_timeout_seconds() if getattr(user, "role", None) in IDLE_LOGOUT_ROLES else 0
    return {"draft_key": draft_key(user.pk), "idle_seconds": int(idle)}
