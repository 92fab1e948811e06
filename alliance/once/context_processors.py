"""The submission keys this person's last saves carried: the page script forgets the drafts
of forms that were saved (static/alliance/keep.js)."""

from __future__ import annotations

from django.http import HttpRequest

from alliance.once.decorators import SAVED_SESSION_KEY


def saved_submissions(request: HttpRequest) -> dict[str, object]:
    session = getattr(request, "session", None)
    if session is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"saved_submissions": " ".join(session.get(SAVED_SESSION_KEY, []))}
