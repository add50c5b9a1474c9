"""Misheard names matched by sound as well as spelling.

Speech recognition writes "shiatsoo", "rolfin", "felden crise", "reeky", "sweetish
massage": words no slot list and no classifier feature knows. The names of the
techniques, health conditions and heat sources the content owns (its slot values and
synonyms) are keyed by Metaphone (jellyfish); a run of one to three spoken words whose
key is the name's key, or within a small edit distance of the name's spelling, is
respelled as the name before the words are read. Common words are never respelled
(they are what the user meant); a run that begins or ends with a small word is tried
only when its other words are all unknown, and then matched closely ("she atsu" is
shiatsu, "the world" is never "the cold"); and a run of words is tried only when one
of them is a word the classifier never met in training: "spirits" and "hotel" are
words, not misheard names. Only names of five letters or more are tried. Before
that, the words speech recognition writes for "massage" and "MS" ("message",
"emma's") are respelled (HEARD_AS).
"""

import functools
import re

from ..content import default_content
from .classifier import default_understanding
from .normalize import stem

SLOT_TYPES = ("MASSAGE_TYPE", "CONDITION", "HEAT")
MIN_LETTERS = 5
MAX_WORDS = 3
# words people say that sound like a name but are what they meant
COMMON = frozenset("""a an the and or but to of in on at for with from by is are was were be been
i me my you your he she it we they them his her our their this that these those there here
massage massages message messages ms therapy therapist treatment session good bad okay
safe help helps about what which who how why when where can could would should will do does
did have has had get got make made take took give gave some any all more most less much
many very really just also like thing things stuff people person time times day days""".split())
# the small words a run of words may not begin or end with ("the world" is not "the cold")
SMALL = frozenset("""a an the and or but to of in on at for with from by is are was were be been
i me my you your he she it we they them his her our their this that these those there here""".split())
_WORD = re.compile(r"\S+")
# what speech recognition writes for the two words every question here is about;
# respelled before the words are read (triage has already read them as said:
# "this is my last message" is a farewell, never "my last massage")
HEARD_AS = {"message": "massage", "messages": "massages", "messaging": "massaging", "messaged": "massaged",
            "message's": "massage's", "emma's": "ms", "emmas": "ms", "ms's": "ms", "mss": "ms",
            "m.s.": "ms", "m.s": "ms"}


def _key(text):
    import jellyfish
    return jellyfish.metaphone(text.replace(" ", "").replace("'", ""))


def _distance(a, b):
    import jellyfish
    return jellyfish.damerau_levenshtein_distance(a, b)


class Soundalike:
    def __init__(self, names, known=None):
        self.known = frozenset(known or ())   # stems the classifier was trained on
        self.names = {}          # joined spelling -> canonical name
        self.by_key = {}         # Metaphone key -> [joined spelling]
        for name in names:
            joined = name.replace(" ", "").replace("-", "")
            if len(joined) < MIN_LETTERS or not joined.isalpha():
                continue
            self.names[joined] = name
            self.by_key.setdefault(_key(joined), []).append(joined)
        self.respell = functools.lru_cache(maxsize=4096)(self._respell)

    def _unknown(self, word):
        return word not in COMMON and stem(word.replace("'", "")) not in self.known

    def _match(self, words):
        # "the world" is not "the cold": a run that begins or ends with a small word is
        # tried only when its other words are all unknown ("she atsu"), and then closely
        edged = len(words) > 1 and (words[0] in SMALL or words[-1] in SMALL)
        if edged and not all(self._unknown(w) for w in words if w not in SMALL):
            return None
        joined = "".join(words).replace("'", "")
        if len(joined) < MIN_LETTERS or not joined.isalpha() or joined in self.names \
                or not any(self._unknown(w) for w in words):
            return None
        allowed = 1 if len(joined) < 8 or edged else 2
        for spelling in self.by_key.get(_key(joined), ()):
            if _distance(joined, spelling) <= allowed + 1 and spelling[0] == joined[0]:
                return self.names[spelling]
        for spelling, name in self.names.items():
            if abs(len(spelling) - len(joined)) <= allowed and spelling[0] == joined[0] \
                    and _distance(joined, spelling) <= allowed:
                return name
        return None

    def _respell(self, text):
        """The words with misheard names respelled ("what's shiatsoo" -> "what's shiatsu")."""
        words = [HEARD_AS.get(w, w) for w in _WORD.findall(str(text or "").lower())]
        out, i = [], 0
        while i < len(words):
            for size in range(min(MAX_WORDS, len(words) - i), 0, -1):
                name = self._match(words[i:i + size])
                if name is not None:
                    out.append(name)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return " ".join(out)


def spoken_names(content):
    """{name: topic id}: the slot values and short synonyms of the techniques, health
    conditions and heat sources the content covers (never a name it says it doesn't
    cover, "sports massage")."""
    names = {}
    for slot_type in SLOT_TYPES:
        for value, synonyms in content.slot_values(slot_type):
            topic = content.topic_for_slot(slot_type, value)
            if topic.template:
                continue
            for name in [value] + [s for s in synonyms if len(s.split()) <= 2]:
                names.setdefault(name, topic.id)
    return names


@functools.lru_cache(maxsize=1)
def default_soundalike():
    understanding = default_understanding()
    # words the classifier met only as outside authors' mishearings ("shiatsoo") are
    # not words the user meant: they are still respelled
    known = understanding.known_words() - understanding.misheard
    return Soundalike(sorted(spoken_names(default_content())), known)
