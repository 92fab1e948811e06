"""The shipped coder: each code on clear examples, long turns with several codes, permission to
advise, client talk types and rupture markers, determinism, and a 600-turn session.

The example sentences here were written for these tests; none is copied from the training CSV.
Accuracy on real sessions is measured by bench/conversation_eval.py, not here.
"""

from __future__ import annotations

import random

import pytest

from alliance.conversation import coding
from alliance.conversation.coder import PRIMARY_ORDER, ShippedCoder, shipped_coder
from alliance.conversation.coder.examples import SHIPPED_EXAMPLES, read_examples
from alliance.conversation.coder.text import words


@pytest.fixture(scope="module")
def coder():
    return shipped_coder()


def code(coder: coding.Coder, *turns: tuple[str, str]) -> list[coding.CodedTurn]:
    return coder.code([coding.Turn(i, speaker, text) for i, (speaker, text) in enumerate(turns)])


def therapist(coder, text: str) -> coding.CodedTurn:
    return code(coder, (coding.THERAPIST, text))[0]


def client(coder, text: str, after: str = "") -> coding.CodedTurn:
    if after:
        return code(coder, (coding.THERAPIST, after), (coding.CLIENT, text))[1]
    return code(coder, (coding.CLIENT, text))[0]


THERAPIST_EXAMPLES = [
    (coding.OPEN_QUESTION, "What brings you in today?"),
    (coding.OPEN_QUESTION, "Tell me a bit more about your evenings."),
    (coding.OPEN_QUESTION, "How do you feel about your drinking these days?"),
    (coding.OPEN_QUESTION, "So, um, what do you think you might do"),
    (coding.CLOSED_QUESTION, "Do you drink every day?"),
    (coding.CLOSED_QUESTION, "How many cigarettes do you smoke a day?"),
    (coding.CLOSED_QUESTION, "Have you tried nicotine patches before"),
    (coding.OPEN_QUESTION, "Who could back you up on the harder days?"),
    (coding.OPEN_QUESTION, "Where would you like to take things from here?"),
    (coding.OPEN_QUESTION, "Anything else on your mind about the move?"),
    (coding.OPEN_QUESTION, "Is there anything else you'd want me to know?"),
    (coding.CLOSED_QUESTION, "Who told you about the clinic?"),
    (coding.CLOSED_QUESTION, "Where do you buy your tobacco?"),
    (coding.CLOSED_QUESTION, "Anyone at home who smokes?"),
    (coding.SIMPLE_REFLECTION, "So you drink about six beers a night."),
    (coding.SIMPLE_REFLECTION, "Your wife is worried about your drinking."),
    (coding.SIMPLE_REFLECTION, "You've been sleeping badly."),
    (
        coding.COMPLEX_REFLECTION,
        "On the one hand you enjoy a drink with your friends, and on the other hand you're "
        "worried about what it's doing to your liver.",
    ),
    (coding.COMPLEX_REFLECTION, "It sounds like you're scared that nothing will ever change."),
    (
        coding.COMPLEX_REFLECTION,
        "Part of you wants to quit, and part of you can't imagine life without it.",
    ),
    (coding.AFFIRMATION, "Well done, that took real courage."),
    (coding.AFFIRMATION, "You've worked really hard on this."),
    (coding.AFFIRMATION, "That's a big step."),
    (coding.ADVICE, "You should cut down to two drinks a night."),
    (coding.ADVICE, "I'd suggest keeping a diary of when you smoke."),
    (coding.ADVICE, "Try to go to bed at the same time every night."),
    (coding.INFORMATION, "Research shows that regular exercise lifts low mood."),
    (coding.INFORMATION, "Nicotine cravings usually pass within a few minutes."),
    (coding.INFORMATION, "The group meets every Tuesday at six."),
    (coding.SELF_DISCLOSURE, "I used to smoke myself, so I know how hard it is."),
    (coding.SELF_DISCLOSURE, "When I was younger I had panic attacks too."),
    (coding.SELF_DISCLOSURE, "In my experience, the first week is the worst."),
    (coding.JUDGMENT, "Why would you drive after drinking?"),
    (coding.JUDGMENT, "You're just making excuses."),
    (coding.JUDGMENT, "That was a really irresponsible thing to do."),
    (coding.STRUCTURING, "Let's set an agenda for today."),
    (coding.STRUCTURING, "We've got about ten minutes left."),
    (coding.STRUCTURING, "Before we finish, let's agree on a plan for the week."),
    (coding.OTHER, "Mm-hmm."),
    (coding.OTHER, "Okay, great."),
    (coding.OTHER, "Hi, come on in."),
]


