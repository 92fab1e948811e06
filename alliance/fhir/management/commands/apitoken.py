"""``alliance apitoken``: issue, list and revoke the tokens programs use for the FHIR API.

alliance apitoken issue dana --name "EHR sync"   # prints the token, once
alliance apitoken list [dana]
alliance apitoken revoke AbCd1234                # by the prefix ``list`` shows
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alliance.accounts.models import User
from alliance.audit.services import Actor
from alliance.fhir.models import ApiToken
from alliance.fhir.tokens import issue_token, revoke_token
from alliance.lib.errors import DomainError

ACTOR = Actor.system("apitoken")


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens for the FHIR API."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="issue a token for a user and print it once")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="what the token is for")
        listing = actions.add_parser("list", help="list tokens (prefixes only)")
        listing.add_argument("username", nargs="?")
        revoke = actions.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "issue":
            self._issue(options["username"], options["name"])
        elif action == "list":
            self._list(options.get("username"))
        else:
            self._revoke(options["prefix"])

    def _issue(self, username: str, name: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            token, plaintext = issue_token(actor=ACTOR, user=user, name=name)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(plaintext)
        self.stderr.write(
            f"Token {token.prefix}… for {user.username} ({token.name}). "
            "It is shown only now: store it somewhere safe."
        )

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for token in tokens:
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.prefix}  {token.user.username:<16} {state:<18} used {used:<16} {token.name}"
            )

    def _revoke(self, prefix: str) -> None:
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No token starts with {prefix!r}.")
        revoke_token(actor=ACTOR, token=token)
        self.stdout.write(f"Revoked {token.prefix}… ({token.name}).")
