"""Unseen phrasings through the strict matcher (exact samples only) and the real handler."""

import os

import pytest
import yaml

from conftest import ROOT
from msguide.content import default_content
from msguide_sim.envelopes import SimulatedUser
from msguide_sim.nlu import VoiceModel

CASES = yaml.safe_load(open(os.path.join(ROOT, "tests", "data", "paraphrases.yaml")))
MODEL = VoiceModel.for_locale("en-US")


@pytest.mark.parametrize("words, topic_id", CASES)
def test_unseen_phrasing_reaches_the_right_answer(handler, words, topic_id):
    match = MODEL.map(words, threshold=101)          # strict: no fuzzy rescue
    response = handler(SimulatedUser().intent_for(MODEL, match), None)
    body = response["response"]
    if topic_id == "emergency":
        assert body["shouldEndSession"] is True and "911" in body["outputSpeech"]["ssml"]
        return
    if topic_id == "unknown":
        assert "only answer questions about massage" in body["outputSpeech"]["ssml"]
        return
    expected = default_content().get(topic_id).title
    assert body["card"]["title"] == expected, (match, body["outputSpeech"]["ssml"])
