"""Shared wording (help, reprompts, disclaimer, emergency number) per locale.

wording.json holds a base ("en") and, per supported locale, only what differs.
An unknown or missing locale falls back to en-US, so a request from a locale
we have not listed still gets a complete answer.
"""

import json
import os

WORDING_FILE = os.path.join(os.path.dirname(__file__), "wording.json")
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
DEFAULT_LOCALE = "en-US"

_CACHE = {}


def _load():
    if "all" not in _CACHE:
        with open(WORDING_FILE, encoding="utf-8") as handle:
            data = json.load(handle)
        base = data["en"]
        table = {}
        for locale in LOCALES:
            merged = dict(base)
            merged.update(data.get(locale, {}))
            table[locale] = merged
        _CACHE["all"] = table
    return _CACHE["all"]


def supported_locale(locale):
    """The locale we will speak for a request's locale string."""
    return locale if locale in LOCALES else DEFAULT_LOCALE


def for_locale(locale):
    """The complete wording dictionary for a locale."""
    return _load()[supported_locale(locale)]
