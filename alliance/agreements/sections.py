"""The sections of a therapy agreement, in reading order, and the text a new practice starts from.

The default text is this project's own, written to be plain and warm and to fit the UK, the US
and elsewhere. Words in square brackets are for the practice to fill in; ``{placeholders}`` are
filled from the agreement's terms when an agreement is drafted.
"""

from __future__ import annotations

import re

SECTION_TITLES: dict[str, str] = {
    "roles": "Our roles",
    "purpose": "What we are working towards",
    "confidentiality": "Confidentiality and its limits",
    "communication": "Getting in touch between sessions",
    "crisis": "If you are in crisis",
    "frequency": "How often we meet, and for how long",
    "punctuality": "Starting and ending on time",
    "payment": "Payment",
    "cancellation": "Cancelling or moving a session",
}
SECTION_KEYS: tuple[str, ...] = tuple(SECTION_TITLES)

DEFAULT_SECTIONS: dict[str, str] = {
    "roles": (
        "I am your therapist. My part is to listen carefully, to help us understand what is "
        "going on for you, and to suggest ways of working that fit you. I will tell you when I "
        "am unsure, and I will ask how our work feels to you.\n\n"
        "Your part is to come to the sessions you can, to say what is on your mind, including "
        "when something we do is not helping, and to try things out between sessions if we "
        "agree that would help. You are the expert on your own life."
    ),
    "purpose": (
        "We will agree together on what you would like to be different, in your own words, and "
        "come back to it regularly. Goals can change as we go, and that is fine.\n\n"
        "[To be written together: what we are working towards.]"
    ),
    "confidentiality": (
        "What you tell me stays between us. I keep brief, private notes, stored securely, and "
        "I may discuss our work with my clinical supervisor, who is bound by the same duty of "
        "confidentiality, to make sure you get good care.\n\n"
        "There are a few exceptions, and I will always try to talk with you first if one "
        "arises: if I believe you or someone else is at serious risk of harm; if a child or a "
        "vulnerable adult may be at risk; or if a court or the law requires me to share "
        "information. Otherwise I will share nothing without your written consent."
    ),
    "communication": (
        "Between sessions you can reach me through the practice's secure messages or by phone "
        "for practical things such as appointments. I usually reply within two working days. "
        "I do not offer therapy by message or email, and I do not connect with clients on "
        "social media.\n\n"
        "Messages are not checked out of hours or when I am away: if you need help urgently, "
        "use the crisis procedure below."
    ),
    "crisis": (
        "If you are in immediate danger, or someone else is, call your local emergency number "
        "now: 999 in the UK, 911 in the US and Canada, 112 across Europe. You can also go to "
        "your nearest emergency department.\n\n"
        "If you need to talk to someone now: call a crisis line such as 116 123 (Samaritans, UK "
        "and Ireland) or call or text 988 (Suicide & Crisis Lifeline, US).\n\n"
        "Out of hours, the practice's line is [the practice's out-of-hours number].\n\n"
        "Afterwards, let me know what happened when you can, so we can talk about it at our "
        "next session."
    ),
    "frequency": (
        "We will meet every {frequency_days} days, for {session_minutes} minutes each time, at "
        "a time that suits us both. We will review together whether this still fits you."
    ),
    "punctuality": (
        "I will start and end our sessions on time, so you can rely on the full session. If you "
        "arrive late, we will still end at the usual time. If I am ever late, you will have "
        "the full time or I will make it up."
    ),
    "payment": (
        "[The practice's fee, how and when it is paid, and any arrangement for reduced fees.] "
        "If money becomes difficult, please tell me: we can talk about it."
    ),
    "cancellation": (
        "If you need to cancel or move a session, please tell me at least "
        "{late_cancellation_hours} hours before it starts. A later cancellation, or a missed "
        "session, counts as a late cancellation [and is charged at the full fee]. I will also "
        "give you as much notice as I can if I need to cancel."
    ),
}


# What ``fill`` replaces, and what each stands for (shown where the template is edited).
PLACEHOLDERS: dict[str, str] = {
    "frequency_days": "the days between sessions",
    "session_minutes": "the session length in minutes",
    "late_cancellation_hours": "the late-cancellation window in hours",
}


def fill(text: str, values: dict[str, int]) -> str:
    """Fill the known ``{placeholders}``; anything else in braces stays as written."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


# What is left for the practice or the therapist to write: words in square brackets, and any
# ``{placeholder}`` left in braces. An agreement holding either cannot be shared with the client.
UNFILLED = re.compile(r"\[[^\[\]\n]{1,300}\]|\{[a-z_]{1,40}\}")


def unfilled(sections: dict[str, str]) -> list[tuple[str, str]]:
    """(section title, placeholder) for every placeholder still in ``sections``, in reading
    order."""
    return [
        (SECTION_TITLES[key], found.group(0))
        for key in SECTION_KEYS
        for found in UNFILLED.finditer(sections.get(key) or "")
    ]


def unfilled_message(
    sections: dict[str, str], *, doing: str, besides: dict[str, str] | None = None
) -> str | None:
    """The problem in words, or None when nothing is left to fill in (nothing but what
    ``besides`` already held)."""
    already = set(unfilled(besides)) if besides is not None else set()
    left = [found for found in unfilled(sections) if found not in already]
    if not left:
        return None
    listed = "; ".join(f"“{title}”: {text}" for title, text in left[:5])
    more = f" and {len(left) - 5} more" if len(left) > 5 else ""
    return (
        f"The agreement still has parts to fill in, so it cannot be {doing}: {listed}{more}. "
        "Edit the agreement and replace them with your own words."
    )
