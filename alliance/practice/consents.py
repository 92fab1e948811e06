"""A client's consents: what is in force, giving one, revoking one.

Three kinds (``ConsentKind``): treatment, measurement (outcome measures and check-in forms are
sent only with it) and transcript analysis (a session transcript is uploaded and analysed only
with it). Each consent is given to one version of its text (``CONSENT_VERSIONS``) at a time and
by someone (the therapist or admin who records it, or the client); revoking it keeps the row,
so a client's rows are the history. Both writes are audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from alliance.audit.models import AuditAction
from alliance.audit.services import Actor, record
from alliance.lib.errors import DomainError
from alliance.practice.events import consent_revoked
from alliance.practice.models import Client, Consent, ConsentKind

# The version of each consent text in force; a new text means a new version (and clients give
# their consent to it anew).
CONSENT_VERSIONS: dict[str, str] = {
    ConsentKind.TREATMENT: "2026-12",
    ConsentKind.MEASUREMENT: "2026-12",
    ConsentKind.TRANSCRIPT_ANALYSIS: "2026-12",
}

# What each consent allows, in the words the client and the therapist read.
CONSENT_MEANING: dict[str, str] = {
    ConsentKind.TREATMENT: "Therapy with this practice, and the record it keeps of it.",
    ConsentKind.MEASUREMENT: (
        "Short questionnaires before or after sessions (outcome measures and check-ins), "
        "so that you and your therapist can see how things are going."
    ),
    ConsentKind.TRANSCRIPT_ANALYSIS: (
        "Transcripts of sessions uploaded and analysed by the practice's own software, "
        "to help your therapist reflect on the conversation."
    ),
}

# Why a feature is not offered, for the page that refuses it.
WITHOUT_CONSENT: dict[str, str] = {
    ConsentKind.MEASUREMENT: (
        "{client} has not given (or has revoked) consent to outcome measures and check-in "
        "forms, so no forms are sent."
    ),
    ConsentKind.TRANSCRIPT_ANALYSIS: (
        "{client} has not given (or has revoked) consent to the analysis of session "
        "transcripts, so no transcript can be uploaded or analysed."
    ),
}


def has_consent(client: Client | int, kind: ConsentKind) -> bool:
    client_id = client if isinstance(client, int) else client.pk
    return Consent.objects.in_force().filter(client_id=client_id, kind=kind).exists()


def without_consent(client: Client, kind: ConsentKind) -> str:
    """Why a feature is not offered to ``client`` (empty: it is)."""
    return "" if has_consent(client, kind) else WITHOUT_CONSENT[kind].format(client=client)


def require_consent(client: Client, kind: ConsentKind) -> None:
    """Raise ``DomainError`` (the reason, in words) unless ``client`` has ``kind`` in force."""
    if not has_consent(client, kind):
        raise DomainError(WITHOUT_CONSENT[kind].format(client=client))


@dataclass(frozen=True)
class ConsentLine:
    kind: ConsentKind
    meaning: str
    current: Consent | None  # in force, or None

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def outdated(self) -> bool:
        """In force, but given to an earlier version of the text."""
        return self.current is not None and self.current.version != CONSENT_VERSIONS[self.kind]


def consent_lines(client: Client) -> list[ConsentLine]:
    """One line per kind: the consent in force, if any (one query)."""
    in_force = {row.kind: row for row in Consent.objects.in_force().filter(client=client)}
    return [
        ConsentLine(
            kind=ConsentKind(kind), meaning=CONSENT_MEANING[kind], current=in_force.get(kind)
        )
        for kind in ConsentKind.values
    ]


def consent_history(client: Client) -> list[Consent]:
    return list(Consent.objects.filter(client=client).select_related("recorded_by", "revoked_by"))


def _give(actor: Actor, client: Client, kind: ConsentKind) -> Consent | None:
    version = CONSENT_VERSIONS[kind]
    current = Consent.objects.in_force().filter(client=client, kind=kind).first()
    if current is not None and current.version == version:
        return None  # already in force, to this very text
    now = timezone.now()
    if current is not None:  # given to an earlier text: this one replaces it
        current.revoked_at = now
        current.revoked_by = actor.user
        current.save(update_fields=["revoked_at", "revoked_by"])
    return Consent.objects.create(
        practice_id=client.practice_id,
        client=client,
        kind=kind,
        version=version,
        given_at=now,
        recorded_by=actor.user,
    )


@transaction.atomic
def give_consents(*, actor: Actor, client: Client, kinds: Iterable[ConsentKind]) -> list[Consent]:
    """Record ``kinds`` as given to the current version of their text (a kind already in force
    at that version is left as it is)."""
    Client.objects.select_for_update().filter(pk=client.pk).first()
    given = [row for kind in kinds if (row := _give(actor, client, ConsentKind(kind)))]
    for row in given:
        record(
            actor=actor,
            action=AuditAction.CREATE,
            target="consent given",
            obj=row,
            client=client,
            detail={"kind": row.kind, "version": row.version},
        )
    return given


@transaction.atomic
def revoke_consent(*, actor: Actor, client: Client, kind: ConsentKind) -> Consent:
    Client.objects.select_for_update().filter(pk=client.pk).first()
    current = Consent.objects.in_force().filter(client=client, kind=kind).first()
    if current is None:
        raise DomainError(f"There is no consent to {kind.label.lower()} in force to revoke.")
    current.revoked_at = timezone.now()
    current.revoked_by = actor.user
    current.save(update_fields=["revoked_at", "revoked_by"])
    record(
        actor=actor,
        action=AuditAction.CHANGE,
        target="consent revoked",
        obj=current,
        client=client,
        detail={"kind": current.kind, "version": current.version},
    )
    consent_revoked.send(sender=Consent, client=client, kind=kind)
    return current
