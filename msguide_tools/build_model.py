#!/usr/bin/env python3
"""Build the ASK interaction models from interactionModels/model.yaml.

    python msguide_tools/build_model.py           # write skill-package/.../custom/<locale>.json
    python msguide_tools/build_model.py --check   # exit 1 if the written files are stale

It also writes lambda/msguide/data/topics.packed, the content validated once
for fast cold starts (msguide.content: a stale pack is never used, only slower).

The authored file holds intents and sample patterns; the slot values and
synonyms of the content slot types come from lambda/msguide/data/topics.json,
so a new synonym added to the content reaches the voice model by rebuilding.
"""

import argparse
import json
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "interactionModels", "model.yaml")
OUT_DIR = os.path.join(ROOT, "skill-package", "interactionModels", "custom")

from msguide import content as content_module  # noqa: E402
from msguide.understanding.carriers import KEPT_CARRIER_PREFIX, KEPT_ENDING_PREFIX  # noqa: E402

# The innermost group: "(a|b)" a choice, "[a|b]" a choice that may be left out
# (hassil's notation); "(a|b|)", an empty choice, still means the same as "[a|b]".
_GROUP = re.compile(r"\(([^()\[\]]*)\)|\[([^()\[\]]*)\]")
_VOCAB = re.compile(r"<([a-z_]+)>")
MAX_SAMPLES_PER_PATTERN = 600


class ModelSourceError(ValueError):
    pass


def expand(pattern, vocab=None):
    """All sentences a sample pattern stands for: "(a|b)" choices, "[a]" optional
    words, <vocab>. Spaces are tidied after, so "[my] {symptom}" is "my {symptom}"
    and "{symptom}"."""
    vocab = vocab or {}

    def sub_vocab(match):
        name = match.group(1)
        if name not in vocab:
            raise ModelSourceError("unknown vocabulary <%s> in %r" % (name, pattern))
        return vocab[name]

    text = _VOCAB.sub(sub_vocab, pattern)
    results = [text]
    done = []
    while results:
        current = results.pop()
        match = _GROUP.search(current)
        if not match:
            if re.search(r"[()\[\]]", current):
                raise ModelSourceError("unbalanced bracket in %r" % pattern)
            done.append(" ".join(current.split()))
            continue
        if match.group(1) is not None:
            options = match.group(1).split("|")
        else:
            options = match.group(2).split("|") + [""]
        for option in options:
            results.append(current[:match.start()] + option + current[match.end():])
        if len(results) + len(done) > MAX_SAMPLES_PER_PATTERN:
            raise ModelSourceError("pattern %r expands to too many samples" % pattern)
    seen, ordered = set(), []
    for sample in sorted(done):
        if sample and sample not in seen:
            seen.add(sample)
            ordered.append(sample)
    return ordered


def slot_id(value):
    return re.sub(r"[^A-Z0-9]+", "_", value.upper()).strip("_")


def slot_types(content, names):
    types = []
    for name in names:
        values = []
        for value, synonyms in content.slot_values(name):
            values.append({"id": slot_id(value),
                           "name": {"value": value, "synonyms": synonyms}})
        if not values:
            raise ModelSourceError("slot type %s has no values in the content" % name)
        types.append({"name": name, "values": values})
    return types


def load_source(path=SOURCE):
    with open(path, encoding="utf-8") as handle:
        source = yaml.safe_load(handle)
    for key in ("invocation", "locales", "intents"):
        if key not in source:
            raise ModelSourceError("%s: missing %r" % (path, key))
    return source


TRIAGE = os.path.join(ROOT, "lambda", "msguide", "data", "triage.json")
_WORDS = re.compile(r"[a-z][a-z']*")


