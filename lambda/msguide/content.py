"""Load and validate the skill's content (data/topics.json).

The content is data: one entry per topic with its short spoken answer, a
longer "more" answer, and optional slot values, search keywords, safety reminder
and reminder text. Every spoken text is a list of sentences, each naming the
facts of the fact sheet it rests on ({"say": "...", "facts": ["heat-4"]}); the
top-level "facts" table gives each fact's source tags, so a card names exactly
the sources of what was said. An empty "facts" list is a sentence that states no
fact (the skill speaking of itself, or saying what its sources don't cover).
Everything is checked before the skill answers anyone; a problem raises
ContentError naming the file, the topic and the field, so a bad edit fails loudly.

The checks and the indexes cost 5-7 ms of every cold start, so they run once
when the content is built (tools/build_model.py writes content/topics.packed: the
validated Content, in `marshal` form, with a copy of the topics.json bytes it
was made from). At start-up `load` reads topics.json and uses the pack only if
those bytes are exactly the pack's copy (a memory compare, ~10 us; hashing them
would cost 0.4 ms) and the pack's format matches; topics.json edited since (or a
pack missing, damaged or made by another format) is read and checked in full, as
before, so no unchecked text is ever spoken.
tests/test_content.py checks the pack is fresh and loads to exactly what full
validation gives.
"""

import json
import marshal
import os
import re

from .wording import LOCALES

CONTENT_FILE = os.path.join(os.path.dirname(__file__), "data", "topics.json")
PACK_FORMAT = 2         # bump when Topic's or Content's attributes change


class LazyPattern:
    """A regular expression compiled on first use: the rules' patterns are needed
    only when content is validated in full, not when a fresh pack is loaded
    (compiling them cost 0.4 ms of every cold start), and the other modules'
    patterns (0.06 to 0.33 ms each) only by the requests that read them. Its
    methods (match, sub, ...) are the compiled pattern's, kept once looked up."""

    def __init__(self, *args):
        self._args, self._compiled = args, None

    def __getattr__(self, name):          # match, findall, pattern, ...: only until kept
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        found = getattr(self._compiled, name)
        setattr(self, name, found)
        return found


MAX_ANSWER_WORDS = 35
MAX_MORE_WORDS = 70
MIN_QUESTIONS = 3
SLOT_TYPES = ("SYMPTOM", "MASSAGE_TYPE", "HEAT", "CONDITION")
REMINDER_TYPE = "REMINDER_TASK"
_REMINDER_FIELDS = ("task", "synonyms", "say", "text")
# {thing} is what the user asked about; the others are the locale's words (wording.json)
PLACEHOLDERS = ("thing", "emergency_number", "crisis_line", "primary_doctor", "pharmacist", "health_cover")
PACES = ("slow",)

_REQUIRED = {"id": str, "group": str, "title": str, "label": str,
             "answer": list, "more": list}
SPOKEN_PARTS = ("answer", "more")
_SENTENCE_FIELDS = ("say", "facts")
_FACT_ID = LazyPattern(r"^[a-z]+-\d+$")
_OPTIONAL = {"intent": str, "related": str, "research": str, "slots": list, "keywords": list,
             "safety": str, "reminder": dict, "template": bool,
             "emergency": bool, "pace": str, "outside_us": dict, "questions": list,
             "sensitive": bool, "define": list}
