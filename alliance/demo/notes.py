"""Short synthetic notes for the demo's phase history: what a therapist might jot down when an
episode starts, and why it moved on to the next phase. None of it describes a real person."""

from __future__ import annotations

from alliance.practice.models import Phase

STARTING: tuple[str, ...] = (
    "Self-referred after a difficult winter; weekly sessions agreed.",
    "Referred by their GP for low mood and poor sleep.",
    "Came after a change at work left them anxious most days.",
    "Wants help with worry that has grown over the past year.",
    "Returning to therapy after a long break; knows what helped last time.",
    "Referred by a friend; unsure what to expect but curious.",
)

ENTERING: dict[Phase, tuple[str, ...]] = {
    Phase.RAPPORT: STARTING,
    Phase.EXPLORING: (
        "Trust is there now; ready to look at the patterns behind the worry.",
        "Talks openly and arrives with things to work on. Time to dig in.",
        "Asked to understand where the panic comes from, not only to manage it.",
        "Comfortable in the room; we agreed on two themes to explore.",
        "First real disagreement went well and we repaired it. Good sign.",
    ),
    Phase.LASTING_CHANGE: (
        "Names the pattern as it happens. Moving to practising alternatives.",
        "Has tried new responses between sessions and wants more of that.",
        "The link between sleep and mood is clear to them; building routines.",
        "Goals are concrete now; working on keeping the gains in daily life.",
        "Less time on the past, more on what to do differently this week.",
    ),
    Phase.ENDING: (
        "Feels ready to taper off; we agreed on a date for the last session.",
        "Most goals met. Planning for setbacks before we stop.",
        "Raised ending themselves; reviewing what changed and what helped.",
        "Moving to fortnightly sessions as we prepare to finish.",
    ),
}