@pytest.mark.parametrize(("expected", "text"), THERAPIST_EXAMPLES)
def test_each_therapist_code_on_a_clear_example(coder, expected, text):
    coded = therapist(coder, text)
    assert coded.primary == expected
    assert coded.codes == (expected,)


def test_every_therapist_code_has_clear_examples():
    assert {code for code, _ in THERAPIST_EXAMPLES} == set(coding.THERAPIST_CODES)


CLIENT_EXAMPLES = [
    (coding.CHANGE_TALK, "I really want to stop smoking before the baby comes."),
    (coding.CHANGE_TALK, "I'm going to throw out all the beer tonight."),
    (coding.CHANGE_TALK, "I walked to work three times this week."),
    (coding.CHANGE_TALK, "I need to sort out my drinking, it's costing me my marriage."),
    (coding.SUSTAIN_TALK, "I don't think my drinking is a problem."),
    (coding.SUSTAIN_TALK, "Smoking is the only thing that calms me down."),
    (coding.SUSTAIN_TALK, "I've tried to quit loads of times and it never works."),
    (coding.SUSTAIN_TALK, "I'm not ready to give it up."),
    (coding.NEUTRAL, "I work nights at the hospital."),
    (coding.NEUTRAL, "Yeah."),
    (coding.NEUTRAL, "We went to my sister's on Sunday."),
    (coding.NEUTRAL, "About two years ago."),
]


@pytest.mark.parametrize(("expected", "text"), CLIENT_EXAMPLES)
def test_client_talk_type_on_a_clear_example(coder, expected, text):
    coded = client(coder, text)
    assert coded.primary == expected
    assert coded.codes == (expected,)


def test_a_long_turn_carries_every_code_and_the_question_is_primary(coder):
    coded = therapist(
        coder,
        "Mm-hmm. So you've been drinking more since the divorce, and part of you wonders "
        "whether it's become a way of coping. What worries you most about that?",
    )
    assert coded.primary == coding.OPEN_QUESTION
    assert coding.OPEN_QUESTION in coded.codes
    assert {coding.SIMPLE_REFLECTION, coding.COMPLEX_REFLECTION} & set(coded.codes)
    assert coding.OTHER not in coded.codes  # the backchannel adds nothing to a turn that does more


@pytest.mark.parametrize(
    ("expected", "text"),
    [
        # A stammered word is read once, in every way transcribers write it.
        (coding.OPEN_QUESTION, "What-what do you make of that?"),
        (coding.OPEN_QUESTION, "Wh- what do you make of that?"),
        (coding.OPEN_QUESTION, "So-so how did the week go?"),
        (coding.CLOSED_QUESTION, "Do- do you still smoke at work?"),
        (coding.CLOSED_QUESTION, "I- I mean, is it every night?"),
        # "How about" + a place or a person asks; + a doing suggests.
        (coding.OPEN_QUESTION, "How about at home?"),
        (coding.OPEN_QUESTION, "How about your wife, what does she think?"),
        (coding.ADVICE, "How about trying the patches for a week?"),
        (coding.ADVICE, "How about you call your sister tonight?"),
        # A rating scale asks for a number, whatever the clause after it.
        (coding.CLOSED_QUESTION, "On a scale of 0 to 10, how important is it for you to quit?"),
        # Invitations to go on, like "Anything else?".
        (coding.OPEN_QUESTION, "Are there other ways it gets in the way?"),
        (coding.OPEN_QUESTION, "Is there something else that worries you?"),
        (coding.CLOSED_QUESTION, "Is there a pharmacy near you?"),
        (coding.OPEN_QUESTION, "I'm just wondering what you make of the letter?"),
        (coding.CLOSED_QUESTION, "I was wondering if you had a chance to call them?"),
        # Requests to go on are open, even when they sound like advice or reproach.
        (coding.OPEN_QUESTION, "Why don't you tell me about the weekend?"),
        (coding.OPEN_QUESTION, "How about you walk me through a typical day?"),
        (coding.OPEN_QUESTION, "Talk to me about what happened at work."),
        (coding.OPEN_QUESTION, "How could you make room for that in your week?"),
        (coding.OPEN_QUESTION, "What were you thinking about when you picked up the phone?"),
        (coding.JUDGMENT, "How could you let that happen?"),
        (coding.ADVICE, "Why don't you ask your doctor about it?"),
    ],
)
def test_question_conventions(coder, expected, text):
    coded = therapist(coder, text)
    assert coded.primary == expected
    assert coded.codes == (expected,)


