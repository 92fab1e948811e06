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


# --- Agreements, goals and sessions ----------------------------------------------------------

# Filling the practice template's ``[...]`` placeholders: (placeholder, synthetic practice detail).
TEMPLATE_DETAILS: tuple[tuple[str, str], ...] = (
    ("[the practice's out-of-hours number]", "0300 000 0000 (demo)"),
    (
        "[The practice's fee, how and when it is paid, and any arrangement for reduced fees.]",
        "Sessions cost £60 (demo), paid by card or bank transfer within a week of each session. "
        "A few reduced-fee places are kept for anyone who needs one: just ask.",
    ),
    ("[and is charged at the full fee]", "and is charged at the full fee"),
)

PURPOSE_INTRO = "In your words, this is what we are working towards:"
# What a client might say they want from therapy, in their own words.
PURPOSES: tuple[str, ...] = (
    "I want to feel less on edge all the time and enjoy evenings again.",
    "I'd like to understand why I keep ending up in the same kind of argument.",
    "Getting my confidence back after the last job.",
    "Feeling like myself again, not just getting through the week.",
    "Worrying less about things I can't control.",
    "Being able to talk about what happened without falling apart.",
    "Having a bit more energy and saying yes to friends again.",
    "Stopping the panic before it takes over.",
    "Working out what I actually want, instead of what everyone expects.",
    "Sleeping properly and not dreading Mondays.",
)
REVIEW_NOTES: tuple[str, ...] = (
    "Read it through together; still fits.",
    "Reviewed at the start of the session: no changes wanted.",
    "Checked the frequency still works; it does.",
    "Talked about the new phase of our work; the agreement still holds.",
)

# Goals in the client's own words.
GOALS: tuple[str, ...] = (
    "Sleep through most nights",
    "Say no at work without feeling guilty",
    "Go to the supermarket on my own",
    "Call my sister once a week",
    "Notice when I'm spiralling and stop",
    "Get back to running twice a week",
    "Stop checking my phone for work emails at night",
    "Speak up in team meetings",
    "Have one evening a week just for me",
    "Feel less tense before visiting my parents",
    "Make a decision about the course",
    "Be kinder to myself when I make mistakes",
    "Get out of bed at the same time every day",
    "Take the train into town without panicking",
    "Tell my partner when something bothers me",
    "Cook a proper meal a few times a week",
    "Spend less time replaying conversations",
    "Reply to messages instead of avoiding them",
    "Have fewer angry outbursts at home",
    "Finish the job applications I keep putting off",
    "Go a whole weekend without drinking",
    "Ask for help before things pile up",
)
# A goal whose wording was changed: (old words, new words).
REVISIONS: tuple[tuple[str, str], ...] = (
    ("Never feel anxious at work", "Feel anxious at work and carry on anyway"),
    ("Fix things with my brother", "Have one honest conversation with my brother"),
    ("Be happy all the time", "Have more good days than bad ones"),
)
DROP_REASONS: tuple[str, ...] = (
    "Moved house, so it no longer applies; we agreed to let it go.",
    "Turned out not to matter much once we talked it through.",
    "Too big for now; parked in favour of the sleep goal.",
)
# What a client proposes in the portal between sessions, waiting for the therapist.
PROPOSALS: tuple[str, ...] = (
    "Go back to swimming on Saturday mornings",
    "Plan a weekend away without worrying about it for weeks",
    "Stop apologising for things that aren't my fault",
)
RATING_NOTES: tuple[str, ...] = (
    "",
    "",
    "",
    "Better week.",
    "Harder than I thought.",
    "Managed it three times!",
    "Small steps.",
)

AGENDA_ITEMS: tuple[str, ...] = (
    "How the week went",
    "The argument on Sunday",
    "Sleep diary",
    "Work: the new manager",
    "Trying the breathing exercise",
    "Visiting family at the weekend",
    "What came up after last session",
    "Worry time: did it help?",
    "Progress on goals",
    "Planning the next small step",
    "A difficult phone call",
    "Feeling stuck",
    "Noticing the inner critic",
    "Review of the past month",
)
SUMMARIES: tuple[str, ...] = (
    "We looked at the week and what helped on the better days. You noticed the pattern "
    "earlier than before, which is real progress.",
    "We talked through the difficult conversation and what made it so hard. You named what "
    "you needed from it, clearly.",
    "We went over the sleep diary: the later nights follow the busiest days. We linked this "
    "to the worry that builds in the evening.",
    "You tried saying no twice this week. We looked at what the guilt said afterwards and how "
    "true it turned out to be.",
    "A heavier session: we stayed with the sadness rather than fixing it. You said it helped "
    "to say it out loud.",
    "We reviewed the goals together. Two feel closer; one feels less important now, and that "
    "is fine.",
    "We practised the grounding exercise in the room and talked about where it could fit in "
    "your day.",
    "We explored where the inner critic's voice comes from and whose words it borrows.",
)
NEXT_STEPS: tuple[str, ...] = (
    "Keep the sleep diary for one more week.",
    "Try the breathing exercise once a day, ideally before it is needed.",
    "Notice one moment of worry and write down what it predicted.",
    "Say no to one small request and see what happens.",
    "Set aside fifteen minutes of worry time in the early evening.",
    "Plan one thing just for you at the weekend.",
    "Bring the letter next time if you would like to read it together.",
)
PRIVATE_NOTES: tuple[str, ...] = (
    "Flat affect at the start; brightened when talking about the allotment. Follow up on sleep.",
    "Some rupture around the homework; acknowledged it and we repaired. Keep an eye on it.",
    "Mentioned the father's illness only in passing. Do not push; return to it when ready.",
    "Engaged and curious today. The formulation seems to fit for them.",
    "Possible avoidance of the work topic; third session running. Bring to supervision.",
)
PREPARATION_TALK_ABOUT = (
    "The swimming idea\nA tricky moment at work on Tuesday\nHow the sleep diary went"
)
PREPARATION_SINCE = "Slept better most nights. Said no to an extra shift and felt fine afterwards."
