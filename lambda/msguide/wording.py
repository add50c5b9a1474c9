"""Shared wording (help, reprompts, disclaimer, emergency number) per locale.

wording.json holds a base ("en") and, per supported locale, only what differs.
An unknown or missing locale falls back to en-US, so a request from a locale
we have not listed still gets a complete answer. Its "facts" table names, for
each key whose words state a fact (the emergency number, the crisis line), the
ids of the fact sheet's facts it rests on; its shape is checked at load.
"""

import json
import os
import re

WORDING_FILE = os.path.join(os.path.dirname(__file__), "data", "wording.json")
# interactionModels/model.yaml's `locales`, which Lambda does not ship: the build
# (msguide_tools/build_model.py) refuses to run when the two differ.
LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
DEFAULT_LOCALE = "en-US"

_CACHE = {}


def _load():
    if "all" not in _CACHE:
        with open(WORDING_FILE, encoding="utf-8") as handle:
            data = json.load(handle)
        base = data["en"]
        _check_facts(data.get("facts", {}), base)
        _CACHE["facts"] = data.get("facts", {})
        table = {}
        for locale in LOCALES:
            merged = dict(base)
            merged.update(data.get(locale, {}))
            table[locale] = merged
        _CACHE["all"] = table
    return _CACHE["all"]


def _check_facts(facts, base):
    if not isinstance(facts, dict):
        raise ValueError("%s: 'facts' must map wording keys to fact ids" % WORDING_FILE)
    for key, ids in facts.items():
        if key not in base:
            raise ValueError("%s: facts: %r is not a wording key" % (WORDING_FILE, key))
        if not isinstance(ids, list) or not ids or not all(
                isinstance(i, str) and re.match(r"^[a-z]+-\d+$", i) for i in ids):
            raise ValueError("%s: facts: %r must list fact ids like 'urgent-1'" % (WORDING_FILE, key))


def facts():
    """{wording key: [fact ids]} for the wording that states a fact."""
    _load()
    return _CACHE["facts"]


def supported_locale(locale):
    """The locale we will speak for a request's locale string."""
    return locale if locale in LOCALES else DEFAULT_LOCALE


def for_locale(locale):
    """The complete wording dictionary for a locale."""
    return _load()[supported_locale(locale)]
