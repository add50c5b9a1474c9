#!/usr/bin/env python3
"""Files for trying the deployed skill from the developer console and the ASK CLI.

    python msguide_tools/console_files.py           # write console/<locale>/... (committed)
    python msguide_tools/console_files.py --check   # exit 1 if any file is stale
    python msguide_tools/console_files.py --skill-id amzn1.ask.skill.… --out var/console   # with your id

Per locale:
  replay-<name>.json        `ask dialog --replay console/en-US/replay-main.json`: the
                            ASK CLI's replay format (skillId, locale, type "text",
                            userInput, ending ".quit"); the committed files carry a
                            placeholder skill id: write your own copy with --skill-id.
  utterance-profiler.txt    phrasings to paste into the console's Utterance Profiler,
                            each with the intent the built model should choose.
  nlu-annotations.json      an NLU annotation set for `ask smapi
                            update-annotations-for-nlu-annotation-sets` (the
                            SMAPI body format: {"data": [{"inputs": {"utterance"},
                            "expected": [{"intent": {"name", "slots"}}]}]}): the
                            tuning part of the project's own phrasing sets
                            (tests/data: paraphrases, ordinary and safety
                            cases; never the held-back part), each with the intent
                            and slot words the project's model routes it to,
                            the routing the suite verifies ends in the right answer.
Every line is checked against the built voice model (msguide_sim.nlu, exact
samples only) by tests/test_console_files.py, and the output is deterministic.
"""

import argparse
import functools
import json
import os
import sys

from msguide_tools import build_model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "console")
LOCALES = build_model.locales()
PLACEHOLDER_ID = "amzn1.ask.skill.REPLACE-WITH-YOUR-SKILL-ID"
# Conversations: (said, the intent the model must choose; None for the launch phrase).
CONVERSATIONS = {
    "main": [("open m. s. massage guide", None), ("what massage helps with fatigue", "SymptomIntent"),
             ("yes", "AMAZON.YesIntent"), ("yes", "AMAZON.YesIntent"), ("go back", "AMAZON.PreviousIntent"),
             ("repeat that", "AMAZON.RepeatIntent"), ("stop", "AMAZON.StopIntent")],
    "emergency": [("open m. s. massage guide", None), ("my dad collapsed", "EmergencyIntent")],
    "reminder": [("open m. s. massage guide", None),
                 ("remind me every tuesday at 10 am to book a massage", "SetReminderIntent"),
                 ("yes", "AMAZON.YesIntent"), ("what reminders do i have", "ListRemindersIntent"),
                 ("stop", "AMAZON.StopIntent")],
}
PROFILER = [
    ("what massage helps with fatigue", "SymptomIntent"),
    ("is a hot tub safe", "HeatIntent"),
    ("should i get a massage during a relapse", "ConditionIntent"),
    ("how do i find a massage therapist", "FindTherapistIntent"),
    ("what is shiatsu", "MassageTypeIntent"),
    ("how often should i get a massage", "FrequencyIntent"),
    ("my legs are so stiff would massage help", "MassageQuestionIntent"),
    ("my dad collapsed", "EmergencyIntent"),
    ("i don't want to live anymore", "CrisisIntent"),
    ("remind me every tuesday at 10 am to book a massage", "SetReminderIntent"),
    ("cancel my reminder to book a massage", "CancelReminderIntent"),
    ("go back", "AMAZON.PreviousIntent"),
    ("tell me more", "AMAZON.MoreIntent"),
]


def annotation_phrasings():
    """Every tuning-part phrasing of the project's own sets, once, in a stable order."""
    import yaml

    from msguide_tools import eval_sets
    said = []
    with open(os.path.join(ROOT, "tests", "data", "paraphrases.yaml"), encoding="utf-8") as handle:
        said += [words for words, _topic in yaml.safe_load(handle)]
    said += [c["say"] for c in eval_sets.ordinary_cases() + eval_sets.safety_cases() if c["part"] == "tune"]
    said += [words for words, _intent in PROFILER]
    seen, out = set(), []
    for words in said:
        key = " ".join(words.lower().split())
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


@functools.lru_cache(maxsize=None)
def annotations(locale):
    """The NLU annotation set for a locale: the built model's routing of every phrasing
    (as Alexa would transcribe it: lower case, no punctuation)."""
    from msguide_sim.nlu import VoiceModel, normalize
    model = VoiceModel.for_locale(locale)
    data = []
    for words in dict.fromkeys(normalize(w) for w in annotation_phrasings()):
        match = model.map(words, threshold=101)
        if match is None or match.intent == "AMAZON.FallbackIntent":
            continue
        intent = {"name": match.intent}
        slots = {name: {"value": value} for name, value in sorted(match.slots.items()) if value}
        if slots:
            intent["slots"] = slots
        data.append({"inputs": {"utterance": words}, "expected": [{"intent": intent}]})
    return {"data": data}


def files(skill_id=PLACEHOLDER_ID):
    """{relative path: text} for every file, in a stable order."""
    out = {}
    for locale in LOCALES:
        for name, turns in CONVERSATIONS.items():
            replay = {"skillId": skill_id, "locale": locale, "type": "text",
                      "userInput": [said for said, _intent in turns] + [".quit"]}
            out["%s/replay-%s.json" % (locale, name)] = json.dumps(replay, indent=2) + "\n"
        lines = ["# Paste into the console's Utterance Profiler (Build > Utterance Profiler);",
                 "# the intent the model should choose follows each phrasing.", ""]
        lines += ["%s\t%s" % (said, intent) for said, intent in PROFILER]
        out["%s/utterance-profiler.txt" % locale] = "\n".join(lines) + "\n"
        out["%s/nlu-annotations.json" % locale] = json.dumps(annotations(locale), indent=1) + "\n"
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--skill-id", default=PLACEHOLDER_ID)
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args(argv)
    stale = []
    for path, text in files(args.skill_id).items():
        full = os.path.join(args.out, path)
        if args.check:
            if not os.path.exists(full) or open(full, encoding="utf-8").read() != text:
                stale.append(path)
            continue
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as handle:
            handle.write(text)
    for path in stale:
        print("stale: console/%s (run msguide_tools/console_files.py)" % path, file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
