#!/usr/bin/env python3
"""Files for trying the deployed skill from the developer console and the ASK CLI.

    python tools/console_files.py           # write console/<locale>/... (committed)
    python tools/console_files.py --check   # exit 1 if any file is stale
    python tools/console_files.py --skill-id amzn1.ask.skill.… --out var/console   # with your id

Per locale:
  replay-<name>.json        `ask dialog --replay console/en-US/replay-main.json`: the
                            ASK CLI's replay format (skillId, locale, type "text",
                            userInput, ending ".quit"); the committed files carry a
                            placeholder skill id: write your own copy with --skill-id.
  utterance-profiler.txt    phrasings to paste into the console's Utterance Profiler,
                            each with the intent the built model should choose.
Every line is checked against the built voice model (msguide_sim.nlu, exact
samples only) by tests/test_console_files.py, and the output is deterministic.
"""

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "console")
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
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
    ("my legs are so stiff would massage help", "SearchIntent"),
    ("my dad collapsed", "EmergencyIntent"),
    ("i don't want to live anymore", "CrisisIntent"),
    ("remind me every tuesday at 10 am to book a massage", "SetReminderIntent"),
    ("cancel my reminder to book a massage", "CancelReminderIntent"),
    ("go back", "AMAZON.PreviousIntent"),
    ("tell me more", "AMAZON.MoreIntent"),
]


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
        print("stale: console/%s (run tools/console_files.py)" % path, file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
