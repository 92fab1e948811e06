import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alliance.audit.models import AuditEvent
from alliance.audit.services import Actor
from alliance.fhir.models import ApiToken
from alliance.fhir.tokens import authenticate_token, issue_token, revoke_token
from alliance.lib.errors import DomainError

ADMIN_TOOL = Actor.system("test")


def test_an_issued_token_authenticates_its_user(personas):
    token, plaintext = issue_token(actor=ADMIN_TOOL, user=personas.dana, name="EHR sync")
    assert authenticate_token(f"Bearer {plaintext}") == personas.dana
    assert authenticate_token(f"bearer {plaintext}") == personas.dana
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_a_hash_of_the_token_is_stored(personas):
    token, plaintext = issue_token(actor=ADMIN_TOOL, user=personas.dana, name="EHR sync")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert plaintext not in {str(value) for value in stored.values()}
    assert stored["secret_hash"] == hashlib.sha256(plaintext.encode()).hexdigest()
    assert stored["prefix"] == plaintext[:8]


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Basic abc", "Token {token}", "Bearer {token}x", "Bearer x{token}"],
)
def test_a_wrong_or_malformed_header_authenticates_nobody(personas, header):
    _token, plaintext = issue_token(actor=ADMIN_TOOL, user=personas.dana, name="EHR sync")
    assert authenticate_token(header.format(token=plaintext)) is None


def test_a_token_with_the_right_prefix_but_wrong_secret_is_refused(personas):
    _token, plaintext = issue_token(actor=ADMIN_TOOL, user=personas.dana, name="EHR sync")
    forged = plaintext[:8] + "A" * (len(plaintext) - 8)
    assert authenticate_token(f"Bearer {forged}") is None


def test_a_revoked_token_no_longer_authenticates(personas):
    token, plaintext = issue_token(actor=ADMIN_TOOL, user=personas.dana, name="EHR sync")
    revoke_token(actor=ADMIN_TOOL, token=token)
    assert authenticate_token(f"Bearer {plaintext}") is None


def test_the_token_of_a_deactivated_account_no_longer_authenticates(personas):
    _token, plaintext = issue_token(actor=ADMIN_TOOL, user=personas.dana, name="EHR sync")
    personas.dana.is_active = False
    personas.dana.save(update_fields=["is_active"])
    assert authenticate_token(f"Bearer {plaintext}") is None


def test_issuing_and_revoking_are_audited_without_the_secret(personas):
    token, plaintext = issue_token(actor=Actor(personas.alex), user=personas.dana, name="EHR")
    revoke_token(actor=Actor(personas.alex), token=token)
    events = AuditEvent.objects.filter(target="API token", object_id=str(token.pk)).order_by("id")
    assert [event.action for event in events] == ["create", "change"]
    assert all(event.practice_id == personas.practice.pk for event in events)
    assert all(plaintext not in str(event.detail) for event in events)


def test_a_token_needs_a_name(personas):
    with pytest.raises(DomainError):
        issue_token(actor=ADMIN_TOOL, user=personas.dana, name="  ")
    assert not ApiToken.objects.exists()


def test_the_command_prints_the_token_once_and_revokes_it_by_prefix(personas):
    out = StringIO()
    call_command("apitoken", "issue", "dana", "--name", "EHR sync", stdout=out, stderr=StringIO())
    plaintext = out.getvalue().strip()
    assert authenticate_token(f"Bearer {plaintext}") == personas.dana
    event = AuditEvent.objects.get(target="API token", action="create")
    assert event.practice_id == personas.practice.pk  # filed under dana's practice

    listing = StringIO()
    call_command("apitoken", "list", stdout=listing)
    assert plaintext[:8] in listing.getvalue()
    assert plaintext not in listing.getvalue()

    call_command("apitoken", "revoke", plaintext[:8], stdout=StringIO())
    assert authenticate_token(f"Bearer {plaintext}") is None


def test_the_command_refuses_an_unknown_user_or_prefix(personas):
    with pytest.raises(CommandError, match="No user"):
        call_command("apitoken", "issue", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="No token"):
        call_command("apitoken", "revoke", "zzzzzzzz")


def test_no_token_starts_with_a_dash_so_its_prefix_is_never_read_as_an_option(
    personas, monkeypatch
):
    drawn = iter(["-leading-dash-token", "plain-token-value"])
    monkeypatch.setattr("alliance.fhir.tokens.secrets.token_urlsafe", lambda _n: next(drawn))
    _token, plaintext = issue_token(actor=ADMIN_TOOL, user=personas.dana, name="EHR sync")
    assert plaintext == "plain-token-value"
