"""Client rupture markers (withdrawal, confrontation) and requests for advice, by rules.

Written from the definitions in docs/conversation.md (after Safran and Muran's withdrawal and
confrontation ruptures), not fitted to any data set.
"""

from __future__ import annotations

import re

from alliance.conversation.coder.text import words

# Whole answers that withdraw whatever was asked.
_WITHDRAWAL_WHOLE = frozenset(
    """i don't know|dunno|i dunno|don't know|whatever|doesn't matter|it doesn't matter|
    it doesn't really matter|no idea|same as always|same as usual|can't remember|
    i can't remember|never mind|forget it|it's nothing|it is what it is|you tell me|
    if you say so|i don't know whatever|yeah i don't know|mm dunno|i don't mind you decide|
    i'm not bothered|not bothered|don't care|i don't care|who knows|no comment|nothing to say|
    i've got nothing|anyway|i don't know what to say|um i don't know|i'm not sure i don't know|
    i don't know i haven't thought about it""".replace("\n", "").split("|")
)
# Whole answers that are ordinary after a closed question ("Is it every day?" "Not really.")
# and withdrawal only as the whole answer to an open one.
_MINIMAL_WHOLE = frozenset(
    """fine|not really|nothing|nothing really|not sure|i'm not sure|i guess|i guess so|
    i suppose|i suppose so|maybe|i don't mind|okay|ok|sure|yeah|yes|yep|no|nope|mm|mm-hmm|
    uh-huh|mhm|yeah i guess|no not really|yeah fine|it's fine|it was fine|alright|all right|
    same|ok i guess|okay i guess""".replace("\n", "").split("|")
)
_WITHDRAWAL = re.compile(
    r"\b(don't|do not|dont) (really )?(want|wanna) to (talk|get into|go into|discuss|go there)|"
    r"\brather not (talk|get into|go into|say|discuss|go there)\b|"
    r"\b(can|could) we (talk about something else|change the subject|not talk about|move on)\b|"
    r"\bdo we have to (talk|go) (about|into|through)\b|\bdon't feel like talking\b|"
    r"\bwhatever you (think|say|want|reckon)\b|\byou're the (expert|professional|doctor)\b|"
    r"\bi'll do whatever you\b|\bif that's what you think\b|\bcan't be bothered\b|"
    r"\bi don't (really )?care any ?more\b|^anyway,? (did you|how|what|have you|so how)\b"
)
_DISMISSIVE = re.compile(r"^(whatever|fine,? whatever|yeah,? whatever)[.!]")
_CONFRONTATION = re.compile(
    r"\byou (just |really |simply )?(don't|do not|dont) (get it|understand|know what it's like|"
    r"listen|know anything|care|know me)\b|\byou're not listening\b|\bare you (even )?listening\b|"
    r"\b(this|it|therapy|these sessions|this session|coming here|counselling|counseling) "
    r"(is|are|was|were|has been|'s)( just| all| really)? (a )?(waste of (time|money)|pointless|"
    r"useless|a joke|not (helping|working)|doing nothing)\b|\b(this|it|that) (isn't|is not|wasn't) "
    r"(helping|working|helpful)\b|\byou sound (just |exactly )?like (my|her|him|them|everyone|all)\b|\bhow would you know\b|"
    r"\b(didn't|did not|don't) come here (to be|for) (lectured|judged|told|a lecture|a telling)|"
    r"\bstop telling me\b|\byou're (twisting|judging|patronising|patronizing|lecturing|not helping)\b|"
    r"\b(don't|do not) (patronise|patronize|lecture|judge) me\b|\b(easy|alright|all right) for you to "
    r"say\b|\byou people\b|\byou('ve| have) (got )?no idea\b|\bnone of your business\b|"
    r"\bwhy do you keep\b|\byou keep (saying|asking|going on|telling)\b|\bthat's a stupid question\b|"
    r"\bthat's not what i said\b|\byou're supposed to be helping\b|\bwhat's the point of (coming|"
    r"these|this|seeing you)\b|\bwhy am i (even )?here\b|\byou're (just )?(like|the same as) "
    r"(my|everyone|all the)\b|\byou're all (the same|obsessed)\b|\bi'm not a child\b|"
    r"\bnothing's changing\b|\bnot doing anything for me\b|\byou (clearly )?haven't (read|listened)\b|"
    r"\byou're too young\b|\bi('ve| have) (already )?told you (this|that)( already| before)?\b|"
    r"\bwhy would i tell you\b|\bno offen[cs]e,? but you\b|\bi'm paying for this\b|"
    r"\bi feel like you're (judging|not listening|lecturing|pushing)\b|"
    r"\byou're making it sound worse\b|\bi don't need you to tell me\b|\bstop going on about\b"
)
_ASKS_ADVICE = re.compile(
    r"\bwhat (should|can|could|do) i (do|try)\b|\bwhat (do|would) you (think i should|suggest|"
    r"recommend|advise|do)\b|\bdo you have any (tips|advice|suggestions|ideas)\b|"
    r"\bany (tips|advice|suggestions|ideas)\b|\bhow (do|can|could|should) i (stop|quit|cut|get|"
    r"deal|cope|manage|start)\b|\bwhat would you (do|suggest)\b|\bcan you (help|suggest|give me)\b|"
    r"\bis there anything i can do\b|\btell me what to do\b"
)


def withdrawal(text: str, after_open_question: bool = False) -> bool:
    """Minimal or evasive answers, deference and abrupt changes of subject.

    "I don't know.", "Whatever." and the like always are; a bare "Yeah.", "Fine." or "Not
    really." is withdrawal only as the whole answer to an open question (after a reflection or
    a closed question it is an ordinary answer).
    """
    phrase = " ".join(words(text))
    lowered = " ".join(text.lower().split())
    if phrase in _WITHDRAWAL_WHOLE or _WITHDRAWAL.search(lowered):
        return True
    if _DISMISSIVE.match(lowered):  # "Whatever. ..." opening a longer turn
        return True
    return after_open_question and phrase in _MINIMAL_WHOLE


def confrontation(text: str) -> bool:
    """Complaints about the therapist or the therapy, hostility towards them."""
    return bool(_CONFRONTATION.search(" ".join(text.lower().split())))


def asks_for_advice(text: str) -> bool:
    """The client asks what to do: advice that follows has the client's permission."""
    return bool(_ASKS_ADVICE.search(" ".join(text.lower().split())))
