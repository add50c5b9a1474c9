"""The console and ASK CLI files: fresh, and every phrasing reaches the intent it should."""

import json

import pytest

from msguide_sim.nlu import VoiceModel
from msguide_tools import console_files


def test_the_files_are_fresh_and_deterministic():
    assert console_files.main(["--check"]) == 0, "run python msguide_tools/console_files.py"
    assert console_files.files("x") == console_files.files("x")


@pytest.mark.parametrize("locale", console_files.LOCALES)
def test_every_phrasing_reaches_its_intent_with_the_strict_matcher(locale):
    model = VoiceModel.for_locale(locale)
    pairs = list(console_files.PROFILER)
    for turns in console_files.CONVERSATIONS.values():
        pairs += [(said, intent) for said, intent in turns if intent]
    for said, intent in pairs:
        assert model.map(said, threshold=101).intent == intent, (locale, said)


def test_replay_files_have_the_ask_cli_shape():
    for path, text in console_files.files("amzn1.ask.skill.test").items():
        if "/replay-" not in path:
            continue
        replay = json.loads(text)
        assert set(replay) == {"skillId", "locale", "type", "userInput"}
        assert replay["type"] == "text" and replay["skillId"] and replay["locale"]
        assert replay["userInput"][-1] == ".quit" and all(i.strip() for i in replay["userInput"])


def annotation_problems(annotation_set, language_model):
    """What in an NLU annotation set the built model could not satisfy."""
    intents = {i["name"]: {s["name"] for s in i.get("slots", [])} for i in language_model["intents"]}
    problems = []
    for entry in annotation_set["data"]:
        said = entry["inputs"]["utterance"]
        if set(entry) != {"inputs", "expected"} or not said.strip():
            problems.append("malformed entry %r" % entry)
            continue
        for expected in entry["expected"]:
            name = expected["intent"]["name"]
            if name not in intents:
                problems.append("%r: no intent %s in the model" % (said, name))
                continue
            for slot, value in expected["intent"].get("slots", {}).items():
                if slot not in intents[name]:
                    problems.append("%r: intent %s has no slot %s" % (said, name, slot))
                elif value["value"] not in said:
                    problems.append("%r: slot words %r are not in the utterance" % (said, value["value"]))
    return problems


@pytest.mark.parametrize("locale", console_files.LOCALES)
def test_the_annotation_set_refers_only_to_intents_and_slots_of_the_built_model(locale):
    import os

    from conftest import ROOT
    path = os.path.join(ROOT, "skill-package", "interactionModels", "custom", locale + ".json")
    language_model = json.load(open(path))["interactionModel"]["languageModel"]
    annotation_set = json.load(open(os.path.join(ROOT, "console", locale, "nlu-annotations.json")))
    assert annotation_problems(annotation_set, language_model) == []
    assert len(annotation_set["data"]) >= 400
    names = {e["expected"][0]["intent"]["name"] for e in annotation_set["data"]}
    assert {"EmergencyIntent", "CrisisIntent", "SymptomIntent", "SearchIntent"} <= names
    broken = {"data": [{"inputs": {"utterance": "juggle for me"},
                        "expected": [{"intent": {"name": "JuggleIntent"}}]},
                       {"inputs": {"utterance": "is a hot tub safe"},
                        "expected": [{"intent": {"name": "HeatIntent", "slots": {"colour": {"value": "red"}}}}]}]}
    assert len(annotation_problems(broken, language_model)) == 2


def test_the_annotation_set_never_holds_a_held_back_phrasing():
    from msguide.content import default_content  # noqa: F401 - the content loads first
    from msguide_sim.nlu import normalize
    from msguide_tools import eval_sets
    said = {e["inputs"]["utterance"] for e in console_files.annotations("en-US")["data"]}
    held = {normalize(c["say"]) for c in eval_sets.ordinary_cases() + eval_sets.safety_cases()
            if c["part"] == "held"}
    tuned = {normalize(c["say"]) for c in eval_sets.ordinary_cases() + eval_sets.safety_cases()
             if c["part"] == "tune"}
    assert held and not (said & (held - tuned))
