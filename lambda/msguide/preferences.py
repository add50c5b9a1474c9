"""How this user likes to be spoken to: speech rate and answer length, remembered.

    rate    "slow" (a slower voice with a pause after each sentence), "fast",
            or absent (Alexa's normal speed)
    detail  "full" (an answer goes straight on to its details) or absent
            (the short answer first, then "would you like to hear more?")

Read from memory once per session, on its first reply, and carried in the
session state after that; written to memory when the user changes them. That
includes a one-shot question ("ask m. s. massage guide is a hot tub safe"): a
person who asked for a slower voice yesterday hears today's one-shot answer
slowly too. A store that is down, or no store at all, means the defaults.
"""

from .memory import memory
from .state import State, clean_preferences, session_state


def current(handler_input, state: State) -> dict:
    """The preferences for this request (a dict; empty means the defaults).

    `state` is the request's session State (written back after the request),
    so a preference read from memory is carried to the next turn."""
    if state.pref is not None:
        return state.pref
    remembered = memory(handler_input)
    state.pref = clean_preferences(remembered.get("pref")) if remembered.available else {}
    return state.pref


def change(handler_input, **changes) -> dict:
    """Set (or, with None, clear) preferences for this session and in memory."""
    state = session_state(handler_input)
    pref = dict(current(handler_input, state))
    for key, value in changes.items():
        if value is None:
            pref.pop(key, None)
        else:
            pref[key] = value
    state.pref = pref
    remembered = memory(handler_input)
    for key, value in changes.items():      # only what was asked: another device's change to the other stands
        remembered.set_part("pref", key, value)
    return pref
