"""The text simulator, driven as a user would drive it: as a subprocess."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from msguide_sim.nlu import VoiceModel


def run(*args, stdin=None):
    result = subprocess.run([sys.executable, "-m", "msguide_sim", *args], cwd=ROOT, input=stdin,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_one_shot_question():
    out = run("ask", "is a hot tub safe")
    assert "[HeatIntent" in out
    assert "heat" in out.lower() and "session: open" in out
    assert "card: Hot tubs and hot baths" in out


def test_scripted_conversation_carries_state(tmp_path):
    script = tmp_path / "talk.txt"
    script.write_text("open\nwhat massage helps with fatigue\nyes\nrepeat that\n"
                      "# a comment line is skipped\nstop\n")
    out = run("script", str(script))
    turns = out.split("You: ")[1:]
    assert len(turns) == 5
    assert "not medical advice" in turns[0]
    assert "fatigue" in turns[1]
    assert "six weeks" in turns[2]                      # yes -> the longer answer
    assert turns[3].split("Alexa:")[1].split("reprompt")[0] == turns[2].split("Alexa:")[1].split("reprompt")[0]
    assert "session: ended" in turns[4]


def test_locale_option_changes_the_emergency_number():
    out = run("--locale", "en-AU", "ask", "my dad collapsed and isn't breathing")
    assert "000" in out and "session: ended" in out


def test_json_flag_shows_request_and_response():
    out = run("--json", "ask", "what is reiki")
    assert '"type": "IntentRequest"' in out and '"outputSpeech"' in out


def test_chat_against_the_local_endpoint_over_http(live_server):
    from msguide_web.app import create_app
    server = live_server(create_app(verify=False))
    out = run("--url", server.url, "chat", stdin="open\ndoes massage cure ms\nstop\n")
    assert "Welcome" in out and "isn't a cure" in out and "session: ended" in out


@pytest.mark.parametrize("words, intent", [
    ("is a jacuzzi safe", "HeatIntent"),
    ("what's shiatsu", "MassageTypeIntent"),
    ("tell me more", "AMAZON.MoreIntent"),
    ("hot tubs okay for people with ms", "HeatIntent"),        # fuzzy: no sample starts this way
    ("blorp fizzle wumpus", "AMAZON.FallbackIntent"),
])
def test_words_map_exactly_then_fuzzily_then_to_fallback(words, intent):
    assert VoiceModel.for_locale("en-US").map(words).intent == intent
