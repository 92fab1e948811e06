"""Builders the intake tests and the access matrix share."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from alliance.accounts.invitations import invitation_tokens
from alliance.accounts.models import User
from alliance.audit.services import Actor
from alliance.practice.models import Client, ConsentKind
from alliance.practice.services import ClientDetails, add_client
from alliance.testing.personas import Personas

SETUP = Actor.system("test-setup")


def intake_data(**changes: Any) -> dict[str, Any]:
    return {
        "first_name": "Nina",
        "last_name": "Quist",
        "preferred_name": "Nin",
        "pronouns": "she/her",
        "date_of_birth": "1990-04-02",
        "email": "Nina.Quist@example.org",
        "phone": "+44 20 7946 0000",
        "preferred_language": "English",
        "emergency_contact_name": "Ola Quist",
        "emergency_contact_phone": "+44 20 7946 0002",
        "emergency_contact_relation": "sister",
        "emergency_contact_notes": "Only if Nina cannot be reached after a missed session.",
        "consents": ["treatment", "measurement"],
    } | changes


def details_of(client: Client) -> dict[str, Any]:
    values = {name: getattr(client, name) for name in ClientDetails.__dataclass_fields__}
    values["date_of_birth"] = client.date_of_birth.isoformat() if client.date_of_birth else ""
    return values


def invited(p: Personas, email: str = "new.client@example.org") -> Client:
    client, _ = add_client(
        actor=SETUP,
        therapist=p.dana_profile,
        details=ClientDetails(first_name="Noor", last_name="Aziz", email=email),
        consents=[ConsentKind.TREATMENT, ConsentKind.MEASUREMENT],
    )
    return client


def invitation_kwargs(user: User | None) -> dict[str, str]:
    assert user is not None
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": invitation_tokens.make_token(user),
    }


def link_in_last_email() -> str:
    """The invitation path in the last email sent (locmem outbox)."""
    found = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    return found.group(1)
