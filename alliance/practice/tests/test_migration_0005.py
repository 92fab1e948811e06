"""practice 0005: "ended by mutual agreement" becomes the planned ending, and clients recorded
before consents were kept get one consent in force of each kind, marked ``before-records``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("practice", "0003_therapistprofile_share_conversation_reports")]
ACCOUNTS = [("accounts", "0002_initial")]  # the user's practice
AFTER = [("practice", "0005_planned_endings_and_earlier_consents")]


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_mutual_endings_become_planned_and_earlier_clients_get_marked_consents() -> None:
    old = migrate(BEFORE).loader.project_state([*BEFORE, *ACCOUNTS]).apps
    practice = old.get_model("practice", "Practice").objects.create(name="P", slug="p")
    user = old.get_model("accounts", "User").objects.create(
        username="t", role="therapist", practice_id=practice.pk
    )
    therapist = old.get_model("practice", "TherapistProfile").objects.create(
        user_id=user.pk, practice_id=practice.pk
    )
    client = old.get_model("practice", "Client").objects.create(
        practice_id=practice.pk, first_name="A", last_name="B"
    )
    episode = old.get_model("practice", "CareEpisode").objects.create(
        practice_id=practice.pk,
        client_id=client.pk,
        therapist_id=therapist.pk,
        status="ended",
        end_reason="mutual",
        ended_on=dt.date(2026, 1, 5),
    )

    try:
        new = migrate(AFTER).loader.project_state(AFTER).apps
        assert new.get_model("practice", "CareEpisode").objects.get(pk=episode.pk).end_reason == (
            "completed"
        )
        consents = new.get_model("practice", "Consent").objects.filter(client_id=client.pk)
        assert sorted(c.kind for c in consents) == [
            "measurement",
            "transcript_analysis",
            "treatment",
        ]
        assert {c.version for c in consents} == {"before-records"}
        assert all(c.revoked_at is None and c.recorded_by_id is None for c in consents)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
