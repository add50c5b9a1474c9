"""Unseen phrasings through the strict matcher (exact samples only) and the real handler.

These phrasings were written while the keyword search was tuned, so they are
tuning data, not a held-back measure: msguide_tools/eval_sets.py keeps the held-back
sets. A "Do you mean"-style question is answered "yes", as voice_eval does.
"""

import os
import re

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
    user = SimulatedUser()
    response = user.absorb(handler(user.intent_for(MODEL, match), None))
    body = response["response"]
    if not body.get("shouldEndSession") and "Are you asking about" in body["outputSpeech"]["ssml"]:
        # unsure, the skill asks back; the user who meant it says yes
        response = handler(user.intent_for(MODEL, MODEL.map("yes", threshold=101)), None)
        body = response["response"]
    if topic_id == "emergency":
        assert body["shouldEndSession"] is True and "911" in body["outputSpeech"]["ssml"]
        return
    accepted = topic_id.split("|")         # "a|b": two answers that both fit the phrasing
    dont_know = re.search(r"only answer questions about massage|sources don't cover",
                          body["outputSpeech"]["ssml"])
    if "unknown" in accepted and dont_know:  # the honest don't-know: outside massage and MS, or the sheet
        return
    expected = {default_content().get(t).title for t in accepted if t != "unknown"}
    assert body["card"]["title"] in expected, (match, body["outputSpeech"]["ssml"])
