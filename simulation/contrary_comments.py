"""Comment vocabulary of the contrary scenario: a different register from the calibrated book.

Clients here write more and more casually (colloquial British English, text-speak, longer
narrative lines), grumble about administration and video calls (negative, but not about the
relationship), and voice ruptures indirectly and politely, often hedged ("not a big deal").
Withdrawal shows as clipped text-speak ("k", "yep", "idk"). None of these lines is shared with
the calibrated book, so rules tuned on one vocabulary meet another here.
"""

from __future__ import annotations

from simulation.text import CommentBook, Pool

THINGS = (
    "the ex", "uni", "my shifts", "the custody stuff", "my nan", "the flat", "benefits",
    "my manager", "the gym", "the meds", "my housemate", "the wedding", "the debt",
    "my stepdad", "the driving test", "the allotment", "church", "my twins", "the band",
)  # fmt: skip

CHEERFUL = Pool(
    (
        "{thanks}, {good}",
        "liked the bit about {thing}",
        "sorted a few things in my head re {thing}",
        "felt good getting {thing} off my chest",
        "helpful to map out {thing}",
        "appreciated the slower pace today",
        "the drawing thing actually helped with {thing}",
        "{good}, see you in a fortnight",
    ),
    {
        "thanks": ("cheers", "ta", "thanks x", "thank u"),
        "good": ("decent chat today", "that was grand", "good one", "nice one", "proper useful"),
        "thing": THINGS,
    },
)  # fmt: skip
NARRATIVE = Pool(
    (
        "was a lot to take in, going to mull over what we said about {thing} over the weekend",
        "still not sure where to start with {thing} but at least it's on the table now",
        "talked mostly about {thing}, then ran out of time for {other}",
        "funny how {thing} keeps coming back to {other}",
        "went in wanting to talk about {thing} and ended up on {other}, which was fine",
        "writing down the {thing} stuff between sessions like we said",
    ),
    {"thing": THINGS, "other": THINGS},
)
ADMIN = Pool(
    (
        "{hassle}",
        "{hassle} {tail}",
    ),
    {
        "hassle": (
            "video kept freezing on my end", "the invoice came through twice",
            "reminder text said 3pm not 2pm", "room was boiling", "couldn't find parking again",
            "the portal logged me out halfway through this form", "the lift was broken again",
            "buses were a mess", "my laptop camera wouldn't work", "the wifi dropped twice",
        ),
        "tail": ("- not your fault obviously", "lol", "but we got there", "grr", "anyway"),
    },
)  # fmt: skip
LIFE_OUT = Pool(
    ("{rough} {tail}",),
    {
        "rough": (
            "absolute nightmare fortnight with the flat", "shift pattern changed again so knackered",
            "been poorly all week", "nan's back in hospital", "the kids' dad cancelled on them again",
            "lost my bank card and everything's a faff", "money's really tight this month",
            "didn't sleep much, the twins were up", "got a parking ticket on the way lol",
            "housemate drama again",
        ),
        "tail": ("", "so I was all over the place", "- nothing to do with today", "ugh", "but I'm ok"),
    },
)  # fmt: skip
CHEERY_MINIMAL = Pool(
    ("{word}",),
    {"word": ("ta", "cheers", "grand", "all good", "sound", "nice one", "👍", "ty")},
)

CONFRONT = Pool(
    ("{pre}{core}{post}",),
    {
        "pre": ("", "tbh ", "hmm ", "not to be rude but ", "just saying, "),
        "post": ("", " tbh", " if that makes sense", " - not a big deal", " (sorry)"),
        "core": (
            "not sure today went anywhere",
            "maybe it's me but I left more confused than when I came",
            "I'd rather we didn't keep going back to the ex",
            "found it hard to get a word in",
            "felt a bit like being told off",
            "I know you mean well but the advice doesn't fit my life",
            "would've liked more say in what we talked about",
            "bit disappointed, hoped we'd get further by now",
            "not keen on the worksheets if I'm honest",
            "felt like you'd already made your mind up about me",
            "didn't love the comment about my stepdad",
            "I get that it's your job but it felt a bit clinical",
            "kind of felt brushed off",
            "second time the session started late",
            "I don't think you quite got what I meant about uni",
            "it's starting to feel like a tick-box exercise",
            "we seem to be going over the same ground every time",
            "bit much being pushed on the meds stuff",
            "this wasn't really what I signed up for",
            "struggling to see how this is helping",
            "felt a bit talked down to",
            "you brought up my diagnosis a lot and I'm more than that",
            "can we change approach? this isn't clicking",
            "left feeling raw and not in a good way",
            "I wasn't comfortable with the role play",
            "you mixed me up with someone else I think",
            "I said no to talking about medication and it came up again",
            "honestly wondering whether to carry on",
            "felt like you were on a different page to me",
            "the silences were really awkward",
            "you seemed in a hurry to wrap up",
            "I shared something big and it got a nod and that was it",
        ),
    },
)  # fmt: skip
CLIPPED = Pool(
    ("{answer}",),
    {
        "answer": (
            "k", "yep", "nah", "same old", "no probs", "np", "cool", "fine i guess", "nothing new",
            "eh", "idk", "skip", "whatever works", "up to you", "sure thing",
            "didn't have much to say today", "bit quiet today", "not in the mood to write",
            "same as always", "no idea", "might not make the next one",
        ),
    },
)  # fmt: skip

# Shares among ordinary comments (assumption): more narrative and admin grumbling than in the
# calibrated book.
BOOK = CommentBook(
    ordinary_pools=(
        (CHEERFUL, 0.30),
        (NARRATIVE, 0.25),
        (ADMIN, 0.20),
        (LIFE_OUT, 0.15),
        (CHEERY_MINIMAL, 0.10),
    ),
    life_pool=LIFE_OUT,
    confrontation_pool=CONFRONT,
    withdrawal_pool=CLIPPED,
)
