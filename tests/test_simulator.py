"""The text simulator, driven as a user would drive it: as a subprocess."""

import subprocess
import sys

import pytest

from conftest import LOCALES, ROOT
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


def test_screen_option_shows_what_a_display_shows_and_voice_only_shows_none():
    out = run("--screen", "hub-round-small", "ask", "is a hot tub safe")
    assert "screen: Hot tubs and hot baths | Most people with MS" in out
    assert "buttons: Tell me more, Why heat affects MS, Help" in out
    urgent = run("--screen", "hub-landscape-large", "--locale", "en-GB", "ask", "my dad collapsed")
    assert "Emergency 999" in urgent and "buttons: none" in urgent
    assert "screen:" not in run("ask", "is a hot tub safe")


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
    ("jacuzzi okay for my dad", "HeatIntent"),         # fuzzy: no sample starts this way
    ("blorp fizzle wumpus", "AMAZON.FallbackIntent"),
])
def test_words_map_exactly_then_fuzzily_then_to_fallback(words, intent):
    assert VoiceModel.for_locale("en-US").map(words).intent == intent


def run_failing(*args):
    result = subprocess.run([sys.executable, "-m", "msguide_sim", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    return result.stderr


def test_the_readme_demo_script_is_shipped_and_runs_in_every_locale():
    for locale in LOCALES:
        out = run("--locale", locale, "script", "demo.txt")
        assert out.count("[LaunchRequest]") == 1 and "Sorry, I didn't catch" not in out
        assert out.count("session: ended") == 2


@pytest.mark.parametrize("args,expected", [
    (("--url", "http://127.0.0.1:9/", "ask", "is a hot tub safe"), "is the server running"),
    (("script", "no-such-file.txt"), "no script file no-such-file.txt"),
    (("--locale", "en-NZ", "ask", "hello"), "unknown locale en-NZ"),
])
def test_user_mistakes_get_one_clear_line_not_a_traceback(args, expected):
    err = run_failing(*args)
    assert expected in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 3


def test_help_lists_the_locales():
    out = run("--help")
    for locale in LOCALES:
        assert locale in out


@pytest.mark.parametrize("said", ["open m. s. massage guide", "Alexa, open MS massage guide",
                                  "launch m s massage guide", "start m.s. massage guide",
                                  "ask m. s. massage guide", "open"])
def test_opening_the_skill_by_name_sends_a_launch_request(said):
    out = run("ask", said)
    assert "[LaunchRequest]" in out and "Welcome" in out


@pytest.mark.parametrize("said", ["ask m. s. massage guide is a hot tub safe",
                                  "Alexa, ask ms massage guide whether a hot tub is safe",
                                  "tell m. s. massage guide about hot tubs"])
def test_asking_the_skill_by_name_is_a_one_shot_question(said):
    out = run("ask", said)
    answer = out.split("Alexa:")[1].split("reprompt:")[0].lower()
    assert "[LaunchRequest]" not in out and "hot tub" in answer and "heat" in answer


def test_reminders_work_in_the_simulator_on_a_fresh_clone_and_show_what_goes_to_alexa(tmp_path):
    script = tmp_path / "remind.txt"
    script.write_text("remind me every tuesday at 10 am to book a massage\n"
                      "yes\n"
                      "what reminders do i have\n"
                      "cancel my reminder to book a massage\n"
                      "remind me in two hours to book a massage\n"
                      "yes\n")
    out = run("--locale", "en-GB", "script", str(script))
    turns = out.split("You: ")[1:]
    assert "every Tuesday at 10 AM to book a massage. Shall I set it?" in turns[0]
    assert "to Alexa" not in turns[0]                       # nothing before the yes
    assert "Done. I'll remind you every Tuesday at 10 AM" in turns[1]
    assert "to Alexa: POST /v1/alerts/reminders" in turns[1]
    assert '"FREQ=WEEKLY;BYDAY=TU;BYHOUR=10;BYMINUTE=0;BYSECOND=0;INTERVAL=1"' in turns[1]
    assert '"timeZoneId": "Europe/London"' in turns[1]
    assert "one reminder from me: to book a massage" in turns[2]
    assert "cancelled one reminder" in turns[3] and "to Alexa: DELETE /v1/alerts/reminders/" in turns[3]
    assert "in 2 hours" in turns[5] and '"offsetInSeconds": 7200' in turns[5]
    assert "500" not in out and "couldn't" not in out


def test_ctrl_c_in_the_chat_exits_quietly():
    import signal
    import time
    process = subprocess.Popen([sys.executable, "-m", "msguide_sim", "chat"], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        process.stdin.write("open\n")
        process.stdin.flush()
        seen = ""
        deadline = time.time() + 60
        while "session: open" not in seen and time.time() < deadline:    # waiting for the next line now
            seen += process.stdout.readline()
        assert "Welcome" in seen
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.strip() == ""
    assert process.returncode in (0, 130)


def test_a_url_without_http_is_taken_as_http(live_server):
    from msguide_web.app import create_app
    server = live_server(create_app(verify=False))
    out = run("--url", "127.0.0.1:%d/" % server.port, "ask", "is a hot tub safe")
    assert "Alexa:" in out and "hot tub" in out.lower() and "session: open" in out


@pytest.mark.parametrize("path, status", [("wrong/path", "404"), ("health", "405")])
def test_a_url_that_is_not_the_skills_endpoint_fails_with_one_clear_line(live_server, path, status):
    from msguide_web.app import create_app
    server = live_server(create_app(verify=False))
    err = run_failing("--url", server.url + path, "ask", "is a hot tub safe")
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert status in lines[0] and server.url + path in lines[0] and "endpoint" in lines[0]


def test_a_url_with_another_scheme_is_refused_plainly():
    err = run_failing("--url", "ftp://127.0.0.1/", "ask", "hello")
    assert "http://" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