def open_start_words(source, content, taken):
    """The starts beyond the written carriers that carry no meaning of their own:
    the names and regional openers in model.yaml's open_starts (names with their
    possessives) and the common English words of its `common` list file, as
    SearchIntent carriers "<word> {query}". Alexa needs a carrier
    before a SearchQuery; without one, "gord's shaking all over" or "yaar his legs
    are stiff" goes to AMAZON.FallbackIntent and its words are lost. A carrier's word
    is not sent, so only words that say nothing are made carriers: never a word of
    the content ("circulation {query}" would send "in her feet is awful"), and never
    a word the safety rules read (any word in triage.json's patterns). `taken`:
    starts already owned by a written sample."""
    spec = source.get("open_starts") or {}
    if not spec:
        return []
    with open(TRIAGE, encoding="utf-8") as handle:
        triage_words = set(_WORDS.findall(handle.read().lower()))
    content_words = {w for topic in content.topics.values()
                     for phrase in list(topic.keywords) + topic.phrases() for w in _WORDS.findall(phrase.lower())}
    words = set(spec.get("words") or [])
    for name in spec.get("names") or []:
        words.update((name, name + "'s"))
    never = set(spec.get("never") or [])
    found = {w for w in words if w not in triage_words | content_words | never and w not in taken}
    if spec.get("common"):
        # ordinary words: a word the rules read is left out only where it matters,
        # when a rule's match could begin with it (see rule_starts)
        common = common_words(os.path.join(os.path.dirname(SOURCE), spec["common"]))
        starts, patterns = rule_starts(content)
        for word in common:
            if word in content_words or word in never or word in taken:
                continue
            if word in triage_words and (_begins_rule(word, starts) or any(p.search(word) for p in patterns)):
                continue
            found.add(word)
    return sorted(found)


# what may stand just before a word of a pattern that a match can begin with
_MAY_BEGIN_AFTER = ("|", "(?:", "(", "^", "?", "*", "}", "\\b")


def rule_starts(content):
    """(the words a triage pattern's match can begin with, the compiled patterns).
    A carrier's word is not sent to the skill: "pretty sure i'm relapsing" reaches
    triage as "sure i'm relapsing", harmless, since no rule's match begins with
    "pretty"; "piece of food stuck" would lose the start of one, so "piece" is kept
    out. Every pattern is read, as triage expands it: the idioms and the rules' all,
    any_of and none."""
    from msguide.understanding import triage as triage_module

    patterns = triage_module.load(TRIAGE, content=content).patterns()
    starts = set()
    for text in patterns:
        for match in _WORDS.finditer(text):
            before = text[:match.start()]
            if not before or before.endswith(_MAY_BEGIN_AFTER):
                starts.add(match.group())
    return starts, list(patterns.values())


def _begins_rule(word, starts):
    # a stem begins a rule too: "suicid[a-z]*", "fall(?:s|en)?"
    return word in starts or any(len(s) >= 3 and word.startswith(s) for s in starts)


def common_words(path):
    """The words of a list file (msguide_tools/common_starts.py writes one): one a line, # comments."""
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


def _add_open_starts(source, content, intents, owner):
    search = next((i for i in intents if i["name"] == "SearchIntent"), None)
    if search is None:
        return
    taken = {sample.split(" ", 1)[0] for sample in owner if sample.endswith(" {query}")}
    taken |= {sample.split(" ", 1)[0] for sample in owner if " " in sample}
    for word in open_start_words(source, content, taken):
        sample = word + " {query}"
        if sample not in owner:
            owner[sample] = "SearchIntent"
            search["samples"].append(sample)


def locales(path=SOURCE):
    """The skill's locales: model.yaml's `locales`, the one list every tool and test reads."""
    if path not in _LOCALES:
        _LOCALES[path] = tuple(load_source(path)["locales"])
    return _LOCALES[path]


_LOCALES = {}


def locale_problems(source=None):
    """What disagrees with model.yaml's locales: the skill's wording (msguide.wording,
    which Lambda reads without model.yaml) and the manifest's publishing locales."""
    from msguide import wording
    wanted = tuple((source or load_source())["locales"])
    found = []
    if tuple(wording.LOCALES) != wanted:
        found.append("msguide/wording.py LOCALES is %s; model.yaml's locales are %s"
                     % (", ".join(wording.LOCALES), ", ".join(wanted)))
    with open(wording.WORDING_FILE, encoding="utf-8") as handle:
        worded = [k for k in json.load(handle) if re.fullmatch(r"[a-z]{2}-[A-Z]{2}", k)]
    if sorted(worded) != sorted(wanted):
        found.append("%s has locales %s; model.yaml's are %s"
                     % (os.path.relpath(wording.WORDING_FILE, ROOT), ", ".join(worded), ", ".join(wanted)))
    with open(os.path.join(ROOT, "skill-package", "skill.json"), encoding="utf-8") as handle:
        published = list(json.load(handle)["manifest"]["publishingInformation"]["locales"])
    if sorted(published) != sorted(wanted):
        found.append("skill-package/skill.json publishes %s; model.yaml's locales are %s"
                     % (", ".join(published), ", ".join(wanted)))
    return found


