"""What form a question takes, so the answer can fit it: "what is a relapse" asks
for a definition, not for what to do during one.

`form_of(words, topic)` reads the words as the skill heard them (carrier put back:
"what is a relapse") and returns "define" when they ask what the topic's own subject
is, and nothing else; None otherwise. "What is the best massage during a relapse"
asks something else, so its words beyond the topic's names and small words make it
an ordinary question. The topic says what it is named by: its slot phrases and
keywords (content data), so a new definable topic needs no code here.
"""

from .normalize import terms

# the starts that ask what something is (terms: apostrophes closed up)
DEFINE_STARTS = ("what is", "whats", "what are", "what exactly is", "what actually is", "what even is",
                 "what does", "what do you mean by", "what do they mean by", "what is meant by",
                 "what counts as", "whats the meaning of", "what is the meaning of", "the meaning of",
                 "meaning of", "define", "explain what", "tell me what")
# words that ask nothing of their own around a name ("what is a relapse exactly")
SMALL = frozenset(("a", "an", "the", "my", "this", "that", "one", "is", "are", "it", "its", "exactly",
                   "actually", "even", "really", "mean", "means", "meant", "by", "as", "counts", "count",
                   "like", "um", "uh", "so", "and", "then", "again", "anyway", "please", "proper",
                   "in", "with", "of", "ms", "m", "s", "multiple", "sclerosis", "for", "people",
                   "thing", "called", "word", "term", "definition", "when", "you", "say", "they",
                   "me", "to", "tell", "just", "quick", "question", "emmas", "mss", "an", "ms's"))

# words that ask what to do rather than what something is
DOING = frozenset(("massage", "massages", "massaged", "rub", "rubs", "therapist", "during", "safe", "help",
                   "helps", "should", "can", "could", "book", "have", "get", "treat", "do", "stop", "avoid",
                   "ok", "okay", "alright", "allowed", "bad", "worse", "cure", "best", "why", "how"))


_NAMES = {}


def _names(topic):
    """The words that name a topic's subject (its keywords and slot phrases), once per topic."""
    if topic.id in _NAMES:
        return _NAMES[topic.id]
    found = set()
    for phrase in list(topic.keywords) + [p for slot in topic.slots for p in
                                          [slot["value"]] + list(slot.get("synonyms", []))]:
        found.update(terms(phrase).split())
    _NAMES[topic.id] = found - SMALL
    return _NAMES[topic.id]


def form_of(words, topic):
    """"define" when `words` ask what `topic`'s subject is; else None."""
    if topic is None or not getattr(topic, "define", None):
        return None
    said = " ".join(terms(words).split())
    for start in sorted(DEFINE_STARTS, key=len, reverse=True):
        if said == start or said.startswith(start + " "):
            rest = said[len(start):].split()
            break
    else:
        return None
    names = _names(topic)
    asked = [w for w in rest if w not in SMALL]
    # the subject first, and nothing after it that asks what to do
    # ("what even is a relapse, the nurse said it" defines; "... can I have a massage" does not)
    if asked and asked[0] in names and not any(w in DOING for w in asked):
        return "define"
    return None


# "you said a hot tub was safe": a premise the skill never stated, about heat
_SAID = ("said", "told me", "you said", "you say", "you told me", "you told us", "didnt you say", "you mentioned",
         "you reckoned", "you were saying", "earlier you said", "last time you said", "you said that")
_SAFE = frozenset(("safe", "fine", "ok", "okay", "alright", "allright", "harmless", "good", "no problem"))


def claims_heat_was_called_safe(words, topic):
    """True when `words` put to the skill that it called a heat treatment safe
    ("but you told me saunas were fine"), and `topic` is about heat: the reply then
    corrects the premise before it answers."""
    if topic is None or topic.group != "heat":
        return False
    said = " " + " ".join(terms(words).split()) + " "
    for claim in _SAID:
        at = said.find(" " + claim + " ")
        # a bare "said ..." / "told me ..." only at the start: the carrier took "you"
        if at >= 0 and (claim.startswith(("you", "didnt", "earlier", "last")) or at == 0):
            after = said[at + len(claim) + 2:].split()[:8]
            return any(w in _SAFE for w in after)
    return False
