"""The console and ASK CLI files: fresh, and every phrasing reaches the intent it should."""

import json

import pytest

from msguide_sim.nlu import VoiceModel
from msguide_tools import console_files


def test_the_files_are_fresh_and_deterministic():
    assert console_files.main(["--check"]) == 0, "run python tools/console_files.py"
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
        if not path.endswith(".json"):
            continue
        replay = json.loads(text)
        assert set(replay) == {"skillId", "locale", "type", "userInput"}
        assert replay["type"] == "text" and replay["skillId"] and replay["locale"]
        assert replay["userInput"][-1] == ".quit" and all(i.strip() for i in replay["userInput"])
