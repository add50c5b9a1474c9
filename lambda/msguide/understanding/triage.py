"""Safety triage: the first check on every piece of words the skill receives.

The rules are data (data/triage.json); this module is their one owner. It
loads and validates them at start-up (a bad rule raises ContentError naming
the file, the tier and the rule), replaces idioms by their meaning ("this
fatigue is killing me" is "this fatigue is really bothering me"), then tries the tiers in order: crisis, emergency,
overheating, relapse, contraindications, medicines, diagnosis. The first
rule that fires names the topic that answers.

A rule fires when every pattern in "all" matches, at least one in "any_of"
matches (when given) and none in "none" does. Patterns are matched on whole
words of the normalised text, so they need no \\b of their own.
"""

import functools
import os
import re

from ..content import ContentError, default_content, read_json
from .normalize import words as normalize

TRIAGE_FILE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "triage.json")
_RULE_KEYS = ("all", "any_of", "none")
CACHE_SIZE = 4096
_VOCAB_REF = re.compile(r"<([a-z_]+)>")


class Rule:
    __slots__ = ("all", "any_of", "none")

    def __init__(self, all_, any_of, none):
        self.all, self.any_of, self.none = all_, any_of, none

    def fires(self, said):
        return (all(p.search(said) for p in self.all)
                and (not self.any_of or any(p.search(said) for p in self.any_of))
                and not any(p.search(said) for p in self.none))


class Tier:
    __slots__ = ("name", "topic", "rules")

    def __init__(self, name, topic, rules):
        self.name, self.topic, self.rules = name, topic, rules


class Triage:
    """Compiled triage rules over a Content."""

    def __init__(self, data, content, path="<triage>"):
        self.path = path
        if not isinstance(data, dict) or not isinstance(data.get("tiers"), list):
            self._fail("top level", "needs a 'tiers' list")
        vocab = data.get("vocab", {})
        if not isinstance(vocab, dict):
            self._fail("vocab", "must be an object")
        self._vocab = vocab
        self._compiled = {}         # expanded pattern -> regex: shared pieces compile once
        self._calm = None           # <history>|<chronic>, compiled on first use
        self.idioms = []
        for index, entry in enumerate(data.get("idioms", [])):
            where = "idioms[%d]" % index
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], str)):
                self._fail(where, "each idiom is [pattern, plain meaning]")
            self.idioms.append((self._compile(entry[0], where), entry[1]))
        self.tiers = []
        for index, tier in enumerate(data["tiers"]):
            where = "tier %d (%s)" % (index, tier.get("name") if isinstance(tier, dict) else "?")
            if not isinstance(tier, dict) or not tier.get("name") or not tier.get("topic"):
                self._fail(where, "needs 'name', 'topic' and 'rules'")
            topic = content.get(tier["topic"])
            if topic is None:
                self._fail(where, "unknown topic %r" % tier["topic"])
            rules = tier.get("rules")
            if not isinstance(rules, list) or not rules:
                self._fail(where, "'rules' must be a non-empty list")
            self.tiers.append(Tier(tier["name"], topic,
                                   [self._rule(r, "%s rule %d" % (where, i)) for i, r in enumerate(rules)]))
        # The same words come back often (slot values are a short list), and
        # the rules cannot change while the process runs.
        self.tier_for = functools.lru_cache(maxsize=CACHE_SIZE)(self._tier_for)
        self.plain = functools.lru_cache(maxsize=CACHE_SIZE)(self._plain)
        self.has_idiom = functools.lru_cache(maxsize=CACHE_SIZE)(self._has_idiom)

    def patterns(self):
        """{pattern with its vocabulary expanded: compiled} for every idiom and rule
        pattern (all, any_of, none) read so far: what a match can be made of."""
        return dict(self._compiled)

    def _fail(self, where, message):
        raise ContentError("%s: %s: %s" % (self.path, where, message))

    def _expand(self, pattern, where, depth=0):
        def sub(match):
            name = match.group(1)
            if name not in self._vocab:
                self._fail(where, "unknown vocabulary <%s>" % name)
            if depth > 5:
                self._fail(where, "vocabulary nests too deeply at <%s>" % name)
            return "(?:%s)" % self._expand(self._vocab[name], where, depth + 1)
        return _VOCAB_REF.sub(sub, pattern)

    def _compile(self, pattern, where):
        if not isinstance(pattern, str) or not pattern.strip():
            self._fail(where, "a pattern must be a non-empty string")
        expanded = self._expand(pattern, where)
        if expanded in self._compiled:
            return self._compiled[expanded]
        try:
            # Whole words: no letter may touch either end of a match, unless the
            # match itself ends (or begins) with the space ("^why " must match "why is").
            compiled = re.compile(r"(?:(?= )|(?<![a-z0-9']))(?:%s)(?:(?<= )|(?![a-z0-9']))" % expanded)
            self._compiled[expanded] = compiled
            return compiled
        except re.error as exc:
            self._fail(where, "pattern %r is not valid: %s" % (pattern, exc))

    def _rule(self, raw, where):
        if not isinstance(raw, dict) or not raw.get("all"):
            self._fail(where, "needs a non-empty 'all' list")
        unknown = set(raw) - set(_RULE_KEYS)
        if unknown:
            self._fail(where, "unknown field(s) %s" % ", ".join(sorted(unknown)))
        parts = []
        for key in _RULE_KEYS:
            patterns = raw.get(key, [])
            if not isinstance(patterns, list):
                self._fail(where, "field %r must be a list" % key)
            parts.append([self._compile(p, "%s %s" % (where, key)) for p in patterns])
        return Rule(*parts)

    def _plain(self, said):
        """Normalised words with idioms replaced by what they mean (cached as plain)."""
        said = normalize(said)
        for pattern, meaning in self.idioms:
            said = pattern.sub(meaning, said)
        return " ".join(said.split())

    def _has_idiom(self, text):
        """True when the words hold an idiom the rules read by its plain meaning ("this
        ramp will be the death of me"): the rules have judged what it means (cached)."""
        said = normalize(text)
        return any(pattern.search(said) for pattern, _meaning in self.idioms)

    def _tier_for(self, text):
        """The first Tier whose rule fires on the words, or None (cached as tier_for)."""
        said = self.plain(text)
        if not said:
            return None
        for tier in self.tiers:
            if any(rule.fires(said) for rule in tier.rules):
                return tier
        return None

    def past_or_ongoing(self, text):
        """True when the words place what they describe in the past ("when I was a
        kid", "years ago") or as a long-standing pattern ("sometimes", "when I'm
        tired"): the markers the rules use to keep history out of the emergency tier."""
        if self._calm is None:
            names = [n for n in ("history", "chronic") if n in self._vocab]
            self._calm = self._compile("|".join("<%s>" % n for n in names), "vocab") if names else False
        return bool(self._calm) and bool(self._calm.search(self.plain(text)))

    def check(self, *texts):
        """The topic of the most urgent tier any of the texts triggers, or None."""
        best = None
        for text in texts:
            tier = self.tier_for(text) if text else None
            if tier is not None and (best is None or self.tiers.index(tier) < self.tiers.index(best)):
                best = tier
        return best.topic if best else None


def load(path=TRIAGE_FILE, content=None):
    return Triage(read_json(path), content or default_content(), path)


_CACHE = {}


def default_triage():
    if "triage" not in _CACHE:
        _CACHE["triage"] = load()
    return _CACHE["triage"]
