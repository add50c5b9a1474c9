"""The small session state carried between turns, validated on every read.

Session attributes come back to us inside each request, so they are input
like any other: anything that is not exactly what we wrote (wrong type,
unknown topic, oversized text) is dropped rather than trusted.

Stored shape (all optional):
    {"last":  {"topic": "<id>", "part": "answer"|"more", "thing": "<words>"}
              or {"prompt": "<name>"},
     "offer": {"kind": "more"|"topic", "topic": "<id>"}, {"kind": "reminder", "task": "<task>"}
              or {"kind": "anything_else"} or {"kind": "forget"} ("shall I erase it?")
              or {"kind": "reminder_time" | "reminder_confirm", "plan": {...}}
              or {"kind": "reminder_cancel", "ask": [{"token": "...", "say": "..."}, ...],
                  "any": true|false}   # the reminders still to ask about; any cancelled yet?
     "back":  [{"topic": "<id>", "thing": "<words>"}, ...],
              # earlier topics, most recent last, for "go back"
     "asked": true,   # the reminders permission was asked for in this session
     "opened": true,  # the session began with a LaunchRequest (not a one-shot question)
     "pref":  {"rate": "slow"|"fast", "detail": "full"}}
              # the user's remembered preferences, read from memory once per session
A "last" prompt may also carry "topic" (the offer of welcome_back or confirm) or
"text" (a notice such as a reminder confirmation, re-said by "repeat").

One State per request, the way memory works (msguide.memory): `session_state`
reads and validates the session attributes on first use, handlers change that
object, and the SaveState response interceptor (handlers/lifecycle.py) writes
it back once, after the handler. No handler writes session attributes.
"""

import re

from .content import LazyPattern, default_content
from .reminders.plan import clean_choices, clean_pending, known_task
from .render import PROMPTS, TOPIC_PARTS, TOPIC_PROMPTS
from .request import in_session

_THING = LazyPattern(r"^[a-z0-9' ]{1,60}$")
_NOTICE = LazyPattern(r"^[A-Za-z0-9 ,.;:'?!()-]{1,400}$")


MAX_BACK = 5


class State:
    """The session state of one request (see the stored shape above)."""

    __slots__ = ("last", "offer", "back", "asked", "opened", "pref")

    def __init__(self, last: dict | None = None, offer: dict | None = None, back: list | None = None,
                 asked: bool = False, opened: bool = False, pref: dict | None = None):
        self.last = last
        self.offer = offer
        self.back = back or []
        self.asked = asked
        self.opened = opened
        self.pref = pref            # None: not read from memory yet in this session

    @property
    def offer_kind(self) -> str | None:
        """The kind of offer a "yes" or "no" answers now ("more", "forget", ...), or None."""
        return self.offer["kind"] if self.offer else None

    def reset(self, opened: bool = False) -> None:
        """Start the session afresh (start over, goodbye): nothing carried but, if
        `opened`, that the user opened it (preferences are read from memory again)."""
        self.last, self.offer, self.back = None, None, []
        self.asked, self.opened, self.pref = False, opened, None

    def to_attributes(self) -> dict:
        attrs = {}
        if self.last:
            attrs["last"] = self.last
        if self.offer:
            attrs["offer"] = self.offer
        if self.back:
            attrs["back"] = self.back[-MAX_BACK:]
        if self.asked:
            attrs["asked"] = True
        if self.opened:
            attrs["opened"] = True
        if self.pref is not None:
            attrs["pref"] = self.pref
        return attrs

    def moving_to(self, topic_id):
        """Before saying a new topic: the one said last becomes a place to go back to."""
        last = self.last or {}
        if last.get("topic") == topic_id and "prompt" not in last:
            return
        self.keep_place()

    def keep_place(self):
        """The topic said last (if the last reply was one) becomes a place to go back to.
        Called before a topic and before any other reply ("my sources don't cover
        that", off-topic, help, a notice), so a reply that is no topic never drops
        the topic before it from the history."""
        last = self.last or {}
        if "prompt" in last or not last.get("topic"):
            return
        place = {"topic": last["topic"]}
        if last.get("thing"):
            place["thing"] = last["thing"]
        self.back = [p for p in self.back if p != place][-(MAX_BACK - 1):] + [place]


