"""What the skill remembers about a user between sessions, validated on read.

Stored shape (persistent attributes, all optional):
    {"v": 1,
     "disclaimer_heard": true,           # full disclaimer said once
     "last_topic": "<topic id>",         # for "last time we talked about..."; never
                                         # a sensitive topic (pregnancy, relapse...)
     "pref": {"rate": "slow"|"fast", "detail": "full"},   # speech rate, answer length
     "hint_heard": true,                 # launch told this user about "speak slower" once
     "pending_reminder": {...},          # held while the user is asked for consent
     "reminders": [{"token": "...", "task": "<task value>", "until": <epoch>}]}
                                         # ours; "until" (one-offs only): dropped after it

Nothing else is kept: no utterances, no names, no device ids. The record is
the speaker's (msguide.persistence.user_key: the recognised person, else the
account). Memory is read at most once per request and written only when
something changed.
"""

import re
import threading

VERSION = 1
_TOKEN = re.compile(r"^[A-Za-z0-9._:/+=-]{1,200}$")
MAX_REMINDERS = 500       # far above what Alexa lets one skill keep for one user


_USER_LOCKS = {}
_USER_LOCKS_GUARD = threading.Lock()


def _user_lock(key):
    with _USER_LOCKS_GUARD:
        return _USER_LOCKS.setdefault(key, threading.Lock())


class Memory:
    """A request's view of the user's memory; `changed` says whether to save.

    Reminder tokens are merged, not overwritten: two requests of one user at
    once (two devices, or a retry) each add their own, and the save re-reads
    the stored list under a per-user lock and applies only this request's
    additions and removals.
    """

    def __init__(self, handler_input):
        self._input = handler_input
        self._data = None
        self.changed = False
        self._added, self._removed = [], set()

    @property
    def available(self):
        return self._input.attributes_manager._persistence_adapter is not None

    def _load(self):
        if self._data is None:
            raw = {}
            if self.available:
                try:
                    raw = self._input.attributes_manager.persistent_attributes
                except Exception:           # storage down: behave as a first visit
                    raw = {}
            self._data = clean(raw)
        return self._data

    def get(self, key, default=None):
        return self._load().get(key, default)

    def set(self, key, value):
        data = self._load()
        if value is None:
            if key in data:
                del data[key]
                self.changed = True
        elif data.get(key) != value:
            data[key] = value
            self.changed = True

    def add_reminder(self, entry):
        """Remember a reminder this skill created ({"token", "task", "until"?})."""
        self._added = [e for e in self._added if e["token"] != entry["token"]] + [entry]
        self._removed.discard(entry["token"])
        self.set("reminders", _merged(self.get("reminders", []), self._added, self._removed))

    def drop_reminders(self, tokens):
        self._removed |= set(tokens)
        self._added = [e for e in self._added if e["token"] not in self._removed]
        self.set("reminders", _merged(self.get("reminders", []), self._added, self._removed))

    def save(self):
        if not (self.changed and self.available):
            return
        if not (self._added or self._removed):
            self._write(dict(self._load(), v=VERSION))
            return
        from .persistence import user_key
        manager = self._input.attributes_manager
        with _user_lock(user_key(self._input.request_envelope)):
            try:
                stored = clean(manager._persistence_adapter.get_attributes(self._input.request_envelope))
            except Exception:
                stored = {}
            data = dict(self._load(), v=VERSION)
            merged = _merged(stored.get("reminders", []), self._added, self._removed)
            if merged:
                data["reminders"] = merged
            else:
                data.pop("reminders", None)
            self._write(data)

    def _write(self, data):
        self._input.attributes_manager.persistent_attributes = data
        self._input.attributes_manager.save_persistent_attributes()
        self.changed = False

    def forget(self, whole_account=False):
        """Erase the speaker's record (or, for a disabled skill, the account's
        and every recognised person's) from the store, now."""
        if self.available:
            adapter = self._input.attributes_manager._persistence_adapter
            if whole_account and hasattr(adapter, "delete_account"):
                adapter.delete_account(self._input.request_envelope)
            else:
                self._input.attributes_manager.delete_persistent_attributes()
        self._data, self.changed = {}, False
        self._added, self._removed = [], set()


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
    from .content import default_content
    from .reminders_model import clean_pending, known_task
    if not isinstance(raw, dict):
        return {}
    raw = plain_numbers(raw)
    data = {}
    if raw.get("disclaimer_heard") is True:
        data["disclaimer_heard"] = True
    if raw.get("hint_heard") is True:
        data["hint_heard"] = True
    from .state import clean_preferences
    pref = clean_preferences(raw.get("pref"))
    if pref:
        data["pref"] = pref
    topic = default_content().get(raw["last_topic"]) if isinstance(raw.get("last_topic"), str) else None
    if topic is not None and not topic.sensitive:   # an older record may hold one: drop it
        data["last_topic"] = topic.id
    pending = clean_pending(raw.get("pending_reminder"))
    if pending:
        data["pending_reminder"] = pending
    import time
    reminders, now = [], time.time()
    for entry in raw.get("reminders") or []:
        if (isinstance(entry, dict) and isinstance(entry.get("token"), str)
                and _TOKEN.match(entry["token"]) and known_task(entry.get("task"))):
            until = entry.get("until")
            if isinstance(until, (int, float)) and not isinstance(until, bool):
                if until < now:
                    continue                      # fired and over: nothing left to cancel
                reminders.append({"token": entry["token"], "task": entry["task"], "until": int(until)})
            else:
                reminders.append({"token": entry["token"], "task": entry["task"]})
    if reminders:
        data["reminders"] = reminders[-MAX_REMINDERS:]
    return data


def memory(handler_input):
    """The Memory for this request (one per request, created on first use)."""
    attributes = handler_input.attributes_manager.request_attributes
    if "memory" not in attributes:
        attributes["memory"] = Memory(handler_input)
    return attributes["memory"]
