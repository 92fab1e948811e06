"""How an audit row is named to someone who may see no clinical content (the practice admin).

The trail records what was read or changed in a clinician's words ("Crisis flag acknowledged",
"rupture repair"); those words are themselves clinical. The admin's view names each row by a
neutral action ("clinical record updated") unless its target is one of the administrative
things an admin manages anyway (the client's details, their account, their consents), listed
here by name: anything new is neutral until someone adds it to this list.
"""

from __future__ import annotations

from alliance.audit.models import AuditAction, AuditEvent

# Targets an admin may see as recorded: they name administration, not care.
ADMINISTRATIVE_TARGETS = frozenset(
    {
        "account deactivated",
        "account reactivated",
        "account invitation sent",
        "password set from invitation",
        "client account",
        "client details",
        "consent given",
        "consent revoked",
        "audit trail",
        "sign-in",
        "sign-out",
    }
)

NEUTRAL_WORDS: dict[str, str] = {
    AuditAction.READ.value: "clinical record read",
    AuditAction.CREATE.value: "clinical record added to",
    AuditAction.CHANGE.value: "clinical record updated",
    AuditAction.DELETE.value: "clinical record deleted from",
    AuditAction.SIGN_IN.value: "signed in",
    AuditAction.SIGN_OUT.value: "signed out",
}


def neutral_action(event: AuditEvent) -> str:
    """The row's action in words that carry no clinical content."""
    if event.target in ADMINISTRATIVE_TARGETS:
        return f"{event.target} ({event.get_action_display().lower()})"
    return NEUTRAL_WORDS.get(str(event.action), "clinical record used")
