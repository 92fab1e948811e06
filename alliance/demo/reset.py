"""Deleting the demo practice and everything in it (``reset_demo_practice``), its audit rows
included: the one sanctioned exception to the append-only audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, models, transaction

from alliance.accounts.models import User
from alliance.agreements.models import (
    Acknowledgement,
    Agreement,
    AgreementReview,
    AgreementTemplate,
    AgreementVersion,
)
from alliance.appointments.models import Appointment, CalendarFeed
from alliance.audit.models import AuditAction, AuditEvent
from alliance.audit.services import record
from alliance.demo.build import DEMO_ACTOR, DEMO_SLUG
from alliance.demo.conversation import CONVERSATION_ROWS
from alliance.goals.models import Goal, GoalRating
from alliance.measures.models import FormRequest, MeasureResponse, MeasureSchedule
from alliance.practice.models import (
    CareEpisode,
    Client,
    Consent,
    PhaseChange,
    Practice,
    TherapistProfile,
)
from alliance.sessions.models import PrivateNote, SessionPreparation, SessionRecord
from alliance.signals.models import (
    EpisodeRisk,
    FeedbackReply,
    Flag,
    RepairStep,
    RuptureEpisode,
    SignalSettings,
)


def _delete_demo_audit_rows(practice: Practice) -> int:
    """Delete the demo practice's audit rows; returns how many went.

    The audit trail is append-only: ``AuditEventQuerySet.delete`` raises, on purpose. Resetting a
    synthetic demo practice is the one sanctioned exception: its rows describe made-up people
    and must go before the clients and accounts they point at (``on_delete=PROTECT``). Besides
    the rows of the practice and of its clients and accounts, this removes the rows the system
    actor wrote about the demo's accounts and the practice itself (they carry no practice id).
    """
    audit, users, clients = (model._meta.db_table for model in (AuditEvent, User, Client))
    user_ids = [
        str(pk) for pk in User.objects.filter(practice=practice).values_list("pk", flat=True)
    ]
    user_id_params = ", ".join(["%s"] * len(user_ids)) or "NULL"
    sql = (
        f"DELETE FROM {audit} WHERE practice_id = %s"  # noqa: S608 - table names, not input
        f" OR client_id IN (SELECT id FROM {clients} WHERE practice_id = %s)"
        f" OR actor_id IN (SELECT id FROM {users} WHERE practice_id = %s)"
        " OR (practice_id IS NULL AND path = %s AND ("
        f"(object_type = %s AND object_id IN ({user_id_params}))"
        " OR (object_type = %s AND object_id = %s)))"
    )
    params: list[int | str] = [practice.pk, practice.pk, practice.pk, DEMO_ACTOR.path]
    params += [User._meta.label_lower, *user_ids, Practice._meta.label_lower, str(practice.pk)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


# Rows go before what they point at: foreign keys protect their targets. A feature that adds data
# to the demo adds the query for it here, before the rows it refers to.
DEMO_ROWS_IN_DELETE_ORDER: tuple[Callable[[Practice], models.QuerySet[Any]], ...] = (
    *CONVERSATION_ROWS,
    # Signals: flags point at their rupture episode, repair steps at theirs, replies at the
    # response they answer; all of them at the episode, the client or an account.
    lambda practice: Flag.objects.filter(practice=practice),
    lambda practice: RepairStep.objects.filter(rupture__practice=practice),
    lambda practice: RuptureEpisode.objects.filter(practice=practice),
    lambda practice: FeedbackReply.objects.filter(practice=practice),
    lambda practice: EpisodeRisk.objects.filter(practice=practice),
    lambda practice: SignalSettings.objects.filter(practice=practice),
    lambda practice: Acknowledgement.objects.filter(version__agreement__episode__practice=practice),
    lambda practice: AgreementReview.objects.filter(agreement__episode__practice=practice),
    lambda practice: AgreementVersion.objects.filter(agreement__episode__practice=practice),
    lambda practice: Agreement.objects.filter(episode__practice=practice),
    lambda practice: AgreementTemplate.objects.filter(practice=practice),
    lambda practice: GoalRating.objects.filter(goal__practice=practice),
    # A revision points at the goal it replaced (PROTECT): the new wordings go first. The demo
    # revises a goal once, so one pass is enough.
    lambda practice: Goal.objects.filter(practice=practice, revised_from__isnull=False),
    lambda practice: Goal.objects.filter(practice=practice),
    lambda practice: PrivateNote.objects.filter(appointment__practice=practice),
    lambda practice: SessionRecord.objects.filter(appointment__practice=practice),
    lambda practice: SessionPreparation.objects.filter(appointment__practice=practice),
    lambda practice: CalendarFeed.objects.filter(practice=practice),
    lambda practice: MeasureResponse.objects.filter(practice=practice),
    lambda practice: FormRequest.objects.filter(practice=practice),
    lambda practice: MeasureSchedule.objects.filter(practice=practice),
    lambda practice: Appointment.objects.filter(practice=practice),
    lambda practice: PhaseChange.objects.filter(episode__practice=practice),
    lambda practice: CareEpisode.objects.filter(practice=practice),
    lambda practice: Consent.objects.filter(practice=practice),
    lambda practice: Client.objects.filter(practice=practice),
    lambda practice: TherapistProfile.supervisors.through.objects.filter(
        therapistprofile__practice=practice
    ),
    lambda practice: TherapistProfile.objects.filter(practice=practice),
    lambda practice: User.objects.filter(practice=practice),
    lambda practice: Practice.objects.filter(pk=practice.pk),
)


@transaction.atomic
def reset_demo_practice() -> bool:
    """Delete the demo practice and everything in it; False if there was none."""
    practice = Practice.objects.filter(slug=DEMO_SLUG).first()
    if practice is None:
        return False
    deleted_audit_rows = _delete_demo_audit_rows(practice)
    for rows in DEMO_ROWS_IN_DELETE_ORDER:
        rows(practice).delete()
    # The deletion itself leaves a trace in the append-only trail.
    record(
        actor=DEMO_ACTOR,
        action=AuditAction.CHANGE,
        target="demo practice reset",
        detail={"audit_rows_deleted": deleted_audit_rows},
    )
    return True
