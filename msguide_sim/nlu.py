"""Map typed words to an intent and slots using the project's built voice model.

A stand-in for Alexa's language understanding, in three steps:
1. exact: every sample utterance becomes a regular expression (custom slot
   types match their values and synonyms, built-in types match any words);
   among matches, the sample with the most literal words wins (then the one
   with fewer slots, then the one with more custom-typed slots);
2. fuzzy: slot phrases found in the words are replaced by a placeholder and
   the result is compared with every sample using rapidfuzz's token-sort
   ratio; the best score at or above the threshold wins;
3. otherwise AMAZON.FallbackIntent.
"""

import json
import os
import re

from . import ROOT

FALLBACK = "AMAZON.FallbackIntent"
PLACEHOLDER = "{slot}"
BUILTIN_PHRASES = {
    "AMAZON.HelpIntent": ["help"], "AMAZON.StopIntent": ["stop"],
    "AMAZON.CancelIntent": ["cancel"], "AMAZON.YesIntent": ["yes"],
    "AMAZON.NoIntent": ["no"], "AMAZON.RepeatIntent": ["repeat"],
    "AMAZON.MoreIntent": ["more"], "AMAZON.NavigateHomeIntent": ["go home"],
}


def normalize(text):
    text = str(text).lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^\w\s']", " ", text).split())


def locales():
    """The locales the built voice model exists for."""
    folder = os.path.dirname(model_path("x"))
    return sorted(name[:-5] for name in os.listdir(folder) if name.endswith(".json"))


def model_path(locale):
    return os.path.join(ROOT, "skill-package", "interactionModels", "custom", locale + ".json")


class Sample:
    __slots__ = ("intent", "text", "slots", "words", "literal", "template", "regex", "groups")

    def __init__(self, intent, text, slots, words, literal, template):
        self.intent, self.text, self.slots = intent, text, slots
        self.words, self.literal, self.template = words, literal, template
        self.regex, self.groups = None, {}


class Match:
    __slots__ = ("intent", "slots", "method", "score")

    def __init__(self, intent, slots, method, score):
        self.intent, self.slots, self.method, self.score = intent, slots, method, score

    def __repr__(self):
        return "Match(%s, %s, %s, %.0f)" % (self.intent, self.slots, self.method, self.score)


class VoiceModel:
    def __init__(self, language_model):
        self.invocation = language_model["invocationName"]
        self.values = {}                     # type -> {phrase: (canonical, id)}
        for slot_type in language_model.get("types", []):
            table = {}
            for entry in slot_type["values"]:
                name = entry["name"]
                for phrase in [name["value"]] + list(name.get("synonyms", [])):
                    table.setdefault(normalize(phrase), (name["value"], entry.get("id")))
            self.values[slot_type["name"]] = table
        self.slot_types = {}                 # intent -> {slot: type}
        self.samples = []                    # Sample, regex compiled on first use
        for intent in language_model["intents"]:
            slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
            self.slot_types[intent["name"]] = slots
            for text in list(intent.get("samples", [])) + BUILTIN_PHRASES.get(intent["name"], []):
                self.samples.append(self._compile(intent["name"], text, slots))
        self._owners = {}
        for type_name, table in self.values.items():
            for phrase in table:
                self._owners.setdefault(phrase, []).append(type_name)
        ordered = sorted(self._owners, key=len, reverse=True)
        self._spotter = re.compile(r"(?<![\w'])(?:%s)(?![\w'])" % "|".join(map(re.escape, ordered))) \
            if ordered else None

    @classmethod
    def for_locale(cls, locale="en-US"):
        with open(model_path(locale), encoding="utf-8") as handle:
            return cls(json.load(handle)["interactionModel"]["languageModel"])

    def _slot_pattern(self, type_name):
        phrases = self.values.get(type_name)
        if phrases:
            return "(?:%s)" % "|".join(map(re.escape, sorted(phrases, key=len, reverse=True)))
        return ".+?"

    def _compile(self, intent, text, slots):
        """A sample, with its regular expression compiled only when needed."""
        words, template = [], []
        for token in re.split(r"(\{[^}]+\})", text):
            if token.startswith("{"):
                template.append(PLACEHOLDER)
            elif token.strip():
                words.extend(normalize(token).split())
                template.append(normalize(token))
        return Sample(intent, text, slots, frozenset(words), len(words), " ".join(template))

    def _regex(self, sample):
        if sample.regex is None:
            parts, groups = [], {}
            for token in re.split(r"(\{[^}]+\})", sample.text):
                if token.startswith("{"):
                    group = "g%d" % len(groups)
                    groups[group] = token[1:-1]
                    parts.append("(?P<%s>%s)" % (group, self._slot_pattern(sample.slots.get(token[1:-1]))))
                elif token.strip():
                    parts.append(re.escape(normalize(token)).replace(r"\ ", " "))
            sample.regex, sample.groups = re.compile(" ".join(parts)), groups
        return sample.regex

    def _exact(self, said):
        present = set(said.split())
        best, best_key = None, None
        for sample in self.samples:
            if not sample.words <= present:
                continue
            found = self._regex(sample).fullmatch(said)
            # Ties go to the sample whose slots are custom types (their words are
            # listed values), not built-ins that take any words, as Alexa resolves them.
            custom = sum(1 for name in sample.groups.values()
                         if not str(sample.slots.get(name, "AMAZON.")).startswith("AMAZON."))
            key = (sample.literal, -len(sample.groups), custom)
            if found and (best_key is None or key > best_key):
                best_key = key
                best = Match(sample.intent, {sample.groups[g]: v for g, v in found.groupdict().items() if v},
                             "exact", 100.0)
        return best

    def _fuzzy(self, said):
        from rapidfuzz import fuzz
        spotted = []
        template = said
        if self._spotter is not None:
            spotted = [(m.group(0), self._owners[m.group(0)]) for m in self._spotter.finditer(said)]
            template = self._spotter.sub(PLACEHOLDER, said)
        spotted_types = {t for _phrase, owners in spotted for t in owners}
        best, best_key = None, None
        for sample in self.samples:
            score = fuzz.token_sort_ratio(template, sample.template, processor=None)
            fits = len(spotted_types & set(sample.slots.values()))   # slot types that fit the words
            key = (score, fits, sample.literal)
            if best_key is None or key > best_key:
                best_key, best = key, sample
        slots, used = {}, set()
        intent = best.intent
        types = self.slot_types.get(intent, {})
        for slot in re.findall(r"\{([^}]+)\}", best.text):
            for index, (phrase, owners) in enumerate(spotted):
                if index not in used and types.get(slot) in owners:
                    slots[slot] = phrase
                    used.add(index)
                    break
        return Match(intent, slots, "fuzzy", best_key[0])

    def map(self, text, threshold=80.0):
        said = normalize(text)
        if not said:
            return Match(FALLBACK, {}, "fallback", 0.0)
        exact = self._exact(said)
        if exact is not None:
            return exact
        fuzzy = self._fuzzy(said)
        if fuzzy.score >= threshold:
            return fuzzy
        return Match(FALLBACK, {}, "fallback", fuzzy.score)

    def resolve(self, intent, slot, spoken):
        """(canonical, id) for a custom slot value, or None."""
        type_name = self.slot_types.get(intent, {}).get(slot)
        return self.values.get(type_name, {}).get(normalize(spoken))
