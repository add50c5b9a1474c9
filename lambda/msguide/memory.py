"""What the skill remembers about a user between sessions, validated on read.

Stored shape (persistent attributes, all optional):
    {"disclaimer_heard": true,           # full disclaimer said once
     "last_topic": "<topic id>",         # for "last time we talked about..."; never
                                         # a sensitive topic (pregnancy, relapse...)
     "pref": {"rate": "slow"|"fast", "detail": "full"},   # speech rate, answer length
     "hint_heard": true,                 # launch told this user about "speak slower" once
     "pending_reminder": {...},          # held while the user is asked for consent; never
                                         # a task in the user's own words (the AskFor
                                         # token carries that one)
     "reminders": [{"token": "...", "until": <epoch>}]}
                                         # ours, identifiers only; "until" (one-offs only):
                                         # dropped after it

Nothing else is kept: no utterances, no names, no device ids, no words of the
user. The record is the speaker's (msguide.persistence.user_key: the
recognised person, else the account). Memory is read at most once per request
and written only when something changed, and then only what changed: each
field set, each part of the preferences, each reminder added or dropped is
applied to the record as stored at the time of the save (msguide.persistence
re-reads and re-applies when another device wrote first), so two devices of
one account never undo each other's changes.
"""

import time

from .content import LazyPattern, default_content
from .logs import logger
from .reminders.plan import OWN, clean_pending
from .state import clean_preferences

_TOKEN = LazyPattern(r"^[A-Za-z0-9._:/+=-]{1,200}$")
MAX_REMINDERS = 500       # far above what Alexa lets one skill keep for one user
_GONE = None              # a field or part set to this is removed


class Memory:
    """A request's view of the user's memory; `changed` says whether to save."""

    def __init__(self, handler_input):
        self._input = handler_input
        self._data = None               # the record as read, with this request's changes
        self._as_read, self._read = None, 0    # the record as read and its version (None: unreadable)
        self._fields, self._parts = {}, {}     # this request's changes: field -> value, (field, part) -> value
        self._added, self._removed = [], set()
        self.changed = False

    @property
    def _adapter(self):
        return self._input.attributes_manager._persistence_adapter

    @property
    def available(self):
        return self._adapter is not None

    def _load(self):
        if self._data is None:
            raw, self._read = {}, 0
            if self.available:
                try:
                    raw, self._read = self._adapter.read(self._input.request_envelope)
                except Exception:           # storage down: behave as a first visit
                    raw, self._read = {}, None
            self._as_read = clean(raw)
            self._data = dict(self._as_read)
        return self._data

    def get(self, key, default=None):
        return self._load().get(key, default)

    def set(self, key, value):
        """Set a field (None removes it)."""
        data = self._load()
        if data.get(key) == value:
            return
        _put(data, key, value)
        self._fields[key] = value
        self.changed = True

    def set_part(self, key, part, value):
        """Set one part of a field that is a dict (the preferences: "rate",
        "detail"); None removes it. Saved on its own, so a change another device
        made to another part stands."""
        data = self._load()
        whole = dict(data.get(key) or {})
        if whole.get(part) == value:
            return
        _put(whole, part, value)
        _put(data, key, whole or None)
        self._parts[(key, part)] = value
        self.changed = True

    def add_reminder(self, entry):
        """Remember a reminder this skill created ({"token", "until"?})."""
        self._added = [e for e in self._added if e["token"] != entry["token"]] + [entry]
        self._removed.discard(entry["token"])
        self._reminders_changed()

    def drop_reminders(self, tokens):
        self._removed |= set(tokens)
        self._added = [e for e in self._added if e["token"] not in self._removed]
        self._reminders_changed()

    def _reminders_changed(self):
        data = self._load()
        _put(data, "reminders", _merged(data.get("reminders", []), self._added, self._removed) or None)
        self.changed = True

    def _applied(self, stored):
        """This request's changes, applied to the record as stored now."""
        data = clean(stored)
        for key, value in self._fields.items():
            _put(data, key, value)
        for (key, part), value in self._parts.items():
            whole = dict(data.get(key) or {})
            _put(whole, part, value)
            _put(data, key, whole or None)
        if self._added or self._removed:
            _put(data, "reminders", _merged(data.get("reminders", []), self._added, self._removed) or None)
        return clean(data)

    def save(self):
        if not (self.changed and self.available):
            return
        outcome = self._adapter.update(self._input.request_envelope, self._read, self._applied, self._as_read)
        self.changed = False
        if outcome == "outdated":
            logger().info("memory not saved: the record was erased after this request read it")

    def forget(self, whole_account=False):
        """Erase the speaker's record (or, for a disabled skill, the account's
        and every recognised person's) from the store, now. Nothing this request
        read before may be saved after it."""
        if self.available:
            if whole_account:
                self._adapter.erase_account(self._input.request_envelope)
            else:
                self._adapter.erase(self._input.request_envelope)
        self._data, self._as_read, self._read = {}, {}, None
        self._fields, self._parts = {}, {}
        self._added, self._removed = [], set()
        self.changed = False


def _put(data, key, value):
    if value is _GONE:
        data.pop(key, None)
    else:
        data[key] = value


def _merged(stored, added, removed):
    added_tokens = {e["token"] for e in added}
    return [e for e in stored if e["token"] not in removed and e["token"] not in added_tokens] + list(added)


def plain_numbers(value):
    """Numbers as Python ints (or floats), whatever the store gave back.

    DynamoDB returns every number as decimal.Decimal; SQLite's JSON gives int.
    Checks further on accept only int, so a Decimal(10) would silently drop a
    pending reminder on DynamoDB alone.
    """
    if isinstance(value, dict):
        return {k: plain_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_numbers(v) for v in value]
    if type(value).__name__ == "Decimal":
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def clean(raw):
    """Keep only well-formed fields of a stored record."""
    if not isinstance(raw, dict):
        return {}
    raw = plain_numbers(raw)
    data = {}
    if raw.get("disclaimer_heard") is True:
        data["disclaimer_heard"] = True
    if raw.get("hint_heard") is True:
        data["hint_heard"] = True
    pref = clean_preferences(raw.get("pref"))
    if pref:
        data["pref"] = pref
    topic = default_content().get(raw["last_topic"]) if isinstance(raw.get("last_topic"), str) else None
    if topic is not None and not topic.sensitive:   # an older record may hold one: drop it
        data["last_topic"] = topic.id
    pending = clean_pending(raw.get("pending_reminder"))
    if pending and not pending["task"].startswith(OWN):     # the user's own words stay out of the store
        data["pending_reminder"] = pending
    reminders, now = [], time.time()
    for entry in raw.get("reminders") or []:
        if isinstance(entry, dict) and isinstance(entry.get("token"), str) and _TOKEN.match(entry["token"]):
            until = entry.get("until")        # (an older record's "task" is not kept)
            if isinstance(until, (int, float)) and not isinstance(until, bool):
                if until < now:
                    continue                      # fired and over: nothing left to cancel
                reminders.append({"token": entry["token"], "until": int(until)})
            else:
                reminders.append({"token": entry["token"]})
    if reminders:
        data["reminders"] = reminders[-MAX_REMINDERS:]
    return data


def memory(handler_input):
    """The Memory for this request (one per request, created on first use)."""
    attributes = handler_input.attributes_manager.request_attributes
    if "memory" not in attributes:
        attributes["memory"] = Memory(handler_input)
    return attributes["memory"]
