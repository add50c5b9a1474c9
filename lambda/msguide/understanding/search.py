"""Lexical evidence for free-form words (a question no intent captured).

A Lunr (BM25) index over each topic's title, keywords, slot phrases and
answer text, with Lunr's English stemming and stop words. Safety triage
(triage.py) runs before any of this, on every request's words.

A result counts only when the words matched something more specific than the
vocabulary every topic shares ("massage", "MS", "help"...), so off-topic
questions get an honest "I don't know" instead of a random answer.
The index is built on first use, once per process. Lunr's Porter stemmer is
one shared object with per-call state, so every use of Lunr (building and
searching) holds one lock: concurrent requests on a threaded server would
otherwise corrupt each other's stems.
"""

import functools
import re
import threading

from ..content import default_content
from .normalize import terms, words as normalize

# Words that appear across the whole content: a match on these alone is no
# evidence for any one topic.
GENERIC_WORDS = (
    "massage", "massages", "ms", "multiple", "sclerosis", "help", "helps",
    "good", "therapy", "therapist", "therapists", "get", "can",
    "people", "person", "know", "want", "like", "still", "really", "be",
    "thing", "things", "go", "going", "use", "need", "make", "way", "about",
    "weather", "today", "day", "time",
    "have", "has", "had", "having", "do", "does", "did", "doing", "got", "getting",
)
# small words a title is made of that name nothing ("Massage during a relapse")
STOP_WORDS = ("a", "an", "the", "and", "or", "of", "on", "in", "to", "for", "with", "during", "after",
              "before", "your", "you", "my", "when", "if", "what", "how", "why", "is", "not", "does",
              "don't", "may", "it", "its", "kind", "kinds", "other", "more", "less")
KEPT_STOP_WORDS = ("often", "not", "no", "cannot", "after", "ever", "every",
                   "most", "other", "only", "least")
FIND_CACHE_SIZE = 2048
FIELDS = (("title", 3), ("keywords", 5), ("phrases", 4), ("answer", 1))


# words that set a therapy aside rather than ask about it ("someone who knows MS, not
# just sports massage"): a name after them is not what the question is about
_SET_ASIDE = re.compile(r"\b(?:not just|not only|other than|instead of|rather than|besides|apart from|more than)"
                        r"(?: (?:a|an|the|some|any|your|regular|normal|ordinary))? $")
# something read from a year is its study ("i read something from 2020 about swelling")
_READ_FROM_YEAR = re.compile(r"\b(?:read|saw|seen|heard)\b(?: [a-z']+){0,4} (?:from|in|back in|published in) (?:19|20)[0-9]{2}\b")


