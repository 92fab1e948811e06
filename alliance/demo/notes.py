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

# What a client might write in the check-in's "What should we change?" box. Synthetic.
CHECKIN_COMMENTS: tuple[str, ...] = (
    "Thank you — today helped a lot.",
    "I'd like more practical tools.",
    "Good to leave with a plan for the week.",
    "The breathing exercise actually worked on Tuesday.",
    "Could we start on time? I had to rush back to work.",
    "Nice to talk about something other than work for once.",
    "I liked writing the plan down together.",
    "Felt lighter walking out today.",
    "I'd like to talk about my sister next time.",
    "The homework was hard but useful.",
    "Nothing to change, this is working.",
)
# Comments that come with a dip in the check-in: something went wrong in the session.
DIP_COMMENTS: tuple[str, ...] = (
    "Felt rushed at the end.",
    "I wasn't sure why we went back to my childhood.",
    "I didn't feel heard today.",
    "We spent most of the time on things that aren't my priority.",
    "Not sure this is working for me at the moment.",
    "It felt more like a lecture than a conversation.",
)
# What a therapist might note on their own rating of a session ("What I noticed").
SELF_RATING_NOTES: tuple[str, ...] = (
    "Good energy; the homework was done.",
    "Quieter than usual, but engaged by the end.",
    "We ran over by five minutes.",
    "Stayed with difficult material; felt productive.",
    "Came with a clear agenda.",
    "Felt a bit stuck today; revisit the goals next time.",
)