_SLOT_FIELDS = ("type", "value", "synonyms", "say")
# An answer must name its subject: "Yes." or "It may." answers whatever was asked.
BARE_OPENING = LazyPattern(r"^\s*(yes|no|yeah|nope|it may|it might|it can|it does|often,? yes|quite a lot|sure|definitely|probably|maybe|not really|absolutely|of course)\b", re.I)
_ID = LazyPattern(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SLOT_TEXT = LazyPattern(r"^[a-z][a-z' ]*[a-z]$")
_PLACEHOLDER = LazyPattern(r"\{([a-z_]+)\}")


class ContentError(ValueError):
    """The content file is missing, unreadable or breaks a rule."""


class Topic:
    """One validated content entry."""

    __slots__ = ("id", "group", "title", "label", "intent", "answer", "more",
                 "related", "research", "slots", "keywords", "safety",
                 "reminder", "template", "emergency", "pace", "outside_us", "questions",
                 "sensitive", "define", "sentences")
    id: str
    group: str
    title: str                      # the card's title
    label: str                      # how an offer names it ("shall I tell you about {label}?")
    intent: str | None              # the intent that asks for exactly this topic
    answer: str                     # the short answer, said first
    more: str                       # the details, after "would you like to hear more?"
    related: str | None             # the topic offered after the details
    research: str | None            # the topic of its study ("... according to research")
    slots: list                     # [{"type": "SYMPTOM", "values": [...]}, ...]
    keywords: list
    safety: str | None              # the safety reminder said with the details
    define: list | None             # the answer to "what is ...", when the topic defines its subject
    reminder: dict | None           # {"task", "say", "text"}: what a reminder of it says
    template: bool                  # answers about a {thing} the user named
    emergency: bool                 # an urgent reply: said first, ends the session
    pace: str | None                # "slow": said unhurried
    outside_us: dict | None         # the parts said outside the US, where they differ
    questions: list
    sensitive: bool                 # never remembered as "last time" (pregnancy, relapse...)
    sentences: dict                 # part -> [(sentence, [fact ids])]

    def __init__(self, data):
        # what each spoken part says, sentence by sentence: {"answer": [(say, [fact ids])],
        # "more": ..., "outside_us.answer": ..., "outside_us.more": ...}
        self.sentences = {part: _pairs(data[part]) for part in SPOKEN_PARTS}
        for part, sentences in (data.get("outside_us") or {}).items():
            self.sentences["outside_us." + part] = _pairs(sentences)
        for name in self.__slots__:
            if name == "sentences":
                continue
            default = [] if name in ("slots", "keywords", "questions") else None
            if name in ("template", "emergency", "sensitive"):
                default = False
            setattr(self, name, data.get(name, default))
        # the text of a part is its sentences, one after the other
        self.answer = spoken(data["answer"])
        self.more = spoken(data["more"])
        if self.define:                     # the answer to "what is a relapse"
            self.sentences["define"] = _pairs(self.define)
        if self.outside_us:
            self.outside_us = {part: spoken(s) for part, s in self.outside_us.items()}

    def __repr__(self):
        return "Topic(%r)" % self.id

    def asked(self, form):
        """This topic as the answer to one form of question: for "define" ("what is
        a relapse"), the same topic (title, offer, "tell me more") whose answer is
        its definition; the topic itself when it has no answer of that form."""
        if form != "define" or not self.define:
            return self
        variant = object.__new__(Topic)
        for name in self.__slots__:
            setattr(variant, name, getattr(self, name))
        variant.answer = spoken(self.define)
        variant.sentences = dict(self.sentences, answer=self.sentences["define"])
        variant.sentences.pop("outside_us.answer", None)
        variant.outside_us = {k: v for k, v in (self.outside_us or {}).items() if k != "answer"} or None
        return variant

    def phrases(self):
        """Every slot value and synonym this topic owns."""
        return [p for slot in self.slots for p in slot_phrases(slot)]


def spoken(sentences):
    """The text a list of sentences speaks."""
    return " ".join(sentence["say"] for sentence in sentences)


_ARTICLES = frozenset(("a", "an", "the", "my", "some", "and", "of", "for"))


def names_the_same(say, phrase):
    """True when a slot's "say" form only re-words `phrase` (article, plural,
    word form): each word the user said is in it ("a heating pad" and "heat packs
    and heating pads"; "hot stones" and "hot stone massage")."""
    def stem(word):
        return word[:-2] if word.endswith("es") else word[:-1] if word.endswith("s") else word
    said = [stem(w) for w in re.findall(r"[a-z']+", say)]
    for word in re.findall(r"[a-z']+", phrase):
        if word in _ARTICLES:
            continue
        word = stem(word)
        if not any(w == word or (min(len(w), len(word)) >= 4 and (w.startswith(word) or word.startswith(w))
                                 or _common_prefix(w, word) >= 5) for w in said):
            return False
    return True


def _common_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _pairs(sentences):
    return [(sentence["say"], list(sentence["facts"])) for sentence in sentences]


def slot_phrases(slot):
    """A slot entry's value and its synonyms."""
    return [slot["value"]] + list(slot.get("synonyms", []))


class Content:
    """All topics, indexed for the handlers and the voice-model build."""

    def __init__(self, topics, sources, safety_reminders, path, facts=None):
        self.path = path
        self.topics = {t.id: t for t in topics}
        self.sources = sources            # tag -> name, or {locale: name} for one per country
        self.facts = facts or {}          # fact id -> source tags
        self.safety_reminders = {name: spoken(s) for name, s in safety_reminders.items()}
        self.safety_sentences = {name: _pairs(s) for name, s in safety_reminders.items()}
        # (slot type, canonical value) -> topic, for entity resolution
        self.slot_topics = {}
        # slot phrase (value or synonym) -> how a template answer names it
        self.slot_says = {}
        # (slot type, phrase said) -> canonical value, for words entity resolution missed
        self.slot_values_by_phrase = {}
        for topic in topics:
            for slot in topic.slots:
                self.slot_topics[(slot["type"], slot["value"])] = topic
                for phrase in slot_phrases(slot):
                    self.slot_values_by_phrase.setdefault((slot["type"], phrase), slot["value"])
                if "say" in slot:
                    for phrase in slot_phrases(slot):
                        if names_the_same(slot["say"], phrase):
                            self.slot_says[phrase] = slot["say"]
        # reminder task value -> topic that suggests it
        self.reminder_topics = {t.reminder["task"]: t for t in topics if t.reminder}
        # intent name -> the topic that answers it outright
        self.intent_topics = {t.intent: t for t in topics if t.intent}

    def get(self, topic_id):
        return self.topics.get(topic_id)

    def topic_for_slot(self, slot_type, value):
        return self.slot_topics.get((slot_type, value))

    def value_for(self, slot_type, phrase):
        """The canonical value a slot phrase (value or synonym) stands for, or None."""
        return self.slot_values_by_phrase.get((slot_type, phrase))

    def slot_values(self, slot_type):
        """[(value, synonyms)] for one slot type, in content order."""
        if slot_type == REMINDER_TYPE:
            return [(t.reminder["task"], list(t.reminder["synonyms"]))
                    for t in self.topics.values() if t.reminder]
        return [(s["value"], list(s.get("synonyms", [])))
                for t in self.topics.values() for s in t.slots
                if s["type"] == slot_type]

    def say_for(self, phrase):
        """How a template answer names a slot phrase, when its slot gives a
        "say" form that names the same thing ("saunas" for "a sauna"); else None,
        and the answer says the user's own words (never "reflexology" for a
        foot massage, or "heat packs" for an electric blanket)."""
        return self.slot_says.get(phrase)

    def text(self, topic, part, locale):
        """A topic's answer or more for a locale: outside the U.S., a topic
        with U.S.-only advice speaks its `outside_us` wording."""
        if topic.outside_us and locale != "en-US" and part in topic.outside_us:
            return topic.outside_us[part]
        return topic.answer if part == "answer" else topic.more

    def sentences(self, topic, part, locale):
        """[(say, fact ids)] of what `part` ("answer", "more" or "full": both)
        speaks in a locale, the topic's safety reminder after "more"."""
        if part == "full":
            return self.sentences(topic, "answer", locale) + self.sentences(topic, "more", locale)
        regional = "outside_us." + part
        said = list(topic.sentences[regional if regional in topic.sentences and locale != "en-US" else part])
        if part == "more" and topic.safety:
            said += self.safety_sentences[topic.safety]
        return said

    def card_sources(self, topic, part, locale):
        """The names of the sources a card rests on: those of the facts its
        sentences name (the part said and the safety reminder the card prints),
        in the order said; a per-country source is named in the locale's form."""
        said = self.sentences(topic, part, locale)
        if topic.safety and part == "answer":
            said += self.safety_sentences[topic.safety]
        tags = [tag for _say, facts in said for fact in facts for tag in self.facts[fact]]
        return [self.source_name(tag, locale) for tag in dict.fromkeys(tags)]

    def source_name(self, tag, locale):
        name = self.sources[tag]
        if isinstance(name, dict):
            return name.get(locale, name["en-US"])
        return name


def word_count(text):
    return len(re.findall(r"[A-Za-z0-9'’-]+", text))


def _fail(path, where, message):
    raise ContentError("%s: %s: %s" % (path, where, message))


def _check_fields(path, where, entry):
    for field, kind in _REQUIRED.items():
        if field not in entry:
            _fail(path, where, "missing field %r" % field)
        if field in SPOKEN_PARTS:           # checked sentence by sentence (check_sentences)
            continue
        if not isinstance(entry[field], kind):
            _fail(path, where, "field %r must be a %s" % (field, kind.__name__))
    for field, kind in _OPTIONAL.items():
        if field in entry and not isinstance(entry[field], kind):
            _fail(path, where, "field %r must be a %s" % (field, kind.__name__))
    unknown = set(entry) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        _fail(path, where, "unknown field(s) %s" % ", ".join(sorted(unknown)))
    for field in ("title", "label"):
        if not entry[field].strip():
            _fail(path, where, "field %r is empty" % field)


def check_sentences(path, where, field, sentences, facts):
    """A spoken text: a non-empty list of {"say": "...", "facts": [ids]}, each id in
    the facts table (an empty list: a sentence that states no fact)."""
    if not isinstance(sentences, list) or not sentences:
        _fail(path, where, "field %r must be a non-empty list of sentences "
              '({"say": "...", "facts": ["heat-4"]})' % field)
    for index, sentence in enumerate(sentences):
        at = "field %r sentence %d" % (field, index + 1)
        if not isinstance(sentence, dict) or set(sentence) != set(_SENTENCE_FIELDS):
            _fail(path, where, '%s must be {"say": "...", "facts": [...]}' % at)
        say, ids = sentence["say"], sentence["facts"]
        if not isinstance(say, str) or not say.strip() or say != say.strip():
            _fail(path, where, "%s: 'say' must be text without leading or trailing spaces" % at)
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            _fail(path, where, "%s: 'facts' must be a list of fact ids" % at)
        for fact in ids:
            if fact not in facts:
                _fail(path, where, "%s names unknown fact %r" % (at, fact))


def _check_questions(path, where, entry):
    """Every answerable topic carries natural questions; the understanding learns from them."""
    questions = entry.get("questions", [])
    if entry["group"] != "scope" and len(questions) < MIN_QUESTIONS:
        _fail(path, where, "field 'questions' needs at least %d natural questions" % MIN_QUESTIONS)
    for question in questions:
        if not isinstance(question, str) or not question.strip():
            _fail(path, where, "field 'questions' must hold non-empty strings")


def _check_text(path, where, entry, facts):
    if entry.get("pace") is not None and entry["pace"] not in PACES:
        _fail(path, where, "field 'pace' must be one of %s" % ", ".join(PACES))
    regional = entry.get("outside_us") or {}
    for field in regional:
        if field not in SPOKEN_PARTS:
            _fail(path, where, "field 'outside_us' may only hold 'answer' and 'more' sentences")
    parts = [(field, entry[field]) for field in SPOKEN_PARTS]
    parts += [("outside_us." + f, s) for f, s in regional.items()]
    if "define" in entry:                   # an answer too: one breath, its subject named
        parts.append(("define.answer", entry["define"]))
    for field, sentences in parts:
        check_sentences(path, where, field, sentences, facts)
    texts = [(field, spoken(sentences)) for field, sentences in parts]
    for field, text in texts:
        if field.endswith("answer") and BARE_OPENING.match(text):
            _fail(path, where, "field %r opens with a bare %r: name the subject first, so the "
                  "answer cannot answer a different question" % (field, BARE_OPENING.match(text).group(0)))
    for field, text in texts:
        limit = MAX_ANSWER_WORDS if field.endswith("answer") else MAX_MORE_WORDS
        if word_count(text) > limit:
            _fail(path, where, "field %r has %d words; at most %d%s" % (
                field, word_count(text), limit, " fit one breath" if limit == MAX_ANSWER_WORDS else ""))
    for field, text in texts:
        for name in _PLACEHOLDER.findall(text):
            if name not in PLACEHOLDERS:
                _fail(path, where, "field %r has unknown placeholder {%s}" % (field, name))
            if name == "thing" and not entry.get("template"):
                _fail(path, where, "field %r uses {thing} but the topic is not a template" % field)


def _check_slots(path, where, entry, seen_values):
    for index, slot in enumerate(entry.get("slots", [])):
        at = "%s: slots[%d]" % (where, index)
        if not isinstance(slot, dict) or "type" not in slot or "value" not in slot:
            _fail(path, at, "each slot needs 'type' and 'value'")
        unknown = set(slot) - set(_SLOT_FIELDS)
        if unknown:
            _fail(path, at, "unknown slot field(s) %s" % ", ".join(sorted(unknown)))
        if "say" in slot and not (isinstance(slot["say"], str) and _SLOT_TEXT.match(slot["say"])):
            _fail(path, at, "slot 'say' must be lowercase words")
        if slot["type"] not in SLOT_TYPES:
            _fail(path, at, "unknown slot type %r (known: %s)"
                  % (slot["type"], ", ".join(SLOT_TYPES)))
        for phrase in slot_phrases(slot):
            if not isinstance(phrase, str) or not _SLOT_TEXT.match(phrase):
                _fail(path, at, "slot phrase %r must be lowercase words" % (phrase,))
            key = (slot["type"], phrase)
            if key in seen_values:
                _fail(path, at, "slot phrase %r is already used by %s"
                      % (phrase, seen_values[key]))
            seen_values[key] = entry["id"]


def _check_reminder(path, where, entry, seen_values):
    reminder = entry.get("reminder")
    if reminder is None:
        return
    for field in _REMINDER_FIELDS:
        if field not in reminder:
            _fail(path, where, "reminder: missing field %r" % field)
    for phrase in [reminder["task"]] + list(reminder["synonyms"]):
        if not isinstance(phrase, str) or not _SLOT_TEXT.match(phrase):
            _fail(path, where, "reminder phrase %r must be lowercase words" % (phrase,))
        if (REMINDER_TYPE, phrase) in seen_values:
            _fail(path, where, "reminder phrase %r is already used by %s"
                  % (phrase, seen_values[(REMINDER_TYPE, phrase)]))
        seen_values[(REMINDER_TYPE, phrase)] = entry["id"]
    if word_count(reminder["text"]) > MAX_ANSWER_WORDS:
        _fail(path, where, "reminder: field 'text' is too long to speak")


def parse(data, path="<content>"):
    """Validate parsed JSON and return a Content."""
    if not isinstance(data, dict):
        _fail(path, "top level", "must be an object")
    for key in ("sources", "facts", "topics", "safety_reminders"):
        if key not in data:
            _fail(path, "top level", "missing field %r" % key)
    sources = data["sources"]
    facts = _check_facts(path, data["facts"], sources)
    reminders = data["safety_reminders"]
    if not isinstance(reminders, dict):
        _fail(path, "top level", "'safety_reminders' must be an object")
    for name, sentences in reminders.items():
        check_sentences(path, "safety reminder %r" % name, "safety_reminders", sentences, facts)
    if not isinstance(data["topics"], list) or not data["topics"]:
        _fail(path, "top level", "'topics' must be a non-empty list")
    topics, ids, seen_values, intents = [], set(), {}, {}
    for index, entry in enumerate(data["topics"]):
        if not isinstance(entry, dict):
            _fail(path, "topics[%d]" % index, "must be an object")
        where = "topic %r" % entry.get("id", "#%d" % index)
        _check_fields(path, where, entry)
        if not _ID.match(entry["id"]):
            _fail(path, where, "field 'id' must be kebab-case")
        if entry["id"] in ids:
            _fail(path, where, "duplicate id")
        ids.add(entry["id"])
        if entry.get("intent"):
            if entry["intent"] in intents:
                _fail(path, where, "intent %r is already answered by topic %r"
                      % (entry["intent"], intents[entry["intent"]]))
            intents[entry["intent"]] = entry["id"]

        if (entry.get("emergency") or entry["group"] == "scope") and not entry.get("sensitive"):
            _fail(path, where, "emergency and scope topics must be marked 'sensitive': true "
                  "(never kept in memory or said in a 'last time' greeting)")
        if entry.get("safety") and entry["safety"] not in reminders:
            _fail(path, where, "unknown safety reminder %r" % entry["safety"])
        _check_text(path, where, entry, facts)
        cited = {f for part in [entry[p] for p in SPOKEN_PARTS] + list((entry.get("outside_us") or {}).values())
                 + ([entry["define"]] if "define" in entry else [])
                 for sentence in part for f in sentence["facts"]}
        if entry["group"] != "scope" and not any(facts[f] for f in cited):
            _fail(path, where, "no sentence rests on a sourced fact: every answer needs a source")
        _check_questions(path, where, entry)
        _check_slots(path, where, entry, seen_values)
        _check_reminder(path, where, entry, seen_values)
        topics.append(Topic(entry))
    for topic in topics:
        for field in ("related", "research"):
            target = getattr(topic, field)
            if target and target not in ids:
                _fail(path, "topic %r" % topic.id,
                      "field %r points to unknown topic %r" % (field, target))
    return Content(topics, sources, reminders, path, facts)


def _check_facts(path, facts, sources):
    """The facts table: fact id -> the source tags the fact sheet gives it."""
    if not isinstance(facts, dict) or not facts:
        _fail(path, "top level", "'facts' must map fact ids to source tags")
    for fact, tags in facts.items():
        if not _FACT_ID.match(fact):
            _fail(path, "facts", "fact id %r must look like 'heat-4'" % fact)
        if not isinstance(tags, list):
            _fail(path, "facts", "fact %r: source tags must be a list" % fact)
        for tag in tags:
            if tag not in sources:
                _fail(path, "facts", "fact %r: unknown source tag %r" % (fact, tag))
    for tag, name in sources.items():
        if isinstance(name, dict):
            if set(name) != set(LOCALES) or not all(isinstance(n, str) for n in name.values()):
                _fail(path, "sources", "source %r: a name per locale must name every locale (%s)"
                      % (tag, ", ".join(LOCALES)))
        elif not isinstance(name, str):
            _fail(path, "sources", "source %r: its name must be text, or one per locale" % tag)
    return facts


def read_json(path):
    """A data file's JSON, or a ContentError naming the file."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise ContentError("%s: cannot read: %s" % (path, exc)) from None
    except ValueError as exc:
        raise ContentError("%s: not valid JSON: %s" % (path, exc)) from None


def load(path=CONTENT_FILE):
    """Read and validate a content file (validated once, at build time, when a
    fresh pack of exactly these bytes sits beside it: see the module's docstring)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ContentError("%s: cannot read: %s" % (path, exc)) from None
    packed = _read_pack(packed_path(path), raw)
    if packed is not None:
        return _unpack(packed, path)
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:            # UnicodeDecodeError is a ValueError
        raise ContentError("%s: not valid JSON: %s" % (path, exc)) from None
    return parse(data, path)


# ------------------------------------------------------------- the pack

def packed_path(path):
    """Where the pack of a content file lives: topics.json -> topics.packed."""
    return os.path.splitext(path)[0] + ".packed"


_TOPIC_INDEXES = ("topics", "slot_topics", "reminder_topics", "intent_topics")


def pack(content, raw):
    """The pack of a validated Content read from the bytes `raw`."""
    state = {}
    for name, value in vars(content).items():
        if name == "path":
            continue
        if name == "topics":
            value = [tuple(getattr(topic, slot) for slot in Topic.__slots__) for topic in value.values()]
        elif name in _TOPIC_INDEXES:
            value = {key: topic.id for key, topic in value.items()}
        state[name] = value
    return marshal.dumps({"format": PACK_FORMAT, "source": raw, "slots": Topic.__slots__,
                          "state": state}, 4)


def write_pack(path=CONTENT_FILE):
    """Validate `path` in full and write its pack beside it; True if it changed."""
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise ContentError("%s: not valid JSON: %s" % (path, exc)) from None
    blob = pack(parse(data, path), raw)
    if _same_pack(packed_path(path), blob):
        return False
    with open(packed_path(path), "wb") as handle:
        handle.write(blob)
    return True


def pack_is_fresh(path=CONTENT_FILE):
    """True if the pack beside `path` holds what write_pack would write now."""
    with open(path, "rb") as handle:
        raw = handle.read()
    return _same_pack(packed_path(path), pack(parse(json.loads(raw.decode("utf-8")), path), raw))


def _same_pack(target, blob):
    """Compared by value: marshal's bytes depend on which objects happen to be shared."""
    try:
        with open(target, "rb") as handle:
            return marshal.loads(handle.read()) == marshal.loads(blob)
    except (OSError, ValueError, EOFError, TypeError):
        return False


def _read_pack(target, raw):
    """The pack's state if it was made from exactly `raw` by this format, else None."""
    try:
        with open(target, "rb") as handle:
            packed = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if (not isinstance(packed, dict) or packed.get("format") != PACK_FORMAT
            or packed.get("slots") != Topic.__slots__ or packed.get("source") != raw):
        return None
    return packed["state"]


def _unpack(state, path):
    content = Content.__new__(Content)
    topics = {}
    for values in state["topics"]:
        topic = Topic.__new__(Topic)
        for slot, value in zip(Topic.__slots__, values):
            setattr(topic, slot, value)
        topics[topic.id] = topic
    for name, value in state.items():
        if name == "topics":
            value = topics
        elif name in _TOPIC_INDEXES:
            value = {key: topics[topic_id] for key, topic_id in value.items()}
        setattr(content, name, value)
    content.path = path
    return content


_CACHE = {}


def default_content():
    """The shipped content, loaded and validated once per process."""
    if "content" not in _CACHE:
        _CACHE["content"] = load()
    return _CACHE["content"]
