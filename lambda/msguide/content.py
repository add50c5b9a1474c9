"""Load and validate the skill's content (content/topics.json).

The content is data: one entry per topic with its short spoken answer, a
longer "more" answer, the source tags it rests on, and optional slot values,
search keywords, safety reminder and reminder text. Everything is checked once
at start-up; a problem raises ContentError naming the file, the topic and the
field, so a bad edit fails loudly before the skill answers anyone.
"""

import json
import os
import re

CONTENT_FILE = os.path.join(os.path.dirname(__file__), "content", "topics.json")

MAX_ANSWER_WORDS = 35
MAX_MORE_WORDS = 70
SLOT_TYPES = ("SYMPTOM", "MASSAGE_TYPE", "HEAT", "CONDITION")
REMINDER_TYPE = "REMINDER_TASK"
_REMINDER_FIELDS = ("task", "synonyms", "say", "text")
PLACEHOLDERS = ("thing", "emergency_number")

_REQUIRED = {"id": str, "group": str, "title": str, "label": str,
             "answer": str, "more": str, "sources": list}
_OPTIONAL = {"intent": str, "related": str, "research": str, "slots": list, "keywords": list,
             "safety": str, "reminder": dict, "template": bool,
             "triggers": list, "emergency": bool}
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_SLOT_TEXT = re.compile(r"^[a-z][a-z' ]*[a-z]$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class ContentError(ValueError):
    """The content file is missing, unreadable or breaks a rule."""


class Topic:
    """One validated content entry."""

    __slots__ = ("id", "group", "title", "label", "intent", "answer", "more", "sources",
                 "related", "research", "slots", "keywords", "safety",
                 "reminder", "template", "triggers", "emergency")

    def __init__(self, data):
        for name in self.__slots__:
            default = [] if name in ("slots", "keywords", "triggers") else None
            if name in ("template", "emergency"):
                default = False
            setattr(self, name, data.get(name, default))

    def __repr__(self):
        return "Topic(%r)" % self.id


class Content:
    """All topics, indexed for the handlers and the voice-model build."""

    def __init__(self, topics, sources, safety_reminders, path):
        self.path = path
        self.topics = {t.id: t for t in topics}
        self.sources = sources
        self.safety_reminders = safety_reminders
        # (slot type, canonical value) -> topic, for entity resolution
        self.slot_topics = {}
        for topic in topics:
            for slot in topic.slots:
                self.slot_topics[(slot["type"], slot["value"])] = topic
        self.triggered = [t for t in topics if t.triggers]
        # reminder task value -> topic that suggests it
        self.reminder_topics = {t.reminder["task"]: t for t in topics if t.reminder}
        # intent name -> the topic that answers it outright
        self.intent_topics = {t.intent: t for t in topics if t.intent}

    def get(self, topic_id):
        return self.topics.get(topic_id)

    def topic_for_slot(self, slot_type, value):
        return self.slot_topics.get((slot_type, value))

    def slot_values(self, slot_type):
        """[(value, synonyms)] for one slot type, in content order."""
        if slot_type == REMINDER_TYPE:
            return [(t.reminder["task"], list(t.reminder["synonyms"]))
                    for t in self.topics.values() if t.reminder]
        return [(s["value"], list(s.get("synonyms", [])))
                for t in self.topics.values() for s in t.slots
                if s["type"] == slot_type]

    def source_names(self, topic):
        return [self.sources[tag] for tag in topic.sources]


def word_count(text):
    return len(re.findall(r"[A-Za-z0-9'’-]+", text))


def _fail(path, where, message):
    raise ContentError("%s: %s: %s" % (path, where, message))


def _check_fields(path, where, entry):
    for field, kind in _REQUIRED.items():
        if field not in entry:
            _fail(path, where, "missing field %r" % field)
        if not isinstance(entry[field], kind):
            _fail(path, where, "field %r must be a %s" % (field, kind.__name__))
    for field, kind in _OPTIONAL.items():
        if field in entry and not isinstance(entry[field], kind):
            _fail(path, where, "field %r must be a %s" % (field, kind.__name__))
    unknown = set(entry) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        _fail(path, where, "unknown field(s) %s" % ", ".join(sorted(unknown)))
    for field in ("title", "label", "answer", "more"):
        if not entry[field].strip():
            _fail(path, where, "field %r is empty" % field)


def _check_text(path, where, entry):
    if word_count(entry["answer"]) > MAX_ANSWER_WORDS:
        _fail(path, where, "field 'answer' has %d words; at most %d fit one breath"
              % (word_count(entry["answer"]), MAX_ANSWER_WORDS))
    if word_count(entry["more"]) > MAX_MORE_WORDS:
        _fail(path, where, "field 'more' has %d words; at most %d"
              % (word_count(entry["more"]), MAX_MORE_WORDS))
    for field in ("answer", "more"):
        for name in _PLACEHOLDER.findall(entry[field]):
            if name not in PLACEHOLDERS:
                _fail(path, where, "field %r has unknown placeholder {%s}" % (field, name))
            if name == "thing" and not entry.get("template"):
                _fail(path, where, "field %r uses {thing} but the topic is not a template" % field)


def _check_slots(path, where, entry, seen_values):
    for index, slot in enumerate(entry.get("slots", [])):
        at = "%s: slots[%d]" % (where, index)
        if not isinstance(slot, dict) or "type" not in slot or "value" not in slot:
            _fail(path, at, "each slot needs 'type' and 'value'")
        if slot["type"] not in SLOT_TYPES:
            _fail(path, at, "unknown slot type %r (known: %s)"
                  % (slot["type"], ", ".join(SLOT_TYPES)))
        for phrase in [slot["value"]] + list(slot.get("synonyms", [])):
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


def _check_triggers(path, where, entry):
    for pattern in entry.get("triggers", []):
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            _fail(path, where, "trigger %r is not a valid pattern: %s" % (pattern, exc))


def parse(data, path="<content>"):
    """Validate parsed JSON and return a Content."""
    if not isinstance(data, dict):
        _fail(path, "top level", "must be an object")
    for key in ("sources", "topics", "safety_reminders"):
        if key not in data:
            _fail(path, "top level", "missing field %r" % key)
    sources = data["sources"]
    reminders = data["safety_reminders"]
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
        for tag in entry["sources"]:
            if tag not in sources:
                _fail(path, where, "unknown source tag %r" % (tag,))
        if not entry["sources"] and entry["group"] != "scope":
            _fail(path, where, "field 'sources' is empty: every fact needs a source")
        if entry.get("safety") and entry["safety"] not in reminders:
            _fail(path, where, "unknown safety reminder %r" % entry["safety"])
        _check_text(path, where, entry)
        _check_slots(path, where, entry, seen_values)
        _check_reminder(path, where, entry, seen_values)
        _check_triggers(path, where, entry)
        topics.append(Topic(entry))
    for topic in topics:
        for field in ("related", "research"):
            target = getattr(topic, field)
            if target and target not in ids:
                _fail(path, "topic %r" % topic.id,
                      "field %r points to unknown topic %r" % (field, target))
    return Content(topics, sources, reminders, path)


def load(path=CONTENT_FILE):
    """Read and validate a content file."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise ContentError("%s: cannot read: %s" % (path, exc))
    except ValueError as exc:
        raise ContentError("%s: not valid JSON: %s" % (path, exc))
    return parse(data, path)


_CACHE = {}


def default_content():
    """The shipped content, loaded and validated once per process."""
    if "content" not in _CACHE:
        _CACHE["content"] = load()
    return _CACHE["content"]
