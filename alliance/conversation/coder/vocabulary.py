"""The words and patterns the therapist-sentence rules look for (``coder.rules``), written from
the definitions in docs/conversation.md."""

from __future__ import annotations

import re

FILLER_WORDS = frozenset(
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
FILLER_PHRASES = frozenset(
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
GREETING_PATTERN = re.compile(
    r"^(hi|hello|hey|good (morning|afternoon|evening)|nice to (meet|see) you|good to see you|"
    r"(please )?(have|take) a seat|make yourself comfortable|come (on )?in|welcome|"
    r"thanks?( you)?( so much| very much)? for coming|take care|see you|bye|goodbye|"
    r"have a (good|nice|great|lovely)|(i'm|my name is|my name's) [a-z]+|sorry,? (go on|carry on|"
    r"i interrupted)|go ahead|go on|bless you|excuse me|let me (just )?(grab|get|write|close|find)|"
    r"you're welcome|no (problem|worries))\b"
)

JUDGMENT_PATTERN = re.compile(
    r"\byou should(n't| not)? have\b|\bwhy (on earth |in the world )?would you\b|"
    r"\bwhat were you thinking\b(?! (about|of|when|at|then))|"
    r"\bhow could you (do|let|say|be|possibly|not|forget|ignore|put|treat|risk)\b|"
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
# The verbs of a request to go on in one's own words: "Why don't you tell me...?", "How about you
# walk me through...?" ask (open questions), where "Why don't you ask your doctor?" advises.
REQUEST_VERBS = ("tell", "talk", "describe", "say", "share", "explain", "walk", "fill")
REQUEST_OPENINGS = frozenset(
    f"{lead} {verb}" for lead in ("don't you", "about you") for verb in REQUEST_VERBS
)
_NOT_A_REQUEST = rf"(?! ({'|'.join(REQUEST_VERBS)}) )"
# "How about trying...?", "How about a patch?" suggest; "How about at home?", "What about your
# wife?" ask (and are open questions).
ADVICE_QUESTION_PATTERN = re.compile(
    rf"^(why don't you{_NOT_A_REQUEST}|why not (try|just)|"
    rf"how about (you{_NOT_A_REQUEST}|we|if (you|we)|maybe|just|a|an|some|"
    r"(?!(some|any|every|no)thing\b|morning\b|evening\b|feeling\b)[a-z]+ing)\b|"
    r"what about (trying|if you)\b)"
)
# "Is there anything else...?", "Are there other ways...?" (the words after "is"/"are").
THERE_MORE_PATTERN = re.compile(
    r"there (any )?(anything (else|more)|something else|other|others|more|any more|anyone else)\b"
)
# "I'm (just) wondering (, you know,) what...": the group "rest" is what the wondering is about.
WONDER_PATTERN = re.compile(
    r"^i('m| am)? (just |also |kind of |sort of |really |was )?(wonder|wondering|wondered|curious)"
    r"( you know| i guess)?(?P<rest>.*)$"
)
ADVICE_PATTERN = re.compile(
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
INFORMATION_PATTERN = re.compile(
    r"\b(research|studies|the evidence|the guidelines?|the recommendations?|statistics) "
    r"(shows?|suggests?|says?|tells? us|is|are|recommends?)\b|"
    r"^(your|the) (results?|scores?|blood pressure|levels?|readings?|tests?) "
    r"(came back|is|was|were|are|shows?|has)\b|"
    r"^(the|our) (group|sessions?|service|clinic|course|helpline|appointments?|waiting list|app) "
    r"(runs?|meets?|is|are|lasts?|takes?|will|opens?)\b|"
    r"\bwhat we know is\b|\bthe (recommended|safe|low-risk) (limit|amount)\b"
)
AFFIRMATION_PATTERN = re.compile(
    r"^(good for you|well done|great (job|work)|nice (work|job)|good (job|work)|"
    r"that's (so |really )?(great|fantastic|brilliant|wonderful|amazing|excellent|impressive|"
    r"terrific|a (big|huge|great|real|good) (step|achievement|idea|start|plan|insight))|"
    r"you should be (really )?proud|i'm (really |so )?(impressed|proud of you)|"
    r"thank you for (sharing|being|telling|your honesty|trusting)|"
    r"i (really )?appreciate (your|you|that you|how)|it took (a lot of |real )?(courage|guts|"
    r"strength)|that took (a lot of |real )?(courage|guts|strength|determination))\b"
)
SELF_DISCLOSURE_PATTERN = re.compile(
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
STRUCTURING_PATTERN = re.compile(
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
SUMMARY_PATTERN = re.compile(
    r"\b(to sum up|to recap|to summari[sz]e|in summary|let me (sum up|summari[sz]e|pull together|"
    r"recap|see if i've got))\b"
)
PERMISSION_PATTERN = re.compile(
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
SCALE_PATTERN = re.compile(r"\bscale of (zero|0|one|1)\b")
TAG_PATTERN = re.compile(
    r",\s*(right|yeah|yes|no|okay|ok|correct|huh|eh|is that right|is that it|isn't it|is it|"
    r"don't you|do you|aren't you|wasn't it|didn't you|haven't you|true|am i right)\s*\?\s*$"
)

WH_OPEN = frozenset({"what", "what's", "whats", "how", "how's", "hows", "why", "why's"})
AUX = frozenset(
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
SUBJECTS = frozenset(
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
CLOSED_WH = frozenset({"who", "when", "which", "whose", "whom", "where"})
OPEN_MODALS = frozenset({"would", "could", "might", "can"})
ELABORATE = frozenset(
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
CLOSED_AFTER_WHAT = frozenset(
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
CLOSED_AFTER_HOW = frozenset(
    ["many", "much", "long", "often", "old", "far", "soon", "big", "frequently"]
)
# The auxiliaries that turn "what …" / "how …" into a question ("what do you …", "how is it …").
AUXILIARIES = frozenset(
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
    ]
)
QUESTION_AFTER_WHAT = AUXILIARIES | frozenset(
    [
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
QUESTION_AFTER_HOW = AUXILIARIES | frozenset(
    [
        "important",
        "confident",
        "come",
        "ready",
        "likely",
        "about's",
    ]
)
