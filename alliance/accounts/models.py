"""Accounts: one user per person, with exactly one role in one practice."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    THERAPIST = "therapist", "Therapist"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMIN = "admin", "Practice admin"


CLINICIAN_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR})
# Staff roles are signed out after a short idle time: their screens show many clients at once.
IDLE_LOGOUT_ROLES = frozenset({Role.THERAPIST, Role.SUPERVISOR, Role.ADMIN})


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices)
    practice = models.ForeignKey(
        "practice.Practice", on_delete=models.PROTECT, related_name="users", null=True
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_therapist(self) -> bool:
        return self.role == Role.THERAPIST

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_practice_admin(self) -> bool:
        return self.role == Role.ADMIN
