"""Every app is mounted under its own prefix, and every address from before answers with a
permanent redirect to where it moved (with its arguments and query), keeping a form's method."""

from __future__ import annotations

import pytest
from django.urls import URLResolver, get_resolver, reverse

MOVED = [
    ("/clinic/appointments/7/session/", "sessions:page", {"appointment_id": 7}),
    ("/clinic/appointments/7/session/record/", "sessions:record", {"appointment_id": 7}),
    ("/clinic/appointments/7/session/notes/", "sessions:note-add", {"appointment_id": 7}),
    ("/clinic/session-notes/3/", "sessions:note", {"note_id": 3}),
    ("/portal/appointments/7/prepare/", "sessions:prepare", {"appointment_id": 7}),
    ("/portal/appointments/7/agreed/", "sessions:agreed", {"appointment_id": 7}),
    ("/clinic/episodes/4/book/", "appointments:book-recurring", {"episode_id": 4}),
    ("/clinic/appointments/7/reschedule/", "appointments:reschedule", {"appointment_id": 7}),
    ("/clinic/appointments/7/cancel/", "appointments:cancel", {"appointment_id": 7}),
    ("/clinic/calendar-feed/", "appointments:calendar-feed", {}),
    ("/clinic/calendar-feed/new/", "appointments:calendar-feed-create", {}),
    ("/clinic/calendar-feed/2/revoke/", "appointments:calendar-feed-revoke", {"feed_id": 2}),
    ("/calendar/abc-DEF_1.ics", "appointments:calendar-feed-ics", {"token": "abc-DEF_1"}),
    ("/clinic/ruptures/5/", "signals:rupture", {"rupture_id": 5}),
    ("/clinic/ruptures/5/repair/", "signals:rupture-repair", {"rupture_id": 5}),
    ("/clinic/episodes/4/ruptures/", "signals:rupture-open", {"episode_id": 4}),
    ("/clinic/flags/9/acknowledge/", "signals:flag-acknowledge", {"flag_id": 9}),
    ("/clinic/feedback/8/reply/", "signals:feedback-reply", {"response_id": 8}),
    ("/clinic/conversation/transcripts/6/", "conversation:report", {"transcript_id": 6}),
    ("/clinic/conversation/trends/", "conversation:trends", {}),
    ("/forms/11/", "measures:answer", {"request_id": 11}),
    ("/f/a-b.c/", "measures:answer-by-link", {"token": "a-b.c"}),
    ("/clinic/episodes/4/agreement/", "agreements:draft", {"episode_id": 4}),
    ("/clinic/agreements/12/", "agreements:detail", {"agreement_id": 12}),
    ("/clinic/agreements/12/edit/", "agreements:edit", {"agreement_id": 12}),
    ("/clinic/agreements/12/reviewed/", "agreements:reviewed", {"agreement_id": 12}),
    ("/portal/agreement/", "agreements:own", {}),
    ("/portal/agreement/versions/13/acknowledge/", "agreements:acknowledge", {"version_id": 13}),
    ("/portal/crisis/", "agreements:crisis", {}),
]


@pytest.mark.parametrize(("old", "url_name", "kwargs"), MOVED)
def test_an_old_address_redirects_for_good(client, old, url_name, kwargs):
    response = client.get(old + "?from=2&to=3")

    assert response.status_code == 301
    assert response["Location"] == reverse(url_name, kwargs=kwargs) + "?from=2&to=3"


def test_a_form_sent_to_an_old_address_keeps_its_method(client):
    response = client.post("/clinic/appointments/7/session/notes/", {"body": "x"})

    assert response.status_code == 308
    assert response["Location"] == reverse("sessions:note-add", kwargs={"appointment_id": 7})


def test_every_app_is_mounted_under_its_own_prefix():
    """App = folder = URL prefix: each app's URLs sit under /<its folder>/, and nothing else is
    mounted at the root but the home page, /healthz and the old addresses."""
    mounted = {
        str(entry.pattern): entry.urlconf_name
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver)
    }
    for prefix, urlconf in mounted.items():
        module = urlconf if isinstance(urlconf, str) else getattr(urlconf, "__name__", "")
        if module == "alliance.moved":
            assert prefix == ""
            continue
        app = module.split(".")[1]
        assert prefix == f"{app}/", (module, prefix)
