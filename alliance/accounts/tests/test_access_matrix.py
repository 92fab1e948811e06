"""Who may open what: every URL the application defines, tried as every persona.

The table below has an entry for each named URL (a test fails when a URL has none, or when an
entry names a URL that no longer exists). Each entry lists one or more cases: which object is
requested, how (GET, or POST with valid form data), and who gets the page. Everyone not listed
gets a 404 (never a 403: that would confirm the record exists), and a signed-out visitor is sent
to the sign-in page unless the case says otherwise.

Personas (see alliance/testing/personas.py): dana is chris's therapist; olga is another therapist
of the same practice, with client casey; sam supervises dana only; alex is the practice admin;
eve is the admin of another practice, whose client is erin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alliance.accounts.passwords import reset_path
from alliance.agreements.sections import DEFAULT_SECTIONS
from alliance.agreements.tests.helpers import (
    agreement_for,
    chris_agreement,
    chris_current_version,
    edit_data,
)
from alliance.appointments.tests.helpers import (
    book_data,
    chris_move_request,
    chris_next,
    feed_token,
    new_feed_id,
    reschedule_data,
    slot_data,
)
from alliance.conversation.tests.helpers import (
    casey_report,
    chris_report,
    chris_report_shared,
    dana_trends,
    upload_data,
)
from alliance.fhir.tests.helpers import store
from alliance.goals.tests.helpers import active_goal, olga_goal, proposed_goal
from alliance.measures.access import form_link_token
from alliance.practice.tests import intake_helpers as intake
from alliance.runtime.tests.helpers import live_worker
from alliance.sessions.tests.helpers import (
    casey_appointment,
    chris_note,
    chris_shared_record,
    preparation_data,
    record_data,
)
from alliance.signals.catalogue import RULES as SIGNAL_RULES
from alliance.signals.tests.helpers.clinic import (
    feedback,
    made_flag,
    made_reestimation,
    made_rupture,
)
from alliance.testing.personas import Personas


class Outcome(Enum):
    OK = "ok"  # 200, or a redirect that is not to the sign-in page
    NOT_FOUND = "404"
    SIGN_IN = "redirect to sign-in"
    UNAUTHORIZED = "401"  # the FHIR API: an OperationOutcome, never a redirect
    BAD_REQUEST = "400"  # a choice the persona's own practice does not offer


OK, NOT_FOUND, SIGN_IN = Outcome.OK, Outcome.NOT_FOUND, Outcome.SIGN_IN
UNAUTHORIZED, BAD_REQUEST = Outcome.UNAUTHORIZED, Outcome.BAD_REQUEST
PERSONAS = ("anonymous", "dana", "olga", "sam", "alex", "eve", "chris", "casey")
SIGNED_IN = PERSONAS[1:]

Builder = Callable[[Personas], dict[str, Any]]


def nothing(personas: Personas) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Case:
    label: str
    expected: dict[str, Outcome]
    kwargs: Builder = nothing
    method: str = "GET"
    data: Builder = nothing


def ok_for(names: str = "", *, anonymous: Outcome = SIGN_IN) -> dict[str, Outcome]:
    """``names`` (space-separated) get the page; every other signed-in persona gets a 404."""
    allowed = set(names.split())
    assert allowed <= set(SIGNED_IN), allowed - set(SIGNED_IN)
    return {"anonymous": anonymous} | {
        name: OK if name in allowed else NOT_FOUND for name in SIGNED_IN
    }


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(PERSONAS, outcome)


def chris(p: Personas) -> dict[str, Any]:
    return {"client_id": p.chris_client.pk}


def casey(p: Personas) -> dict[str, Any]:
    return {"client_id": p.casey_client.pk}


def erin(p: Personas) -> dict[str, Any]:
    return {"client_id": p.erin_client.pk}


def chris_rupture(p: Personas) -> dict[str, Any]:
    return {"rupture_id": made_rupture(p.chris_episode).pk}


def with_live_worker(p: Personas) -> dict[str, Any]:
    live_worker()
    return {}


def new_account(p: Personas) -> dict[str, Any]:
    return {
        "first_name": "Nina",
        "last_name": "Quist",
        "email": "nina@example.org",
        "username": "nina",
        "password": "a-long-unusual-passphrase-91",
    }


def invited_client(p: Personas) -> dict[str, Any]:
    return {"client_id": intake.invited(p).pk}


def invitation(p: Personas) -> dict[str, Any]:
    return intake.invitation_kwargs(intake.invited(p).user)


def reset_link(p: Personas) -> dict[str, Any]:
    # erin's: no persona signs in as erin, and a sign-in after the link was made voids it.
    erin = p.erin_client.user
    assert erin is not None
    uidb64, token = reset_path(erin).rstrip("/").split("/")[-2:]
    return {"uidb64": uidb64, "token": token}


def reset_request(p: Personas) -> dict[str, Any]:
    return {"email": "someone@example.org"}


def intake_data(p: Personas) -> dict[str, Any]:
    return intake.intake_data(therapist=str(p.dana_profile.pk))


def chris_details(p: Personas) -> dict[str, Any]:
    return intake.details_of(p.chris_client) | {"phone": "+44 20 7946 0001"}


ACCESS: dict[str, list[Case]] = {
    "home": [Case("landing", ok_for(" ".join(SIGNED_IN)))],
    "accounts:keepalive": [
        Case(
            "the page says its person is still there",
            ok_for(" ".join(SIGNED_IN)),
        )
    ],
    "healthz": [Case("probe while a worker runs", everyone(OK), kwargs=with_live_worker)],
    "accounts:login": [Case("form", everyone(OK))],
    # The emailed one-time link: anyone holding it (it is the credential).
    "accounts:invitation": [Case("an invited account's link", everyone(OK), kwargs=invitation)],
    # Passwords (accounts/passwords.py): change is for the signed-in person's own account only;
    # reset pages are public, and the emailed link is the credential, like the invitation.
    "accounts:password-change": [Case("own password", ok_for(" ".join(SIGNED_IN)))],
    "accounts:password-change-done": [Case("confirmation", ok_for(" ".join(SIGNED_IN)))],
    "accounts:password-reset": [
        Case("form", everyone(OK)),
        Case("ask for a link", everyone(OK), method="POST", data=reset_request),
    ],
    "accounts:password-reset-done": [Case("check your email", everyone(OK))],
    "accounts:password-reset-confirm": [Case("erin's link", everyone(OK), kwargs=reset_link)],
    "accounts:password-reset-complete": [Case("saved", everyone(OK))],
    # Intake and a client's details (alliance/practice/views.py).
    "practice:add-client": [
        Case("form", ok_for("dana olga alex eve")),
        Case(
            "submit naming dana (eve's practice has no dana)",
            ok_for("dana olga alex") | {"eve": BAD_REQUEST},
            method="POST",
            data=intake_data,
        ),
    ],
    "practice:client-details": [
        Case("chris", ok_for("dana sam alex"), kwargs=chris),
        Case("casey", ok_for("olga alex"), kwargs=casey),
        Case("erin", ok_for("eve"), kwargs=erin),
        Case(
            "chris, changed", ok_for("dana alex"), kwargs=chris, method="POST", data=chris_details
        ),
    ],
    "practice:consents-give": [
        Case(
            "chris",
            ok_for("dana alex"),
            kwargs=chris,
            method="POST",
            data=lambda p: {"consents": ["measurement"]},
        )
    ],
    "practice:consent-revoke": [
        Case(
            "chris",
            ok_for("dana alex"),
            kwargs=chris,
            method="POST",
            data=lambda p: {"kind": "measurement"},
        )
    ],
    "practice:invite-again": [
        Case("dana's invited client", ok_for("dana alex"), kwargs=invited_client, method="POST")
    ],
    "accounts:logout": [Case("sign out", everyone(SIGN_IN), method="POST")],
    "clinic:dashboard": [Case("own caseload", ok_for("dana olga"))],
    "clinic:client": [
        Case("chris", ok_for("dana sam"), kwargs=chris),
        Case("casey", ok_for("olga"), kwargs=casey),
        Case("erin", ok_for(), kwargs=erin),
    ],
    "clinic:episode-end": [
        Case("chris", ok_for("dana"), kwargs=lambda p: {"episode_id": p.chris_episode.pk}),
        Case(
            "chris, ended",
            ok_for("dana"),
            kwargs=lambda p: {"episode_id": p.chris_episode.pk},
            method="POST",
            data=lambda p: {"reason": "completed", "summary": "Well done.", "confirm": "on"},
        ),
        Case("casey", ok_for("olga"), kwargs=lambda p: {"episode_id": p.casey_episode.pk}),
    ],
    "clinic:episode-phase": [
        Case(
            "chris",
            ok_for("dana"),
            kwargs=lambda p: {"episode_id": p.chris_episode.pk},
            method="POST",
            data=lambda p: {"phase": "exploring", "note": "Ready to look at patterns."},
        ),
        Case(
            "casey",
            ok_for("olga"),
            kwargs=lambda p: {"episode_id": p.casey_episode.pk},
            method="POST",
            data=lambda p: {"phase": "exploring"},
        ),
    ],
    "clinic:appointment-attendance": [
        Case(
            "chris",
            ok_for("dana"),
            kwargs=lambda p: {"appointment_id": p.chris_past_appointment.pk},
            method="POST",
            data=lambda p: {"status": "attended", "minutes_late": "7"},
        ),
    ],
    "clinic:supervision": [Case("overview", ok_for("sam"))],
    "clinic:supervised-clients": [Case("search across supervised therapists", ok_for("sam"))],
    "clinic:supervised-caseload": [
        Case("dana", ok_for("sam"), kwargs=lambda p: {"therapist_id": p.dana_profile.pk}),
        Case("olga", ok_for(), kwargs=lambda p: {"therapist_id": p.olga_profile.pk}),
    ],
    # Signals (alliance/signals): the episode's therapist acts on flags and ruptures; the
    # supervisor reads the rupture page; nobody else sees either.
    "signals:rupture": [
        Case("chris's rupture", ok_for("dana sam"), kwargs=lambda p: chris_rupture(p)),
        Case(
            "casey's rupture",
            ok_for("olga"),
            kwargs=lambda p: {"rupture_id": made_rupture(p.casey_episode).pk},
        ),
    ],
    "signals:rupture-acknowledge": [
        Case("chris's rupture", ok_for("dana"), kwargs=chris_rupture, method="POST"),
    ],
    "signals:rupture-repair": [
        Case(
            "chris's rupture",
            ok_for("dana"),
            kwargs=chris_rupture,
            method="POST",
            data=lambda p: {
                "strategies": ["validate_feelings", "discuss_relationship"],
                "what_was_said": "We talked about the last session feeling rushed.",
            },
        ),
    ],
    "signals:rupture-resolve": [
        Case(
            "chris's recovered rupture",
            ok_for("dana"),
            kwargs=lambda p: {"rupture_id": made_rupture(p.chris_episode, recovered=True).pk},
            method="POST",
        ),
    ],
    "signals:rupture-close": [
        Case(
            "chris's rupture",
            ok_for("dana"),
            kwargs=chris_rupture,
            method="POST",
            data=lambda p: {"note": "Chris chose to pause therapy."},
        ),
    ],
    "signals:rupture-open": [
        Case(
            "chris",
            ok_for("dana"),
            kwargs=lambda p: {"episode_id": p.chris_episode.pk},
            method="POST",
            data=lambda p: {"rupture_type": "confrontation", "description": "Angry at the end."},
        ),
        Case(
            "casey",
            ok_for("olga"),
            kwargs=lambda p: {"episode_id": p.casey_episode.pk},
            method="POST",
            data=lambda p: {"rupture_type": "", "description": "Quiet, looked away."},
        ),
    ],
    "signals:flag-acknowledge": [
        Case(
            "chris's crisis flag",
            ok_for("dana"),
            kwargs=lambda p: {"flag_id": made_flag(p.chris_episode).pk},
            method="POST",
            data=lambda p: {"note": "Called Chris; he is safe and has the crisis plan."},
        ),
        Case(
            "casey's crisis flag",
            ok_for("olga"),
            kwargs=lambda p: {"flag_id": made_flag(p.casey_episode).pk},
            method="POST",
            data=lambda p: {"note": "Called Casey."},
        ),
    ],
    "signals:feedback-reply": [
        Case(
            "chris's comment",
            ok_for("dana"),
            kwargs=lambda p: {"response_id": feedback(p.chris_episode).pk},
            method="POST",
            data=lambda p: {"what_we_changed": "We now start with your goals."},
        ),
    ],
    "portal:home": [Case("own record", ok_for("chris casey"))],
    "portal:consents": [Case("own consents", ok_for("chris casey"))],
    "portal:consent-revoke": [
        Case(
            "own consent",
            ok_for("chris casey"),
            method="POST",
            data=lambda p: {"kind": "measurement"},
        )
    ],
    # Goals (alliance/goals): the client proposes and rates their own; only the therapist changes.
    "goals:detail": [
        Case("chris's goal", ok_for("dana sam"), kwargs=lambda p: {"goal_id": active_goal(p).pk}),
        Case("casey's goal", ok_for("olga"), kwargs=lambda p: {"goal_id": olga_goal(p).pk}),
    ],
    "goals:propose": [
        Case(
            "chris",
            ok_for("dana chris"),
            kwargs=lambda p: {"episode_id": p.chris_episode.pk},
            method="POST",
            data=lambda p: {"words": "Call my sister every week"},
        ),
        Case(
            "casey",
            ok_for("olga casey"),
            kwargs=lambda p: {"episode_id": p.casey_episode.pk},
            method="POST",
            data=lambda p: {"words": "Walk every day"},
        ),
    ],
    "goals:confirm": [
        Case(
            "chris's proposal",
            ok_for("dana"),
            kwargs=lambda p: {"goal_id": proposed_goal(p).pk},
            method="POST",
            data=lambda p: {"framing": "Assertiveness"},
        ),
    ],
    "goals:rate": [
        Case(
            "chris's goal",
            ok_for("dana chris"),
            kwargs=lambda p: {"goal_id": active_goal(p).pk},
            method="POST",
            data=lambda p: {"score": "6"},
        ),
        Case(
            "casey's goal",
            ok_for("olga casey"),
            kwargs=lambda p: {"goal_id": olga_goal(p).pk},
            method="POST",
            data=lambda p: {"score": "6"},
        ),
    ],
    "goals:achieved": [
        Case(
            "chris's goal",
            ok_for("dana"),
            kwargs=lambda p: {"goal_id": active_goal(p).pk},
            method="POST",
        ),
    ],
    "goals:revise": [
        Case(
            "chris's goal",
            ok_for("dana"),
            kwargs=lambda p: {"goal_id": active_goal(p).pk},
            method="POST",
            data=lambda p: {"words": "Sleep seven hours most nights"},
        ),
    ],
    "goals:drop": [
        Case(
            "chris's goal",
            ok_for("dana"),
            kwargs=lambda p: {"goal_id": active_goal(p).pk},
            method="POST",
            data=lambda p: {"reason": "Talked it over: not now"},
        ),
    ],
    # Structured sessions (alliance/appointments/session_*): private notes are the therapist's only.
    "sessions:page": [
        Case(
            "chris",
            ok_for("dana sam"),
            kwargs=lambda p: {"appointment_id": p.chris_past_appointment.pk},
        ),
        Case("casey", ok_for("olga"), kwargs=lambda p: {"appointment_id": casey_appointment(p).pk}),
    ],
    "sessions:record": [
        Case(
            "chris",
            ok_for("dana"),
            kwargs=lambda p: {"appointment_id": p.chris_past_appointment.pk},
            method="POST",
            data=record_data,
        ),
    ],
    "sessions:note-add": [
        Case(
            "chris",
            ok_for("dana"),
            kwargs=lambda p: {"appointment_id": p.chris_past_appointment.pk},
            method="POST",
            data=lambda p: {"body": "A private thought."},
        ),
    ],
    "sessions:note": [
        Case("chris's note", ok_for("dana"), kwargs=lambda p: {"note_id": chris_note(p).pk}),
        Case(
            "chris's note changed",
            ok_for("dana"),
            kwargs=lambda p: {"note_id": chris_note(p).pk},
            method="POST",
            data=lambda p: {"body": "Changed."},
        ),
    ],
    "sessions:prepare": [
        Case(
            "chris",
            ok_for("chris"),
            kwargs=lambda p: {"appointment_id": p.chris_next_appointment.pk},
        ),
        Case(
            "chris sends",
            ok_for("chris"),
            kwargs=lambda p: {"appointment_id": p.chris_next_appointment.pk},
            method="POST",
            data=preparation_data,
        ),
        Case(
            "casey", ok_for("casey"), kwargs=lambda p: {"appointment_id": casey_appointment(p).pk}
        ),
    ],
    "sessions:agreed": [
        Case(
            "chris's shared summary",
            ok_for("chris"),
            kwargs=lambda p: {"appointment_id": chris_shared_record(p).appointment_id},
        ),
        Case(
            "chris's session with nothing shared",
            ok_for(),
            kwargs=lambda p: {"appointment_id": p.chris_past_appointment.pk},
        ),
    ],
    # Conversation analysis (alliance/conversation): the session's therapist; supervisors read
    # reports only while the therapist shares them.
    "conversation:upload": [
        Case(
            "chris's session form",
            ok_for("dana"),
            kwargs=lambda p: {"appointment_id": p.chris_past_appointment.pk},
        ),
        Case(
            "chris's session upload",
            ok_for("dana"),
            kwargs=lambda p: {"appointment_id": p.chris_past_appointment.pk},
            method="POST",
            data=upload_data,
        ),
        Case(
            "casey's session",
            ok_for("olga"),
            kwargs=lambda p: {"appointment_id": casey_appointment(p).pk},
        ),
    ],
    "conversation:report": [
        Case("chris's report, not shared", ok_for("dana"), kwargs=chris_report),
        Case("chris's report, shared", ok_for("dana sam"), kwargs=chris_report_shared),
        Case("casey's report", ok_for("olga"), kwargs=casey_report),
    ],
    "conversation:status": [
        Case("chris's report, not shared", ok_for("dana"), kwargs=chris_report),
        Case("chris's report, shared", ok_for("dana sam"), kwargs=chris_report_shared),
    ],
    "conversation:delete": [
        Case("chris's report", ok_for("dana"), kwargs=chris_report, method="POST"),
        Case("chris's shared report", ok_for("dana"), kwargs=chris_report_shared, method="POST"),
    ],
    "conversation:trends": [Case("own sessions", ok_for("dana olga"))],
    "conversation:supervised-trends": [
        Case("dana's trends, not shared", ok_for(), kwargs=lambda p: dana_trends(p, share=False)),
        Case("dana's trends, shared", ok_for("sam"), kwargs=lambda p: dana_trends(p, share=True)),
    ],
    "conversation:sharing": [
        Case("own setting", ok_for("dana olga"), method="POST", data=lambda p: {"share": "on"})
    ],
    "measures:answer": [
        Case(
            "chris's check-in", ok_for("chris"), kwargs=lambda p: {"request_id": p.chris_checkin.pk}
        ),
        Case(
            "chris's check-in answered",
            ok_for("chris"),
            kwargs=lambda p: {"request_id": p.chris_checkin.pk},
            method="POST",
            data=lambda p: {"bond": "8", "goals": "7", "approach": "9", "overall": "8"},
        ),
        Case(
            "dana's self-rating",
            ok_for("dana"),
            kwargs=lambda p: {"request_id": p.dana_self_rating.pk},
        ),
    ],
    "measures:answer-by-link": [
        # The signed link is the key: whoever holds it may answer, signed in or not.
        Case(
            "chris's check-in by link",
            everyone(OK),
            kwargs=lambda p: {"token": form_link_token(p.chris_checkin)},
        ),
        Case("a forged link", everyone(NOT_FOUND), kwargs=lambda p: {"token": "forged:token"}),
    ],
    "administration:home": [Case("own practice", ok_for("alex eve"))],
    "administration:add-therapist": [
        Case("form", ok_for("alex eve")),
        Case(
            "submit",
            ok_for("alex eve"),
            method="POST",
            data=lambda p: new_account(p) | {"modalities": ["cbt"], "languages": "English"},
        ),
    ],
    "administration:supervisors": [
        Case("dana's form", ok_for("alex"), kwargs=lambda p: {"therapist_id": p.dana_profile.pk}),
        Case(
            "sam supervises olga too",
            ok_for("alex"),
            kwargs=lambda p: {"therapist_id": p.olga_profile.pk},
            method="POST",
            data=lambda p: {"supervisors": [p.sam.pk]},
        ),
    ],
    "administration:assign": [
        Case("chris form", ok_for("alex"), kwargs=chris),
        Case(
            "chris to olga",
            ok_for("alex"),
            kwargs=chris,
            method="POST",
            data=lambda p: {
                "therapist": p.olga_profile.pk,
                "modality": "cbt",
                "style": "directive",
            },
        ),
        Case("erin form", ok_for("eve"), kwargs=erin),
    ],
    "administration:client-audit": [
        Case("chris", ok_for("alex"), kwargs=chris),
        Case("erin", ok_for("eve"), kwargs=erin),
    ],
    "administration:deactivate": [
        Case("dana, the question", ok_for("alex"), kwargs=lambda p: {"user_id": p.dana.pk}),
        Case("dana", ok_for("alex"), kwargs=lambda p: {"user_id": p.dana.pk}, method="POST"),
        Case("chris", ok_for("alex"), kwargs=lambda p: {"user_id": p.chris.pk}, method="POST"),
        Case(
            "erin",
            ok_for("eve"),
            kwargs=lambda p: {"user_id": p.erin_client.user_id},
            method="POST",
        ),
    ],
    "administration:reactivate": [
        Case("dana", ok_for("alex"), kwargs=lambda p: {"user_id": p.dana.pk}, method="POST"),
        Case(
            "erin",
            ok_for("eve"),
            kwargs=lambda p: {"user_id": p.erin_client.user_id},
            method="POST",
        ),
    ],
    # The practice's agreement template: each admin edits their own practice's.
    "administration:agreement-template": [
        Case("the template", ok_for("alex eve")),
        Case(
            "save it as it is",
            ok_for("alex eve"),
            method="POST",
            data=lambda p: {
                **DEFAULT_SECTIONS,
                "frequency_days": 7,
                "session_minutes": 50,
                "late_cancellation_hours": 24,
                "review_every_weeks": 12,
            },
        ),
    ],
    # The practice's signal rules: each admin changes their own practice's, nobody else's.
    "administration:signal-rules": [
        Case("the rules", ok_for("alex eve")),
        Case(
            "save them as they are",
            ok_for("alex eve"),
            method="POST",
            data=lambda p: {"enabled": [rule.id for rule in SIGNAL_RULES]},
        ),
    ],
    "administration:signal-evaluate": [
        Case("re-evaluate the practice", ok_for("alex eve"), method="POST")
    ],
    # Re-estimation on the practice's own endings: each admin sees and adopts their own.
    "administration:signal-reestimate": [Case("the proposal and the endings", ok_for("alex eve"))],
    "administration:signal-adopt": [
        Case(
            "adopt alex's practice's re-estimation",
            ok_for("alex"),
            kwargs=lambda p: {"reestimation_id": made_reestimation(p.practice.pk).pk},
            method="POST",
        )
    ],
    "administration:signal-restore-model": [
        Case(
            "back to the shipped coefficients",
            ok_for("alex eve"),
            method="POST",
            data=lambda p: {"confirm": "yes"},
        )
    ],
    # The FHIR API (alliance/fhir): a signed-out caller gets 401, not the sign-in page.
    "fhir:questionnaires": [
        Case("all instruments", ok_for(" ".join(SIGNED_IN), anonymous=UNAUTHORIZED))
    ],
    "fhir:questionnaire": [
        Case(
            "phq9",
            ok_for(" ".join(SIGNED_IN), anonymous=UNAUTHORIZED),
            kwargs=lambda p: {"questionnaire_id": "phq9"},
        )
    ],
    "fhir:questionnaire-responses": [
        Case(
            "chris",
            ok_for("dana sam chris", anonymous=UNAUTHORIZED),
            data=lambda p: {"subject": f"Patient/{p.chris_client.pk}"},
        ),
        Case(
            "casey",
            ok_for("olga casey", anonymous=UNAUTHORIZED),
            data=lambda p: {"subject": f"Patient/{p.casey_client.pk}"},
        ),
        Case(
            "erin",
            ok_for(anonymous=UNAUTHORIZED),
            data=lambda p: {"subject": f"Patient/{p.erin_client.pk}"},
        ),
    ],
    "fhir:questionnaire-response": [
        Case(
            "chris's PHQ-9",
            ok_for("dana sam chris", anonymous=UNAUTHORIZED),
            kwargs=lambda p: {
                "response_id": store("phq9", p.chris_episode, p.chris).pk,
            },
        ),
        Case(
            "dana's self-rating",
            ok_for("dana sam", anonymous=UNAUTHORIZED),
            kwargs=lambda p: {
                "response_id": store("alliance-self-rating", p.chris_episode, p.dana).pk,
            },
        ),
    ],
    # Therapy agreements (alliance/agreements): drafted lazily by the builders.
    "agreements:draft": [
        Case(
            "chris",
            ok_for("dana"),
            kwargs=lambda p: {"episode_id": p.chris_episode.pk},
            method="POST",
        ),
        Case(
            "casey",
            ok_for("olga"),
            kwargs=lambda p: {"episode_id": p.casey_episode.pk},
            method="POST",
        ),
    ],
    "agreements:detail": [
        Case("chris", ok_for("dana sam"), kwargs=lambda p: {"agreement_id": chris_agreement(p).pk}),
        Case(
            "casey",
            ok_for("olga"),
            kwargs=lambda p: {"agreement_id": agreement_for(p.casey_episode).pk},
        ),
    ],
    "agreements:edit": [
        Case(
            "chris form", ok_for("dana"), kwargs=lambda p: {"agreement_id": chris_agreement(p).pk}
        ),
        Case(
            "chris new version",
            ok_for("dana"),
            kwargs=lambda p: {"agreement_id": chris_agreement(p).pk},
            method="POST",
            data=lambda p: edit_data(chris_current_version(p), session_minutes=60),
        ),
    ],
    "agreements:reviewed": [
        Case(
            "chris",
            ok_for("dana"),
            kwargs=lambda p: {"agreement_id": chris_agreement(p).pk},
            method="POST",
        ),
    ],
    "agreements:share": [
        Case(
            "chris",
            ok_for("dana"),
            kwargs=lambda p: {"agreement_id": chris_agreement(p).pk},
            method="POST",
        ),
    ],
    "agreements:own": [Case("own agreement", ok_for("chris casey"))],
    "agreements:acknowledge": [
        Case(
            "chris's current version",
            ok_for("chris"),
            kwargs=lambda p: {"version_id": chris_current_version(p).pk},
            method="POST",
        ),
    ],
    "agreements:crisis": [Case("own crisis procedure", ok_for("chris casey"))],
    "fhir:unknown": [
        Case("Patient", ok_for(anonymous=UNAUTHORIZED), kwargs=lambda p: {"unknown": "Patient/1"})
    ],
    # Appointments (alliance/appointments): therapists change their own clients' sessions.
    "appointments:book-recurring": [
        Case(
            "chris",
            ok_for("dana"),
            kwargs=lambda p: {"episode_id": p.chris_episode.pk},
            method="POST",
            data=book_data,
        ),
        Case(
            "casey",
            ok_for("olga"),
            kwargs=lambda p: {"episode_id": p.casey_episode.pk},
            method="POST",
            data=book_data,
        ),
    ],
    "appointments:reschedule": [
        Case(
            "chris's next",
            ok_for("dana"),
            kwargs=lambda p: {"appointment_id": p.chris_next_appointment.pk},
            method="POST",
            data=reschedule_data,
        ),
    ],
    "appointments:cancel": [
        Case(
            "chris's next",
            ok_for("dana"),
            kwargs=lambda p: {"appointment_id": p.chris_next_appointment.pk},
            method="POST",
            data=lambda p: {"by": "client"},
        ),
    ],
    "appointments:calendar-feed": [Case("own feed page", ok_for("dana olga"))],
    "appointments:calendar-feed-create": [Case("new feed", ok_for("dana olga"), method="POST")],
    "appointments:calendar-feed-revoke": [
        Case(
            "dana's feed",
            ok_for("dana"),
            kwargs=lambda p: {"feed_id": new_feed_id(p.dana_profile)},
            method="POST",
        ),
    ],
    # The secret token is the key: whoever holds it reads the feed, signed in or not.
    "appointments:calendar-feed-ics": [
        Case("dana's feed", everyone(OK), kwargs=lambda p: {"token": feed_token(p.dana_profile)}),
        Case("an unknown token", everyone(NOT_FOUND), kwargs=lambda p: {"token": "unknown-token"}),
    ],
    # The calendar: each therapist her own; a client her own sessions.
    "appointments:calendar-week": [Case("own week", ok_for("dana olga"))],
    "appointments:calendar-day": [Case("own day", ok_for("dana olga"))],
    "appointments:working-hours": [Case("own hours", ok_for("dana olga"))],
    "appointments:book-slot": [
        Case("the form", ok_for("dana olga")),
        Case("chris's session", ok_for("dana"), method="POST", data=slot_data),
    ],
    "appointments:move-accept": [
        Case("chris's request", ok_for("dana"), kwargs=chris_move_request, method="POST"),
    ],
    "appointments:move-decline": [
        Case("chris's request", ok_for("dana"), kwargs=chris_move_request, method="POST"),
    ],
    "appointments:mine": [Case("own sessions", ok_for("chris casey"))],
    "appointments:my-cancel": [
        Case("chris's session", ok_for("chris"), kwargs=chris_next),
        Case("chris's session", ok_for("chris"), kwargs=chris_next, method="POST"),
    ],
    "appointments:my-move": [Case("chris's session", ok_for("chris"), kwargs=chris_next)],
    "reminders:settings": [Case("practice timing", ok_for("alex eve"))],
    "reminders:mine": [Case("own choices", ok_for("chris casey"))],
}


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    """Every named URL, with its namespace: ``clinic:client``."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "moved":
            continue  # old addresses that redirect, each tested in alliance/tests/test_moved.py
        if isinstance(entry, URLResolver):
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_names(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            if str(entry.pattern).startswith("static/"):
                continue
            assert entry.name, f"the URL {entry.pattern} has no name, so no entry here"
            yield f"{namespace}{entry.name}"


def attempts() -> list[Any]:
    return [
        pytest.param(url_name, case, persona, id=f"{url_name}[{case.label}]-{persona}")
        for url_name, cases in ACCESS.items()
        for case in cases
        for persona in PERSONAS
    ]


def test_every_url_has_an_entry_in_the_access_table():
    found = list(url_names())
    assert len(found) == len(set(found)), "two URLs share a name"
    missing = set(found) - set(ACCESS)
    assert not missing, f"add these URLs to ACCESS with who may open them: {sorted(missing)}"


def test_the_access_table_names_no_url_that_no_longer_exists():
    stale = set(ACCESS) - set(url_names())
    assert not stale, f"remove these entries from ACCESS: {sorted(stale)}"


def test_every_case_says_what_each_persona_gets():
    for url_name, cases in ACCESS.items():
        assert cases, url_name
        for case in cases:
            assert set(case.expected) == set(PERSONAS), (url_name, case.label)
            assert case.method in {"GET", "POST"}


@pytest.mark.parametrize(("url_name", "case", "persona"), attempts())
def test_access(url_name: str, case: Case, persona: str, signed_in, personas):
    url = reverse(url_name, kwargs=case.kwargs(personas))
    browser = signed_in(persona)
    send = browser.post if case.method == "POST" else browser.get
    response = send(url, case.data(personas))

    if persona != "anonymous":
        # Nothing a signed-in person is shown may be kept by the browser (back button, shared
        # machines): every answer, whatever its status, says so.
        cache_control = response.headers.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, (
            response.status_code,
            cache_control,
        )
    expected = case.expected[persona]
    sign_in_url = reverse("accounts:login")
    location = response.headers.get("Location", "")
    if expected is OK:
        assert response.status_code in {200, 302}, (response.status_code, response.content[:500])
        if response.status_code == 302:
            assert not location.startswith(sign_in_url), location
    elif expected is NOT_FOUND:
        assert response.status_code == 404, (response.status_code, location)
    elif expected is BAD_REQUEST:
        assert response.status_code == 400, (response.status_code, location)
    elif expected is UNAUTHORIZED:
        assert response.status_code == 401, (response.status_code, location)
        assert response["Content-Type"] == "application/fhir+json"
    else:
        assert response.status_code == 302, response.status_code
        assert location.startswith(sign_in_url), location
