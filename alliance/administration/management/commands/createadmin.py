"""``alliance createadmin``: the first practice admin (and the practice, if there is none yet)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from alliance.accounts.models import Role, User
from alliance.accounts.services import create_account
from alliance.audit.services import Actor
from alliance.lib.errors import DomainError
from alliance.practice.models import Practice


class Command(BaseCommand):
    help = "Create a practice admin account. The password comes from ALLIANCE_ADMIN_PASSWORD or a prompt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--practice", default="My practice", help="practice name, if new")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("ALLIANCE_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            with transaction.atomic():
                user = self._create(password, options)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(f"Created admin {user.username} in {user.practice}."))

    def _create(self, password: str, options: dict[str, Any]) -> User:
        # The demo practice is synthetic and can be reset: a real admin never joins it.
        practice = Practice.objects.exclude(slug="demo").order_by("id").first()
        if practice is None:
            practice = Practice.objects.create(
                name=options["practice"], slug=slugify(options["practice"]) or "practice"
            )
        return create_account(
            actor=Actor.system("createadmin"),
            practice=practice,
            role=Role.ADMIN,
            username=options["username"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
            password=password,
        )
