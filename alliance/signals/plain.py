"""A flag in a clinician's words: what happened, and what to consider.

The rules write their explanation for the record (``Flag.explanation``): exact figures, the
client's own standard deviations, the curve an expectation came from. The page shows a plainer
sentence first and keeps the rule's own words, its id and parameters behind a "How this was
worked out" disclosure (``signals/_how.html``). Both sentences are made from what the flag
stored; nothing is recomputed.
"""

from __future__ import annotations

import re

# What to consider, by flag kind: one sentence a clinician can act on.
CONSIDER: dict[str, str] = {
    "rupture": "Consider asking the client how the last sessions felt, and naming the strain "
    "together; open the rupture to record what you did.",
    "low_alliance": "Consider reviewing the goals and the way you work together: does it fit "
    "what the client wants from therapy?",
    "not_on_track": "Consider reviewing the plan with the client and in supervision: a change "
    "of focus, approach or frequency may help.",
    "dropout_risk": "Consider contacting the client to ask how things are and to agree the "
    "next session.",
    "crisis": "Follow the practice's crisis procedure and contact the client today.",
}

_BASELINE = re.compile(
    r"^Check-in (?P<total>[\d.]+) is [\d.]+ standard deviations below this "
    r"client's own baseline of (?P<level>[\d.]+)"
)
_SOURCE = re.compile(r"; [^;()]*\)$")  # "(expected about 9.9, at most 15.9; default curve)"
_ITEMS = re.compile(r" \([A-Z0-9_, ]+\)")  # "(PHQ9_9)": item ids from the form's definition
_MARKERS = re.compile(r" in the client's turns \(see its conversation report\)$")


def _drop_from_baseline(explanation: str) -> str:
    found = _BASELINE.match(explanation)
    if found is None:
        return "A check-in well below this client's usual level"
    return (
        f"Check-in {found['total']} is well below this client's usual level of about "
        f"{found['level']}"
    )


def _below_expected(explanation: str) -> str:
    return _SOURCE.sub(")", explanation)


def _safety_item(explanation: str) -> str:
    return _ITEMS.sub("", explanation).replace(": contact the client today", "")


def _transcript(explanation: str) -> str:
    return _MARKERS.sub(" (see the conversation report)", explanation)


def _dropout(explanation: str) -> str:
    head = explanation.split(":", 1)[0]
    return f"{head}: the reasons are listed below" if ":" in explanation else explanation


_WHAT = {
    "rupture.drop_from_baseline": _drop_from_baseline,
    "not_on_track.below_expected": _below_expected,
    "crisis.safety_item": _safety_item,
    "rupture.transcript_markers": _transcript,
    "dropout.risk": _dropout,
}


def what_happened(rule: str, explanation: str) -> str:
    """The flag's explanation without the words only a statistician needs."""
    words = _WHAT.get(rule)
    text = words(explanation) if words is not None else explanation
    return text.rstrip(".")


def consider(kind: str) -> str:
    return CONSIDER.get(kind, "")
