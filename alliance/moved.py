"""Addresses that moved when every app got a URL prefix of its own (2026-12): each old address
answers with a permanent redirect to the new one, so bookmarks, emailed form links and calendar
apps subscribed to a feed keep working. A GET is redirected with 301; anything else with 308,
which keeps the method and the body (a form sent from a page open since before the move)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path, reverse
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = frozenset({"GET", "HEAD"})


def moved_to(url_name: str) -> Any:
    """A view that sends the old address to ``url_name`` with the same arguments and query."""

    @csrf_exempt  # it changes nothing: the new address checks the token
    def redirect_view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        target = reverse(url_name, kwargs=kwargs)
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        response = HttpResponse(status=301 if request.method in SAFE_METHODS else 308)
        response["Location"] = target
        return response

    return redirect_view


def _prefix_moved_to(new_prefix: str) -> Any:
    @csrf_exempt
    def redirect_view(request: HttpRequest, rest: str) -> HttpResponse:
        target = f"/{new_prefix}/{rest}"
        if request.META.get("QUERY_STRING"):
            target += "?" + request.META["QUERY_STRING"]
        response = HttpResponse(status=301 if request.method in SAFE_METHODS else 308)
        response["Location"] = target
        return response

    return redirect_view


app_name = "moved"
urlpatterns = [
    # sessions (were under /clinic/appointments/<id>/session/ and /portal/appointments/)
    path("clinic/appointments/<int:appointment_id>/session/", moved_to("sessions:page")),
    path("clinic/appointments/<int:appointment_id>/session/record/", moved_to("sessions:record")),
    path("clinic/appointments/<int:appointment_id>/session/notes/", moved_to("sessions:note-add")),
    path("clinic/session-notes/<int:note_id>/", moved_to("sessions:note")),
    path("portal/appointments/<int:appointment_id>/prepare/", moved_to("sessions:prepare")),
    path("portal/appointments/<int:appointment_id>/agreed/", moved_to("sessions:agreed")),
    # appointments (the scheduling app's addresses)
    path("clinic/episodes/<int:episode_id>/book/", moved_to("appointments:book-recurring")),
    path(
        "clinic/appointments/<int:appointment_id>/reschedule/",
        moved_to("appointments:reschedule"),
    ),
    path("clinic/appointments/<int:appointment_id>/cancel/", moved_to("appointments:cancel")),
    path("clinic/calendar-feed/", moved_to("appointments:calendar-feed")),
    path("clinic/calendar-feed/new/", moved_to("appointments:calendar-feed-create")),
    path(
        "clinic/calendar-feed/<int:feed_id>/revoke/",
        moved_to("appointments:calendar-feed-revoke"),
    ),
    path("calendar/<slug:token>.ics", moved_to("appointments:calendar-feed-ics")),
    # signals (were under /clinic/)
    re_path(r"^clinic/(?P<rest>ruptures/.*)$", _prefix_moved_to("signals")),
    re_path(r"^clinic/(?P<rest>episodes/\d+/ruptures/)$", _prefix_moved_to("signals")),
    re_path(r"^clinic/(?P<rest>flags/.*)$", _prefix_moved_to("signals")),
    re_path(r"^clinic/(?P<rest>feedback/.*)$", _prefix_moved_to("signals")),
    # conversation (was under /clinic/conversation/)
    re_path(r"^clinic/conversation/(?P<rest>.*)$", _prefix_moved_to("conversation")),
    # measures (were at the root)
    path("forms/<int:request_id>/", moved_to("measures:answer")),
    path("f/<str:token>/", moved_to("measures:answer-by-link")),
    # agreements (were under /clinic/ and /portal/)
    path("clinic/episodes/<int:episode_id>/agreement/", moved_to("agreements:draft")),
    path("clinic/agreements/<int:agreement_id>/", moved_to("agreements:detail")),
    path("clinic/agreements/<int:agreement_id>/edit/", moved_to("agreements:edit")),
    path("clinic/agreements/<int:agreement_id>/reviewed/", moved_to("agreements:reviewed")),
    path("portal/agreement/", moved_to("agreements:own")),
    path(
        "portal/agreement/versions/<int:version_id>/acknowledge/",
        moved_to("agreements:acknowledge"),
    ),
    path("portal/crisis/", moved_to("agreements:crisis")),
]