def _kept_intent(what, key, ways, prefix, shape, owner):
    """The intent of a kept start or ending: `prefix` + the key as its name, a sample
    `shape` % way for the key and each way of saying it (the handler puts the key back)."""
    if not re.fullmatch(r"[a-z]+( [a-z]+){0,3}", key):
        raise ModelSourceError("%s %r: lowercase words only (it becomes an intent name)" % (what, key))
    name = prefix + key.replace(" ", "_")
    samples = []
    for way in [key] + list(ways or []):
        sample = shape % way
        if sample in owner:
            raise ModelSourceError("%s %r: %r is also a sample of %s" % (what, key, way, owner[sample]))
        owner[sample] = name
        samples.append(sample)
    return {"name": name, "samples": samples, "slots": [{"name": "query", "type": "AMAZON.SearchQuery"}]}


def build_language_model(source, content):
    vocab = source.get("vocab") or {}
    intents, owner = [], {}
    for name, spec in source["intents"].items():
        spec = spec or {}
        samples = []
        for pattern in spec.get("samples") or []:
            for sample in expand(pattern, vocab):
                if sample in samples:
                    continue
                if sample in owner and owner[sample] != name:
                    raise ModelSourceError("sample %r is in both %s and %s"
                                           % (sample, owner[sample], name))
                owner[sample] = name
                samples.append(sample)
        intent = {"name": name, "samples": samples}
        slots = spec.get("slots") or {}
        if slots:
            intent["slots"] = [{"name": s, "type": t} for s, t in slots.items()]
        intents.append(intent)
    for entry in source.get("kept_carriers") or []:
        # "fell", or {"bleeding": ["bleedin"]}: one intent for a word and the other ways
        # it is said (an intent each would spend the model's intent limit on spellings)
        word, ways = next(iter(entry.items())) if isinstance(entry, dict) else (entry, [])
        intents.append(_kept_intent("kept carrier", word, ways, KEPT_CARRIER_PREFIX, "%s {query}", owner))
    for start, ways in (source.get("kept_starts") or {}).items():
        intents.append(_kept_intent("kept start", start, ways, KEPT_CARRIER_PREFIX, "%s {query}", owner))
    for ending, ways in (source.get("kept_endings") or {}).items():
        intents.append(_kept_intent("kept ending", ending, ways, KEPT_ENDING_PREFIX, "{query} %s", owner))
    _add_open_starts(source, content, intents, owner)
    return {
        "invocationName": source["invocation"],
        "intents": intents,
        "types": slot_types(content, source.get("content_slot_types") or [])
        + authored_types(source.get("types") or {}),
    }


def authored_types(types):
    """Slot types written in model.yaml: {TYPE: {value: [synonyms]}}."""
    built = []
    for name, values in types.items():
        entries = [{"id": slot_id(value), "name": {"value": value, "synonyms": list(synonyms or [])}}
                   for value, synonyms in values.items()]
        built.append({"name": name, "values": entries})
    return built


def build_all(source=None, content=None):
    """{locale: model dict} for every locale the source names."""
    source = source or load_source()
    content = content or content_module.load()
    language_model = build_language_model(source, content)
    return {locale: {"interactionModel": {"languageModel": language_model}}
            for locale in source["locales"]}


def serialize(model):
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def out_path(locale, out_dir=OUT_DIR):
    return os.path.join(out_dir, locale + ".json")


def stale_files(models, out_dir=OUT_DIR):
    """Locales whose written file differs from a fresh build."""
    stale = []
    for locale, model in models.items():
        path = out_path(locale, out_dir)
        try:
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        except OSError:
            current = None
        if current != serialize(model):
            stale.append(path)
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only report stale files (exit 1 if any)")
    args = parser.parse_args(argv)
    problems = locale_problems()
    for problem in problems:
        print("locales: %s" % problem)
    if problems:
        return 1
    models = build_all()
    if args.check:
        stale = stale_files(models)
        if not content_module.pack_is_fresh():
            stale.append(content_module.packed_path(content_module.CONTENT_FILE))
        for path in stale:
            print("stale: %s (run python msguide_tools/build_model.py)" % os.path.relpath(path, ROOT))
        return 1 if stale else 0
    if content_module.write_pack():
        print("wrote %s" % os.path.relpath(content_module.packed_path(content_module.CONTENT_FILE), ROOT))
    os.makedirs(OUT_DIR, exist_ok=True)
    for locale, model in models.items():
        with open(out_path(locale), "w", encoding="utf-8") as handle:
            handle.write(serialize(model))
    counts = {i["name"]: len(i["samples"]) for i in
              next(iter(models.values()))["interactionModel"]["languageModel"]["intents"]}
    print("wrote %d locales; %d intents, %d samples"
          % (len(models), len(counts), sum(counts.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