def clean_thing(value):
    """A spoken slot value safe to store and to say again, or None."""
    if not isinstance(value, str):
        return None
    value = " ".join(value.lower().replace("\u2019", "'").split())
    value = re.sub(r"[^a-z0-9' ]", "", value)
    return value if _THING.match(value) else None


def _read_last(raw, content):
    if not isinstance(raw, dict):
        return None
    if "prompt" in raw:
        if raw["prompt"] not in PROMPTS:
            return None
        last = {"prompt": raw["prompt"]}
        if raw["prompt"] in TOPIC_PROMPTS:
            if not (isinstance(raw.get("topic"), str) and content.get(raw["topic"])):
                return None
            last["topic"] = raw["topic"]
        if raw["prompt"] == "notice":
            if not (isinstance(raw.get("text"), str) and _NOTICE.match(raw["text"])):
                return None
            last["text"] = raw["text"]
        return last
    topic = raw.get("topic")
    if not isinstance(topic, str) or content.get(topic) is None:
        return None
    part = raw.get("part")
    last = {"topic": topic, "part": part if part in TOPIC_PARTS else "answer"}
    thing = clean_thing(raw.get("thing"))
    if thing and content.get(topic).template:
        last["thing"] = thing
    return last


def _read_offer(raw, content):
    if not isinstance(raw, dict):
        return None
    kind = raw.get("kind")
    if kind in ("anything_else", "forget"):
        return {"kind": kind}
    if kind == "reminder":
        return {"kind": kind, "task": raw["task"]} if known_task(raw.get("task")) else None
    if kind in ("reminder_time", "reminder_confirm"):
        # "should I set it for 3 PM?" holds the PM plan; "shall I set it?" the plan itself
        plan = clean_pending(raw.get("plan"))
        if plan and (plan["time"] or kind == "reminder_confirm"):
            return {"kind": kind, "plan": plan}
        return None
    if kind == "reminder_cancel":          # "shall I cancel the one ...?", one at a time
        choices = clean_choices(raw.get("ask"))
        return {"kind": kind, "ask": choices, "any": raw.get("any") is True} if choices else None
    topic = raw.get("topic")
    if kind in ("more", "topic") and isinstance(topic, str) and content.get(topic):
        return {"kind": kind, "topic": topic}
    return None


def read_state(attributes, content) -> State:
    """Build a State from (untrusted) session attributes."""
    if not isinstance(attributes, dict):
        return State()
    back = []
    for raw in attributes.get("back")[-MAX_BACK:] if isinstance(attributes.get("back"), list) else []:
        place = _read_last(raw, content) if isinstance(raw, dict) and "prompt" not in raw else None
        if place:
            place.pop("part", None)
            back.append(place)
    return State(_read_last(attributes.get("last"), content),
                 _read_offer(attributes.get("offer"), content), back,
                 attributes.get("asked") is True, attributes.get("opened") is True,
                 clean_preferences(attributes.get("pref")) if isinstance(attributes.get("pref"), dict) else None)


def session_state(handler_input) -> State:
    """The State of this request (one per request, read on first use; an empty
    one outside a session, where nothing is carried)."""
    attributes = handler_input.attributes_manager.request_attributes
    state = attributes.get("state")
    if state is None:
        raw = handler_input.attributes_manager.session_attributes if in_session(handler_input) else {}
        state = attributes["state"] = read_state(raw, default_content())
    return state


def save_state(handler_input) -> None:
    """Carry this request's State into the next turn, if it was read (the
    SaveState interceptor; nothing to carry outside a session)."""
    state = handler_input.attributes_manager.request_attributes.get("state")
    if state is not None and in_session(handler_input):
        handler_input.attributes_manager.session_attributes = state.to_attributes()


SPEECH_RATES = ("slow", "fast")     # the values of the "rate" preference (render.PROSODY_RATES says them)
DETAILS = ("full",)


def clean_preferences(raw) -> dict:
    """{"rate": ..., "detail": ...} with only known values (from memory or the session)."""
    pref = {}
    if isinstance(raw, dict):
        if raw.get("rate") in SPEECH_RATES:
            pref["rate"] = raw["rate"]
        if raw.get("detail") in DETAILS:
            pref["detail"] = raw["detail"]
    return pref
