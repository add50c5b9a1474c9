"""msguide_tools/certcheck.py: green on the skill, red on a skill that breaks the rules."""

import json
import subprocess
import sys

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from conftest import ROOT
from msguide.skill import build_skill
from msguide_tools import certcheck


def test_the_skill_passes_its_certification_self_check():
    done = subprocess.run([sys.executable, "msguide_tools/certcheck.py"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    assert last.endswith(" 0 failed") and int(last.split()[0]) >= 75
    for locale in certcheck.LOCALES:                       # every locale was tried
        assert "conversation  %s" % locale in done.stdout and "model         %s" % locale in done.stdout


def skill_with(first_handler):
    """The real skill with one handler put in front of the others."""
    return build_skill(persistence_adapter=None, first_handlers=[first_handler])


class HelpThatForgetsToAsk(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.HelpIntent")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("You can ask about massage.").response


class SilentHelp(HelpThatForgetsToAsk):
    def handle(self, handler_input):
        return handler_input.response_builder.response


class EmergencyThatStays(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("EmergencyIntent")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Call for help.").ask("Anything else?").response


def failed(results):
    return {(r.locale, r.check) for r in results if not r.ok}


def test_a_broken_help_intent_fails_the_check():
    for broken in (HelpThatForgetsToAsk(), SilentHelp()):
        send = certcheck.skill_sender(skill_with(broken))
        results = certcheck.run(send, locales=("en-GB",))
        assert ("en-GB", "help answers and asks") in failed(results), type(broken).__name__
        assert certcheck.table(results).strip().splitlines()[-1] != "%d checks, 0 failed" % len(results)


def test_an_emergency_reply_that_keeps_the_session_open_fails():
    send = certcheck.skill_sender(skill_with(EmergencyThatStays()))
    results = certcheck.conversation_checks(send, "en-AU")
    bad = [r for r in results if not r.ok]
    assert len(bad) == 1 and "EmergencyIntent: an emergency reply must end the session" in bad[0].detail


def test_the_response_limits_are_enforced():
    long_speech = {"response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>%s</speak>" % ("word " * 1700)},
                                "shouldEndSession": True}}
    assert any("characters (limit 8000)" in p for p in certcheck.response_problems(long_speech))
    broken_ssml = {"response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>a & b</speak>"},
                                "shouldEndSession": True}}
    assert any("SSML not well-formed" in p for p in certcheck.response_problems(broken_ssml))
    dead_end = {"response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Hello.</speak>"}}}
    assert certcheck.response_problems(dead_end) == ["session stays open without a reprompt (a dead end)"]


def test_the_model_limits_are_checked_against_the_built_files(monkeypatch):
    assert all(r.ok for r in certcheck.model_checks("en-US"))
    monkeypatch.setitem(certcheck.LIMITS, "model_bytes", 100 * 1024)
    monkeypatch.setitem(certcheck.LIMITS, "slot_value_characters", 5)
    bad = [r.check for r in certcheck.model_checks("en-US") if not r.ok]
    assert any(c.startswith("size ") for c in bad) and any(c.startswith("slot values") for c in bad)


def test_invocation_rules():
    assert certcheck.invocation_problems("m. s. massage guide") == []
    assert certcheck.invocation_problems("massage") and certcheck.invocation_problems("open massage guide")
    assert certcheck.invocation_problems("MS Massage Guide")


def test_description_without_the_health_wording_fails():
    manifest = json.load(open(ROOT + "/skill-package/skill.json"))["manifest"]
    manifest["publishingInformation"]["locales"]["en-IN"]["description"] = "Massage answers for MS."
    bad = [r for r in certcheck.manifest_checks(manifest) if not r.ok]
    assert [(r.locale, r.check) for r in bad] == [("en-IN", "description says what a health skill must")]
    assert "not a substitute" in bad[0].detail and "emergency number" in bad[0].detail