class TopicSearch:
    def __init__(self, content):
        self.content = content
        self._uncovered = None          # the "my sources don't cover {thing}" techniques, found once
        self._index = None
        self._generic = None
        self._lock = threading.Lock()
        self._names = {}
        self._find_cached = functools.lru_cache(maxsize=FIND_CACHE_SIZE)(self._find_uncached)
        self._phrases = [(p, topic) for topic in content.topics.values() if topic.group != "scope"
                         for p in topic.phrases()]

    def _build(self):
        from lunr import lunr
        from lunr.builder import Builder
        from lunr.stemmer import porter_stemmer, stemmer
        from lunr.stop_word_filter import WORDS, generate_stop_word_filter
        from lunr.trimmer import trimmer

        # Lunr's English stop words, less the ones that carry meaning here
        # ("how often", "no relief", "not breathing").
        stop_words = set(WORDS) - set(KEPT_STOP_WORDS)
        builder = Builder()
        builder.pipeline.add(trimmer, generate_stop_word_filter(stop_words, "msguide"),
                             stemmer)
        builder.search_pipeline.add(stemmer)
        documents = []
        for topic in self.content.topics.values():
            if topic.group == "scope":      # reached through triage or their intents
                continue
            phrases = topic.phrases()
            documents.append({
                "id": topic.id,
                "title": terms(topic.title),
                "keywords": terms(" ".join(topic.keywords)),
                "phrases": terms(" ".join(phrases)),
                "answer": terms(re.sub(r"\{[a-z_]+\}", " ", topic.answer)),
            })
        fields = [{"field_name": name, "boost": boost} for name, boost in FIELDS]
        self._index = lunr(ref="id", fields=fields, documents=documents,
                           builder=builder)
        self._generic = {porter_stemmer.stem(w) for w in GENERIC_WORDS}

    def rank(self, text, limit=3):
        """[(topic, score, matched stems)] best first, specific matches only."""
        said = normalize(text)
        if not said:
            return []
        # Lunr's query syntax treats : ^ ~ * + - specially; normalize() left
        # only letters, digits and apostrophes, so the words are plain terms.
        with self._lock:
            if self._index is None:
                self._build()
            try:
                results = self._index.search(terms(said))
            except Exception:   # lunr raises on queries it cannot parse
                return []
        ranked = []
        for result in results:
            matched = set(result["match_data"].metadata)
            if not matched - self._generic:
                continue
            topic = self.content.get(result["ref"])
            if topic is not None:
                ranked.append((topic, result["score"], matched))
            if len(ranked) >= limit:
                break
        return ranked

    def find(self, text):
        """The best topic for the words, or None when nothing fits.

        Results are cached per normalised wording (the content cannot change
        while the process runs): a Lunr query costs about 0.8 ms, a hit ~1 us.
        """
        return self._find_cached(normalize(text))

    def _find_uncached(self, said):
        ranked = self.rank(said, limit=1)
        return ranked[0][0] if ranked else None

    def best_id(self, text):
        """The id of the best topic for the words, or None: the topic owning
        the longest slot value or synonym said word for word ("an electric
        blanket"), else the best Lunr match."""
        said = " %s " % normalize(text)
        spotted = [(len(p), t) for p, t in self._phrases if " %s " % p in said]
        if spotted:
            return max(spotted, key=lambda pair: pair[0])[1].id
        topic = self.find(text)
        return topic.id if topic is not None else None

    def names(self, topic_id, text):
        """True when the words name the topic: one of its slot phrases or its
        keyword phrases of more than one word said word for word ("get rid of"), or a
        word of its title that is not shared vocabulary ("research", "cost"). A common
        word that merely points to it ("expect", "sore") does not name it."""
        names = self._names.get(topic_id)
        if names is None:
            topic = self.content.get(topic_id)
            if topic is None:
                return False
            generic = set(GENERIC_WORDS) | set(STOP_WORDS)
            names = {normalize(p) for p in topic.phrases()}
            names.update(normalize(k) for k in topic.keywords if " " in normalize(k))
            # a one-word keyword no other topic has names it too ("price"); a shared one
            # ("sore": pain and pressure sores) does not
            shared = {normalize(k) for other in self.content.topics.values() if other is not topic
                      for k in other.keywords}
            names.update(normalize(k) for k in topic.keywords if " " not in normalize(k)
                         and normalize(k) not in shared and normalize(k) not in generic)
            names.update(w for w in normalize(topic.title).split() if w not in generic)
            names.discard("")
            self._names[topic_id] = names
        said = " %s " % normalize(text)
        return any(" %s " % name in said for name in names)

    @staticmethod
    def thing_in(topic, text):
        """The longest of the topic's slot phrases found in the words, if any:
        what a template answer should name ("numb", "a steam room")."""
        said = " %s " % normalize(text)
        # a phrase or its plural ("massage guns", "tens machines")
        found = [p if " %s " % p in said else p + "s" for p in topic.phrases()
                 if " %s " % p in said or " %ss " % p in said]
        return max(found, key=len) if found else None

    def year_topic(self, text):
        """The one topic a year said in the words names ("that 2020 study on
        swelling"): a study is known by its year, whatever else the words share
        with a symptom. None when no year, no word asking about research, or a
        year no single topic has."""
        said = normalize(text)
        years = set(re.findall(r"\b(?:19|20)[0-9]{2}\b", said))
        # "diagnosed in 2016" is not about a study: the words must ask about one
        if not years or not (re.search(r"\b(?:stud(?:y|ies)|research|trial|paper|report|findings?|article|researchers)\b", said)
                             or _READ_FROM_YEAR.search(said)):
            return None
        found = [t for t in self.content.topics.values() if years & set(t.keywords)]
        return found[0] if len(found) == 1 else None

    def uncovered_name(self, text):
        """(template topic, phrase) when the words name a therapy the sheet does not
        cover ("does dry needling help spasms"): a named slot value (one with a "say"
        form) of a template topic in the techniques group. The answer is then "my
        sources don't cover dry needling", never the nearest massage topic."""
        for topic in self._uncovered_topics():
            found = self.thing_in(topic, text)
            named = [slot for slot in topic.slots if slot.get("say")]
            if found and any(phrase in slot_phrases_of(slot) for slot in named
                             for phrase in (found, found.removesuffix("s"))):
                said = normalize(text)
                at = said.find(found)
                if at > 0 and _SET_ASIDE.search(said[:at]):
                    continue
                return topic, found
        return None, None

    def _uncovered_topics(self):
        if self._uncovered is None:
            self._uncovered = [t for t in self.content.topics.values() if t.template and t.group == "techniques"]
        return self._uncovered


def slot_phrases_of(slot):
    return [slot["value"]] + list(slot.get("synonyms", []))


_CACHE = {}


def default_search():
    if "search" not in _CACHE:
        _CACHE["search"] = TopicSearch(default_content())
    return _CACHE["search"]
