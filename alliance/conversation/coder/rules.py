"""What a therapist sentence's wording settles without a model.

A sentence is settled by rules when it is a backchannel or greeting, a question (open or closed by
its opening words; a statement said with a question mark is a closed question), or carries an
unmistakable phrase of judgment, advice, information, affirmation, self-disclosure or
structuring. Everything else (reflections above all) goes to the model. The patterns were written
from the definitions in docs/conversation.md; the AnnoMI evaluation (bench/conversation_eval.py)
was used only through its aggregate figures.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from alliance.conversation import coding as c
from alliance.conversation.coder.text import opening, words

# --- Therapist: what a sentence's wording settles ---------------------------------------------

_FILLER_WORDS = frozenset(
    [
        "mm",
        "mmm",
        "mm-hmm",
        "mhm",
        "hmm",
        "hm",
        "uh-huh",
        "uh",
        "um",
        "umm",
        "er",
        "erm",
        "ah",
        "oh",
        "okay",
        "ok",
        "right",
        "yeah",
        "yes",
        "yep",
        "yup",
        "sure",
        "alright",
        "wow",
        "great",
        "good",
        "cool",
        "lovely",
        "perfect",
        "nice",
        "exactly",
        "absolutely",
        "definitely",
        "totally",
        "indeed",
        "true",
        "thanks",
        "interesting",
        "laughs",
        "laughing",
        "chuckles",
        "ha",
        "haha",
        "and",
        "so",
        "well",
        "no",
    ]
)
_FILLER_PHRASES = frozenset(
    {
        "all right",
        "of course",
        "i see",
        "got it",
        "i know",
        "i hear you",
        "i understand",
        "fair enough",
        "thank you",
        "that's true",
        "that's right",
        "that's fine",
        "very good",
        "oh i see",
        "okay then",
        "i see i see",
        "oh wow",
        "thank you very much",
        "thanks very much",
        "sure thing",
    }
)
_GREETING = re.compile(
    r"^(hi|hello|hey|good (morning|afternoon|evening)|nice to (meet|see) you|good to see you|"
    r"(please )?(have|take) a seat|make yourself comfortable|come (on )?in|welcome|"
    r"thanks?( you)?( so much| very much)? for coming|take care|see you|bye|goodbye|"
    r"have a (good|nice|great|lovely)|(i'm|my name is|my name's) [a-z]+|sorry,? (go on|carry on|"
    r"i interrupted)|go ahead|go on|bless you|excuse me|let me (just )?(grab|get|write|close|find)|"
    r"you're welcome|no (problem|worries))\b"
)

_JUDGMENT = re.compile(
    r"\byou should(n't| not)? have\b|\bwhy (on earth |in the world )?would you\b|"
    r"\bwhat were you thinking\b|\bhow could you\b|"
    r"\bthat('s| is| was) (just |really |pretty |a bit )?(wrong|an excuse|no excuse|ridiculous|"
    r"stupid|irresponsible|selfish|crazy|dumb|denial|not (okay|ok|acceptable|normal|how))\b|"
    r"\byou('re| are) (just |only )?(making excuses|in denial|being (lazy|selfish|silly|ridiculous|"
    r"unrealistic|childish|irresponsible|difficult)|wasting|not (really )?trying|not taking)\b|"
    r"\byou('re| are) an? (addict|alcoholic|junkie)\b|"
    r"\byou (obviously|clearly) (have a problem|don't care|aren't)\b|\bgrow up\b|"
    r"\bstop feeling sorry for yourself\b|\byou brought this on yourself\b|\bi can't believe you\b|"
    r"\byou know better\b|\babout time you\b|\bonly (have )?yourself to blame\b|\bshame on you\b|"
    r"\bno way to treat\b|\bif you (really )?cared about\b|\bi'm disappointed (in you|you)\b|"
    r"\bcome on,? (you|that|now|be)\b|\byou never do anything\b|\bnot how a responsible\b|"
    r"\bdon't you (care|realise|realize|know what)\b|\bwhose fault\b|\bhow can you (say|possibly|"
    r"expect|think)\b|\bdeserves? better\b|\bwhat did you expect\b|\bkidding yourself\b|"
    r"\bit's your own fault\b|\byour own worst enemy\b|\bnot good enough\b|\bthat's a lie\b"
)
_ADVICE_QUESTION = re.compile(
    r"^(why don't you|why not (try|just)|how about|what about (trying|if you))\b"
)
_ADVICE = re.compile(
    r"(^|\bi (really )?think |\bthen |\bhonestly,? |\breally,? |\bjust |\blook,? )"
    r"you (really )?(should(?! have)|shouldn't(?! have)|need to|must|have to|'ve got to|ought to)\b|"
    r"\bi('d| would)( (really|strongly))? (suggest|recommend|advise|encourage)\b|"
    r"\bi (suggest|recommend|advise)\b|\bmy (advice|suggestion|recommendation)\b|"
    r"\bif i were you\b|\bwhat i'd (suggest|recommend|do)\b|\bwhat you (need|want) to do\b|"
    r"\bi want you to\b|\bthe best thing (you can do|to do|would be)\b|"
    r"^(maybe|perhaps) you (could|can|should|might)\b|^you (could|might) (try|want to|consider|"
    r"think about|always)\b|^one thing you (could|can|might)\b|^it (might|would|could|may) "
    r"(help|be (a good idea|worth|helpful|best|better)) to\b|^a good (place|way) to start\b|"
    r"^(try|make sure|don't forget|remember to|be sure to|keep (doing|going|a |track|trying|"
    r"taking|up)|go easy|be (kind|gentle|patient|careful)|give (it|yourself)|take it (slowly|easy|"
    r"one)|don't (give up|worry|be so hard)|stop (beating|being so hard)|avoid|cut (down|back|out)|"
    r"aim (for|to)|set (a|an|yourself)|write (it|them|down)|consider)\b"
)
_INFORMATION = re.compile(
    r"\b(research|studies|the evidence|the guidelines?|the recommendations?|statistics) "
    r"(shows?|suggests?|says?|tells? us|is|are|recommends?)\b|"
    r"^(your|the) (results?|scores?|blood pressure|levels?|readings?|tests?) "
    r"(came back|is|was|were|are|shows?|has)\b|"
    r"^(the|our) (group|sessions?|service|clinic|course|helpline|appointments?|waiting list|app) "
    r"(runs?|meets?|is|are|lasts?|takes?|will|opens?)\b|"
    r"\bwhat we know is\b|\bthe (recommended|safe|low-risk) (limit|amount)\b"
)
_AFFIRMATION = re.compile(
    r"^(good for you|well done|great (job|work)|nice (work|job)|good (job|work)|"
    r"that's (so |really )?(great|fantastic|brilliant|wonderful|amazing|excellent|impressive|"
    r"terrific|a (big|huge|great|real|good) (step|achievement|idea|start|plan|insight))|"
    r"you should be (really )?proud|i'm (really |so )?(impressed|proud of you)|"
    r"thank you for (sharing|being|telling|your honesty|trusting)|"
    r"i (really )?appreciate (your|you|that you|how)|it took (a lot of |real )?(courage|guts|"
    r"strength)|that took (a lot of |real )?(courage|guts|strength|determination))\b"
)
_SELF_DISCLOSURE = re.compile(
    r"\bme too\b|\bwhen i was (younger|a kid|a child|a teenager|your age|at (university|"
    r"college|school)|in my)|\bin my (own )?experience\b|\bi've been there( myself)?\b|"
    r"\bfor me personally\b|\bi used to (smoke|drink|be|have|gamble|struggle|feel|get|do|think)\b|"
    r"\bi remember when i\b|\bmy own (father|mother|dad|mum|mom|kids|children|family|"
    r"experience|struggle)|\bi went through (something|a similar|the same)|"
    r"\bi (also|too) (find|struggle|went|had|have|get|got|love|hate|felt|feel|found|know what it)\b|"
    r"\bi struggle with (that|this|it) (too|as well|myself)\b|\bpersonally,? i\b|"
    r"\bi'm (the same|a parent too|a parent myself|not much of a)\b|\bi was a smoker\b|"
    r"\bi('ve| have) (got )?(a teenager|teenagers|kids|children) (at home )?(too|as well|myself)\b|"
    r"\bmyself\b.*\b(too|as well)\b|\bi know for me\b"
)
_STRUCTURING = re.compile(
    r"\b(set|put|make) (an |the |our )?agenda\b|\bon the agenda\b|"
    r"^let's (start|begin|move on|come back|go back|park|leave it|wrap up|take a|look at|talk about|"
    r"spend|pause|stop there|get started|recap|turn to|switch|focus|review|check in)\b|"
    r"\b(we've|we have|we've got|we got) (about |only |just )?(\w+|\d+) minutes( left)?\b|"
    r"\bbefore we (finish|end|wrap up|start|get into|go|stop|close)\b|"
    r"\b(to sum up|to recap|to summari[sz]e|in summary|let me (sum up|summari[sz]e|pull together|"
    r"recap))\b|\bnext (time|week|session),? (let's|we'll|we will|we can|i'd like)\b|"
    r"\bsame time next week\b|\blast (time|week|session),? we (talked|discussed|looked|agreed)\b|"
    r"^(today|this session),? (i thought|we('ll| will)|i'd like|we have)\b|"
    r"\bwhat i'd like to do (today|now|next|in this session)\b|\bhomework\b|"
    r"\b(our|the|this is our) (last|final) session\b|\b(nearly|almost) out of time\b|"
    r"\bhalfway through (our|the) sessions\b|\bi'd like to (shift gears|change (the )?topic|"
    r"switch gears)\b|\bwe'll (stop|leave it|finish) there\b|\bthat's (all|it) for today\b|"
    r"\blet me (just )?explain (what's|what is|how)\b|\bwhere we got to\b|^shall we (begin|start)\b|"
    r"\b(let me|i'd like to|i'm going to|i want to) ask you (a few|some|a couple of) questions\b"
)
_SUMMARY = re.compile(
    r"\b(to sum up|to recap|to summari[sz]e|in summary|let me (sum up|summari[sz]e|pull together|"
    r"recap|see if i've got))\b"
)
_PERMISSION = re.compile(
    r"\b(is it|would it be|will it be|is that|would that be) (okay|ok|alright|all right|fine)"
    r"( with you)? if i\b|\bdo you mind if i\b|\bwould you mind if i\b|"
    r"\b(can|could|may|might) i (make a suggestion|suggest|share|offer|give you|tell you (about|"
    r"what|a)|mention|add)\b|\bwould you like (some|to hear|me to|a few|any|more) "
    r"(information|ideas|suggestions|advice|options|tips|thoughts|hear|share|tell)|"
    r"\bdo you want (some |any |a few |to hear )(ideas|advice|suggestions|tips|options|what)|"
    r"\bwould it be (helpful|useful) if i\b|\bwith your permission\b|"
    r"\bif (it's|it is) (okay|ok|alright|all right) with you\b|\bif you're open to\b|"
    r"\bif you'd like (an idea|a suggestion|some ideas|, i can)|\bsince you asked\b|"
    r"\byou asked (what|me|for)\b|\bif you don't mind me (saying|suggesting)\b"
)
_SCALE = re.compile(r"\bscale of (zero|0|one|1)\b")
_TAG = re.compile(
    r",\s*(right|yeah|yes|no|okay|ok|correct|huh|eh|is that right|is that it|isn't it|is it|"
    r"don't you|do you|aren't you|wasn't it|didn't you|haven't you|true|am i right)\s*\?\s*$"
)

_WH_OPEN = frozenset({"what", "what's", "whats", "how", "how's", "hows", "why", "why's"})
_AUX = frozenset(
    [
        "do",
        "does",
        "did",
        "are",
        "is",
        "was",
        "were",
        "have",
        "has",
        "had",
        "can",
        "could",
        "would",
        "will",
        "shall",
        "should",
        "may",
        "might",
        "am",
        "don't",
        "doesn't",
        "didn't",
        "aren't",
        "isn't",
        "wasn't",
        "weren't",
        "haven't",
        "hasn't",
        "can't",
        "couldn't",
        "wouldn't",
        "won't",
        "shouldn't",
    ]
)
_SUBJECTS = frozenset(
    [
        "you",
        "it",
        "that",
        "this",
        "there",
        "they",
        "he",
        "she",
        "we",
        "your",
        "i",
        "anyone",
        "anything",
        "someone",
        "something",
    ]
)
_CLOSED_WH = frozenset({"who", "when", "which", "whose", "whom", "where"})
_OPEN_MODALS = frozenset({"would", "could", "might", "can"})
_ELABORATE = frozenset(
    [
        "tell",
        "say",
        "describe",
        "explain",
        "talk",
        "walk",
        "share",
        "give",
        "help",
        "expand",
        "elaborate",
        "think",
    ]
)
_CLOSED_AFTER_WHAT = frozenset(
    [
        "time",
        "day",
        "days",
        "number",
        "age",
        "year",
        "date",
        "percentage",
        "percent",
        "month",
        "week",
    ]
)
_CLOSED_AFTER_HOW = frozenset(
    ["many", "much", "long", "often", "old", "far", "soon", "big", "frequently"]
)
_QUESTION_AFTER_WHAT = frozenset(
    [
        "do",
        "does",
        "did",
        "are",
        "is",
        "was",
        "were",
        "would",
        "will",
        "could",
        "can",
        "has",
        "have",
        "had",
        "should",
        "might",
        "else",
        "happened",
        "happens",
        "happen",
        "makes",
        "made",
        "brings",
        "brought",
        "worries",
        "worried",
        "concerns",
        "helps",
        "helped",
        "gets",
        "got",
        "kind",
        "sort",
        "type",
        "things",
        "stops",
        "stopped",
        "keeps",
        "kept",
        "comes",
        "came",
        "goes",
        "went",
        "led",
        "leads",
        "needs",
        "matters",
    ]
)
_QUESTION_AFTER_HOW = frozenset(
    [
        "do",
        "does",
        "did",
        "are",
        "is",
        "was",
        "were",
        "would",
        "will",
        "could",
        "can",
        "has",
        "have",
        "had",
        "should",
        "might",
        "important",
        "confident",
        "come",
        "ready",
        "likely",
        "about's",
    ]
)


@dataclass
class SentenceRules:
    """What the rules made of one therapist sentence."""

    codes: set[str] = field(default_factory=set)
    decided: bool = False  # True when the model need not be asked
    permission: bool = False  # the sentence asks permission to advise or inform


def _chunks_are_fillers(text: str) -> bool:
    chunks = [" ".join(words(chunk)) for chunk in re.split(r"[,.!?;:()]+|\.\.\.|-+\s", text)]
    chunks = [chunk for chunk in chunks if chunk]
    if not chunks:
        return True
    for chunk in chunks:
        if chunk in _FILLER_PHRASES:
            continue
        if all(word in _FILLER_WORDS for word in chunk.split()) and len(chunk.split()) <= 4:
            continue
        return False
    return True


def is_filler(sentence: str) -> bool:
    """A backchannel, acknowledgement or sound that does nothing else ('Mm-hmm.', 'Okay, great.')."""
    return _chunks_are_fillers(sentence)


def question_kind(sentence: str) -> str | None:
    """OPEN_QUESTION, CLOSED_QUESTION, "statement" for a statement said as a question, or None.

    A question often opens with a clause of its own ("If you did stop, what would change?",
    "When you drink, how do you feel?"): then the first later clause that opens like a question
    decides.
    """
    kind = _question_kind(sentence)
    subordinate = bool(_SUBORDINATE.match(sentence))
    if kind in (None, "statement") or (kind == c.CLOSED_QUESTION and subordinate):
        clauses = re.split(r",\s*", sentence.strip())
        for clause in clauses[1:]:
            later = _question_kind(clause)
            if later in (c.OPEN_QUESTION, c.CLOSED_QUESTION) and _opens_like_question(clause):
                return later
        if subordinate and "?" in sentence:
            tokens = words(sentence)
            for first, second in itertools.pairwise(tokens[1:]):
                if first in ("what", "how", "why") and second in _AUX:
                    return c.OPEN_QUESTION
    return kind


_SUBORDINATE = re.compile(
    r"^\W*(so,? |and,? |but,? |okay,? |um,? |uh,? )*(when|if|as|since|because|after|before|while|"
    r"once|now that|given|thinking|looking|in terms of|for you|in your|with|at|on|about)\b",
    re.IGNORECASE,
)


def _opens_like_question(clause: str) -> bool:
    tokens = opening(clause)
    return bool(tokens) and (
        tokens[0] in _WH_OPEN | _AUX | _CLOSED_WH | {"tell", "describe", "explain"}
    )


def _question_kind(sentence: str) -> str | None:
    lowered = sentence.lower().strip()
    asked = lowered.endswith("?") or "?" in lowered
    tokens = opening(sentence)
    if not tokens:
        return c.CLOSED_QUESTION if asked else None
    if _SCALE.search(lowered):
        return c.CLOSED_QUESTION if asked or tokens[0] in _WH_OPEN | _AUX else None
    first = tokens[0]
    second = tokens[1] if len(tokens) > 1 else ""
    rest = tokens[1:]
    if asked and _TAG.search(lowered) and first not in _WH_OPEN | _AUX | _CLOSED_WH:
        return "statement"
    if first in ("tell", "describe", "explain") or (
        first in ("talk", "walk") and second in ("me", "us")
    ):
        return c.OPEN_QUESTION
    if first == "help" and second == "me":
        return c.OPEN_QUESTION
    if first in ("i'm", "i") and {"curious", "wonder", "wondering"} & set(tokens[:3]):
        following = tokens[2:5]
        if {"what", "how", "why", "about"} & set(following):
            return c.OPEN_QUESTION
        if {"if", "whether"} & set(following):
            return c.OPEN_QUESTION if _ELABORATE & set(tokens[3:8]) else c.CLOSED_QUESTION
        return None
    if first == "in" and second == "what":
        return c.OPEN_QUESTION
    if first in _WH_OPEN:
        if first == "how" and second in _CLOSED_AFTER_HOW:
            return c.CLOSED_QUESTION if asked or (len(tokens) > 2 and tokens[2] in _AUX) else None
        if first == "what" and second in _CLOSED_AFTER_WHAT:
            return c.CLOSED_QUESTION if asked or (len(tokens) > 2 and tokens[2] in _AUX) else None
        if asked:
            return c.OPEN_QUESTION
        if first in ("what's", "whats", "how's", "hows", "why's"):
            return c.OPEN_QUESTION
        if first == "what" and second in _QUESTION_AFTER_WHAT:
            return c.OPEN_QUESTION
        if first == "how" and second in _QUESTION_AFTER_HOW:
            return c.OPEN_QUESTION
        if first == "why" and (second in _AUX or second in ("not", "now")):
            return c.OPEN_QUESTION
        return None
    if first in _CLOSED_WH:
        if first in ("who", "where", "which") and second in _OPEN_MODALS:
            # "Who could help you with that?", "Where would you like to go from here?": the
            # client is asked to think and answer in their own words, not to give a fact.
            return c.OPEN_QUESTION if asked or second in _AUX else None
        if first == "where" and (
            {"see", "leave", "leaves", "fit", "fits", "go", "start"} & set(rest)
        ):
            return c.OPEN_QUESTION if asked or second in _AUX else None
        return c.CLOSED_QUESTION if asked or second in _AUX else None
    if first in _AUX:
        if (
            first in ("can", "could", "would", "will")
            and second in _SUBJECTS
            and len(tokens) > 2
            and tokens[2] in _ELABORATE
            and tokens[2] != "think"
        ):
            return c.OPEN_QUESTION
        if (
            second == "you"
            and tokens[2:4] in (["want", "to"], ["like", "to"], ["mind", "telling"])
            and len(tokens) > 4
            and (tokens[4] in _ELABORATE or tokens[3] == "telling")
            and tokens[4] != "think"
        ):
            return c.OPEN_QUESTION
        if " ".join(tokens[1:5]).startswith(("there anything else", "there anything more")):
            return c.OPEN_QUESTION  # "Is there anything else...?", as "Anything else?"
        if asked or second in _SUBJECTS:
            return c.CLOSED_QUESTION
        return None
    if first in ("anything", "any") and second in ("else", "other"):
        # "Anything else?", "Any other thoughts?": an invitation to go on in one's own words.
        return c.OPEN_QUESTION if asked else None
    if first in ("any", "anything", "anyone", "or", "ready", "shall"):
        return c.CLOSED_QUESTION if asked else None
    if asked:
        return "statement"
    return None


def therapist_sentence(sentence: str) -> SentenceRules:
    """Apply the rules to one therapist sentence."""
    result = SentenceRules()
    lowered = " ".join(sentence.lower().split())
    plain = " ".join(opening(sentence))
    flat = " ".join(words(sentence))
    if is_filler(sentence):
        result.codes.add(c.OTHER)
        result.decided = True
        return result
    result.permission = bool(_PERMISSION.search(lowered))
    if _JUDGMENT.search(lowered):
        result.codes.add(c.JUDGMENT)
        result.decided = True
        return result
    if _ADVICE_QUESTION.search(plain) or _ADVICE_QUESTION.search(flat):
        result.codes.add(c.ADVICE)
        result.decided = True
        return result
    kind = question_kind(sentence)
    if kind in (c.OPEN_QUESTION, c.CLOSED_QUESTION):
        result.codes.add(kind)
        if _STRUCTURING.search(plain) or _STRUCTURING.search(lowered):
            result.codes.add(c.STRUCTURING)
        result.decided = True
        return result
    if result.permission and (_ADVICE.search(plain) or _ADVICE.search(flat)):
        result.codes.add(c.ADVICE)
        result.decided = True
        return result
    if _SUMMARY.search(lowered) and kind is None:
        # The summary's content is a reflection; the model reads it.
        result.codes.add(c.STRUCTURING)
        return result
    for pattern, code in (
        (_STRUCTURING, c.STRUCTURING),
        (_SELF_DISCLOSURE, c.SELF_DISCLOSURE),
        (_ADVICE, c.ADVICE),
        (_INFORMATION, c.INFORMATION),
        (_AFFIRMATION, c.AFFIRMATION),
    ):
        if pattern.search(plain) or pattern.search(flat):
            result.codes.add(code)
            result.decided = True
            break
    if kind == "statement":
        # A statement said as a question ("So you're worried?", "..., right?"): the question
        # mark says the speaker asked, so it is a closed question (as well as any code above).
        result.codes.add(c.CLOSED_QUESTION)
        result.decided = True
    if result.decided:
        return result
    if _GREETING.search(plain) and "?" not in lowered:
        result.codes.add(c.OTHER)
        result.decided = True
    return result
