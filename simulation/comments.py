"""What clients of the calibrated scenario write in the check-in's comment box.

Written for this package (not taken from the product's phrase lists, which its authors did not
read). Most comments are ordinary: positive, neutral, about life outside therapy, mild
suggestions, a few mildly negative but not about the relationship, and now and then a bare
"ok" from someone who is perfectly content. Rupture comments come in two forms (Safran &
Muran's markers): confrontation (a complaint about the therapist or the work, worded many ways)
and withdrawal (minimal, deferential or evasive answers). ``CommentBook`` is the interface the
generator uses; the contrary scenario has its own book with different vocabulary.
"""

from __future__ import annotations

from simulation.text import CommentBook, Pool

TOPICS = (
    "work", "my sleep", "the panic attacks", "my mum", "my dad", "my partner", "the breakup",
    "my drinking", "the kids", "money worries", "my health", "the exams", "the new job",
    "my anxiety", "the grief", "my brother", "the intrusive thoughts", "my eating",
    "social situations", "the move", "my confidence", "the arguments at home",
    "being on my own", "the flashbacks", "my sister", "the divorce", "my weight",
)  # fmt: skip
ACTIVITIES = (
    "the breathing exercise", "the thought record", "the worksheet",
    "the behavioural experiment", "the values exercise", "the grounding technique",
    "the sleep diary", "the activity schedule", "the role play", "the chair work",
    "the body scan", "the problem-solving steps", "the timeline", "the worry time idea",
    "the compassion exercise",
)  # fmt: skip

POSITIVE = Pool(
    (
        "{very} helpful session{thanks}",
        "good to talk about {topic}{thanks}",
        "it helped to go over {topic}.",
        "I liked {activity}.",
        "{activity} made more sense this time.",
        "feeling a bit lighter after talking about {topic}.",
        "useful to have a plan for {topic}.",
        "I'm going to try {activity} this week.",
        "glad we looked at {topic} again.",
        "starting to see a pattern with {topic}.",
        "felt calmer by the end{thanks}",
        "nice to notice some progress with {topic}.",
        "{very} good session{thanks}",
    ),
    {
        "very": ("", "really", "very", "a"),
        "thanks": (".", ", thank you.", ", thanks.", " today.", "!", ", see you next week."),
        "topic": TOPICS,
        "activity": ACTIVITIES,
    },
)
NEUTRAL = Pool(
    (
        "we talked about {topic}.",
        "mostly went over {topic} today.",
        "covered {activity} and {topic}.",
        "hard to talk about {topic} but I'm glad we did.",
        "a lot to think about with {topic}.",
        "not sure yet about {activity}, will give it a go.",
        "still processing what came up about {topic}.",
        "we did {activity}.",
    ),
    {"topic": TOPICS, "activity": ACTIVITIES},
)
SUGGESTIONS = Pool(
    (
        "could we spend more time on {topic} next time?",
        "next week I'd like to talk about {topic}.",
        "would it be ok to go over {activity} again?",
        "maybe we could {ask}.",
        "could we {ask} next time?",
    ),
    {
        "topic": TOPICS,
        "activity": ACTIVITIES,
        "ask": (
            "start a bit earlier", "have the session by video", "get a copy of the notes",
            "do some more on relapse planning", "talk about what happens after we finish",
            "practise in the session", "leave five minutes at the end for a recap",
            "look at the goals again", "move to Thursdays",
        ),
    },
)  # fmt: skip
OUTSIDE = Pool(
    (
        "{week} this week{tail}",
        "tired today, {reason}.",
        "annoyed with myself for {slip}.",
        "{hassle}",
        "feeling low this week, {low}",
        "bit flat today{tail}",
    ),
    {
        "week": (
            "rough week at work", "stressful week with the kids", "busy week", "long week",
            "exhausting week", "difficult week with my mum", "tough week money-wise",
            "hectic week with the move",
        ),
        "tail": ("", ", glad I came.", ", so a bit distracted.", " but ok.", ", tired today."),
        "reason": (
            "didn't sleep well", "the baby was up all night", "long shift yesterday",
            "been up since five", "the neighbours were loud again",
        ),
        "slip": (
            "not doing the homework", "being late", "forgetting the diary",
            "cancelling last time", "leaving the worksheet on the bus",
        ),
        "hassle": (
            "the traffic was awful.", "the bus was late again.", "parking was a nightmare.",
            "the waiting room was freezing.", "my phone died so I nearly missed it.",
            "headache all day, hard to focus.", "the video kept dropping on my side.",
        ),
        "low": ("not sure why.", "the weather doesn't help.", "work stuff mainly.", "it comes and goes."),
    },
)  # fmt: skip
CONTENT_MINIMAL = Pool(
    ("{word}",),
    {"word": ("ok", "good.", "good thanks", "all good.", "fine thanks.", "thanks!", "helpful.", "great")},
)  # fmt: skip