@pytest.mark.parametrize(
    ("expected", "text"),
    [
        (coding.CLOSED_QUESTION, "What brings you here? Is it the drinking?"),
        (coding.OPEN_QUESTION, "Is it the drinking? What brings you here?"),
        (
            coding.OPEN_QUESTION,
            "Do you smoke? How does it fit into your day? What do you get from it?",
        ),
    ],
)
def test_stacked_questions_count_once_as_the_last(coder, expected, text):
    coded = therapist(coder, text)
    assert coded.codes == (expected,)


def test_a_long_turn_with_affirmation_permission_and_advice(coder):
    coded = therapist(
        coder,
        "That's a big step. Would it be okay if I shared an idea? Some people find it helps "
        "to keep a drink diary for a week.",
    )
    assert coded.primary == coding.ADVICE
    assert {coding.AFFIRMATION, coding.CLOSED_QUESTION, coding.ADVICE} <= set(coded.codes)
    assert coded.detail == {"permission": True}


def test_a_summary_is_structuring_and_reflection(coder):
    coded = therapist(
        coder,
        "Let me summarise what I've heard. You drink most nights, it helps you unwind, and "
        "lately you've noticed it's affecting your mornings.",
    )
    assert coding.STRUCTURING in coded.codes
    assert {coding.SIMPLE_REFLECTION, coding.COMPLEX_REFLECTION} & set(coded.codes)


def test_codes_are_in_priority_order_and_primary_is_the_first(coder):
    turns = [
        (coding.THERAPIST, "Okay. So work has been hard. Have you talked to your manager?"),
        (
            coding.THERAPIST,
            "You should take a break. Research shows breaks help. Does that make sense?",
        ),
        (coding.THERAPIST, "I used to work nights too. That's a great plan."),
    ]
    for coded in code(coder, *turns):
        ranks = [PRIMARY_ORDER.index(one) for one in coded.codes]
        assert ranks == sorted(ranks)
        assert coded.primary == coded.codes[0]


# --- Permission to advise ---------------------------------------------------------------


def advice_after(coder, *turns: tuple[str, str]) -> coding.CodedTurn:
    coded = code(coder, *turns)[-1]
    assert coding.ADVICE in coded.codes
    return coded


def test_advice_without_permission(coder):
    coded = advice_after(coder, (coding.THERAPIST, "You should try the patches."))
    assert coded.detail == {"permission": False}


def test_permission_asked_in_the_same_turn(coder):
    coded = advice_after(
        coder, (coding.THERAPIST, "If it's okay with you, I'd suggest you try the patches.")
    )
    assert coded.detail["permission"] is True


def test_permission_asked_in_the_therapists_previous_turn(coder):
    coded = advice_after(
        coder,
        (coding.THERAPIST, "Can I make a suggestion?"),
        (coding.CLIENT, "Sure, go on."),
        (coding.THERAPIST, "You could try going for a walk when the craving hits."),
    )
    assert coded.detail["permission"] is True


def test_permission_refused_is_not_permission(coder):
    coded = advice_after(
        coder,
        (coding.THERAPIST, "Would you like some ideas?"),
        (coding.CLIENT, "No, not really."),
        (coding.THERAPIST, "You should try going for a walk when the craving hits."),
    )
    assert coded.detail["permission"] is False


def test_a_client_asking_what_to_do_gives_permission(coder):
    coded = advice_after(
        coder,
        (coding.CLIENT, "What should I do about the cravings?"),
        (coding.THERAPIST, "You could try going for a walk when the craving hits."),
    )
    assert coded.detail["permission"] is True


def test_permission_does_not_carry_past_the_next_therapist_turn(coder):
    coded = advice_after(
        coder,
        (coding.THERAPIST, "Can I make a suggestion?"),
        (coding.CLIENT, "Okay."),
        (coding.THERAPIST, "Some people keep a diary. Research shows it helps."),
        (coding.CLIENT, "Right."),
        (coding.THERAPIST, "You should start tonight."),
    )
    assert coded.detail["permission"] is False