LIFE = Pool(
    ("{event}{tail}",),
    {
        "event": (
            "bad news from the hospital about my dad today",
            "had a row with my partner just before coming",
            "got a letter from the council this morning and it threw me",
            "found out I might lose my job",
            "migraine all afternoon",
            "my car broke down on the way here",
            "really bad night, the neighbours again",
            "it's the anniversary of mum's death this week",
            "the kids were ill and I barely slept",
            "period pain today",
            "my landlord is threatening to evict us",
            "court date got moved again",
            "my ex turned up at the house",
            "the dog had to go to the vet this morning",
            "exam results came out and they weren't good",
        ),
        "tail": (
            "", ", so not really with it today.", ", sorry I was distracted.",
            " - not your fault, just a bad day.", ", head was elsewhere.", ".",
        ),
    },
)  # fmt: skip

CONFRONTATION = Pool(
    ("{pre}{core}{post}",),
    {
        "pre": ("", "honestly, ", "to be honest ", "not going to lie, ", "sorry but ", "I have to say ", "just being honest - "),
        "post": ("", " Again.", " Not the first time.", " It's been bothering me.", " I didn't say it in the room.", " Can we talk about it?"),
        "core": (
            "I didn't feel listened to today.",
            "you cut me off when I was talking about my partner.",
            "I felt judged when we talked about my drinking.",
            "it felt like you had your own agenda.",
            "I don't see the point of the worksheets.",
            "you keep bringing up my childhood when I've said I don't want to.",
            "I'm annoyed you were late again.",
            "it felt like you were watching the clock.",
            "I'm not convinced you understand how bad things are at home.",
            "felt lectured today.",
            "I wanted to talk about work and we didn't get to it again.",
            "why do we always end up on my mum?",
            "I don't think this approach is working for me.",
            "you seemed distracted.",
            "please stop telling me how I should feel.",
            "felt patronised.",
            "I said I wasn't ready for the exposure and you pushed anyway.",
            "not sure why I bothered coming today, it went nowhere.",
            "I'm paying for this and I'm not getting anything from it.",
            "you got the facts about my situation wrong again.",
            "the ending was abrupt, I was mid-sentence.",
            "it's like you weren't really there today.",
            "I don't appreciate being told I'm resisting.",
            "I came with something important and you changed the subject.",
            "you don't seem to remember what I tell you.",
            "felt more like an interrogation than a conversation.",
            "I'm frustrated we keep going round in circles.",
            "you talked more than I did.",
            "I felt blamed for the arguments at home.",
            "I left feeling worse and it was the way it was handled.",
            "I disagree with what you said about my relationship.",
            "I'm thinking about stopping, this isn't working.",
            "the homework you set is unrealistic and you didn't listen when I said so.",
            "you laughed when I talked about my weight, it wasn't funny to me.",
            "I don't feel safe being honest with you.",
            "I feel like just another client to you.",
            "felt dismissed when I brought up the flashbacks.",
            "I'm not a textbook case.",
            "stop making everything about my childhood.",
            "I noticed you checking your phone.",
            "I didn't like how you spoke about my partner.",
            "we agreed to work on my sleep and that's not what happened.",
            "I don't want more exercises, I want someone to actually hear me.",
            "you sounded irritated with me.",
            "I'm still angry about what you said last week.",
            "if you're going to cancel on me, at least give me notice.",
            "I feel pushed into goals that aren't mine.",
            "every time I open up you move on to the next thing.",
            "it's hard to trust you after last time.",
            "you made assumptions about my culture that were wrong.",
            "I felt like a problem to be fixed, not a person.",
            "you don't get to decide what's important for me.",
        ),
    },
)  # fmt: skip

WITHDRAWAL = Pool(
    ("{answer}",),
    {
        "answer": (
            "fine", "ok", "okay", "it was fine", "nothing to add", "no", "not really", "-", ".",
            "n/a", "nothing", "same", "dunno", "don't know", "no comment", "pass", "meh", "sure",
            "yeah", "whatever you think is best", "I guess you know best",
            "I suppose it was helpful", "I'll try the homework I guess",
            "it's fine, I don't mind what we do", "don't really want to write anything",
            "not much to say this week", "I'd rather not go into it", "can we skip the form",
            "too tired to fill this in", "it was ok I suppose", "didn't really get into anything",
            "all the same really", "can't think of anything", "you decide", "I went along with it",
            "it doesn't matter", "no strong feelings", "kind of numb today",
            "just want to get through it", "same as last week", "might skip next week",
            "not sure I'll make it next time",
        ),
    },
)  # fmt: skip


# Shares among ordinary comments: an assumption (no published distribution of session-feedback
# comment content was found); positive and neutral lines dominate, as in feedback boxes generally.
BOOK = CommentBook(
    ordinary_pools=(
        (POSITIVE, 0.40),
        (NEUTRAL, 0.22),
        (SUGGESTIONS, 0.10),
        (OUTSIDE, 0.18),
        (CONTENT_MINIMAL, 0.10),
    ),
    life_pool=LIFE,
    confrontation_pool=CONFRONTATION,
    withdrawal_pool=WITHDRAWAL,
)