def test_only_advice_carries_the_permission_detail(coder):
    assert therapist(coder, "What brings you in today?").detail == {}


# --- Client markers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I don't know.",
        "Whatever.",
        "Can we talk about something else?",
        "Sure, whatever you think is best.",
        "I'd rather not get into that.",
        "Anyway, did you watch the game on Saturday?",
    ],
)
def test_withdrawal(coder, text):
    coded = client(coder, text)
    assert coding.WITHDRAWAL in coded.codes
    assert coded.primary in coding.CLIENT_PRIMARY


@pytest.mark.parametrize(
    "text",
    [
        "You don't get it.",
        "This is a waste of time.",
        "You sound just like my husband.",
        "Stop telling me what to do.",
        "How would you know? You've never had kids.",
    ],
)
def test_confrontation(coder, text):
    coded = client(coder, text)
    assert coding.CONFRONTATION in coded.codes
    assert coding.WITHDRAWAL not in coded.codes


@pytest.mark.parametrize("text", ["Yeah.", "Fine.", "Not really.", "I guess."])
def test_a_minimal_answer_is_withdrawal_only_after_an_open_question(coder, text):
    after_open = client(coder, text, after="What would you like to be different?")
    after_reflection = client(coder, text, after="So the evenings are the hardest.")
    after_closed = client(coder, text, after="Is that every night?")
    assert coding.WITHDRAWAL in after_open.codes
    assert coding.WITHDRAWAL not in after_reflection.codes
    assert coding.WITHDRAWAL not in after_closed.codes


def test_a_turn_can_carry_both_markers(coder):
    coded = client(coder, "Whatever. You sound just like her.")
    assert set(coded.codes[1:]) == {coding.WITHDRAWAL, coding.CONFRONTATION}


def test_ordinary_answers_carry_no_marker(coder):
    for text in ("I work nights at the hospital.", "I want to cut down.", "I like my wine."):
        assert client(coder, text).codes == (client(coder, text).primary,)


# --- Shape, determinism, size -------------------------------------------------------------


def synthetic_session(size: int = 600) -> list[coding.Turn]:
    examples = read_examples(SHIPPED_EXAMPLES)
    rng = random.Random(600)  # noqa: S311 - a fixed sample, not a secret
    by_speaker = {s: [e.text for e in examples if e.speaker == s] for s in coding.SPEAKERS}
    return [
        coding.Turn(i, speaker, rng.choice(by_speaker[speaker]))
        for i, speaker in enumerate(
            coding.THERAPIST if i % 2 == 0 else coding.CLIENT for i in range(size)
        )
    ]


def test_codes_a_600_turn_session_with_valid_codes(coder):
    session = synthetic_session()
    coded = coder.code(session)
    assert len(coded) == 600
    for turn, one in zip(session, coded, strict=True):
        assert one.turn is turn
        assert one.primary == one.codes[0]
        if turn.speaker == coding.THERAPIST:
            assert set(one.codes) <= set(coding.THERAPIST_CODES)
            assert coding.OTHER not in one.codes[1:]
        else:
            assert one.primary in coding.CLIENT_PRIMARY
            assert set(one.codes[1:]) <= set(coding.CLIENT_MARKERS)


def test_same_input_same_output_across_coders(coder):
    session = synthetic_session(120)
    first = coder.code(session)
    assert coder.code(session) == first
    assert ShippedCoder().code(session) == first  # a freshly trained coder agrees exactly


def test_empty_turns_are_coded(coder):
    coded = code(coder, (coding.THERAPIST, ""), (coding.CLIENT, "  "))
    assert [one.primary for one in coded] == [coding.OTHER, coding.NEUTRAL]
    assert coder.code([]) == []


def test_name_and_version(coder):
    assert coder.name == "shipped"
    assert coder.version.startswith("1.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wh-what do you", ["what", "do", "you"]),
        ("what-what-what", ["what"]),
        ("I- I think", ["i", "think"]),
        ("do do you", ["do", "you"]),
        ("Mm-hmm, my self-esteem", ["mm-hmm", "my", "self-esteem"]),
        ("I had had enough - really", ["i", "had", "enough", "really"]),
        ("a bit- about it", ["a", "bit", "about", "it"]),
    ],
)
def test_words_say_a_stammered_word_once(text, expected):
    assert words(text) == expected
