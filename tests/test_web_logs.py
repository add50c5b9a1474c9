"""What the running endpoint writes to its log, read from `python -m msguide_web`'s stderr.

A request cannot forge a log line or send terminal escapes through it; a
handler error is one line, not a traceback; the user's words stay out of it,
including the reminders the local fake Alexa API is sent.
"""

import json
import urllib.request

import pytest

from alexa import Session, speech_text
from served import Served

FORGED = "2026-12-01 10:00:00,000 msguide.web INFO {\"request_id\": \"forged\"}"


@pytest.fixture(scope="module")
def served():
    server = Served("--local-testing")
    yield server
    server.stop()


def post(url, envelope):
    request = urllib.request.Request(url, data=json.dumps(envelope).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return reply.status, json.loads(reply.read())


def new_log(server, before):
    return server.log()[len(before):]


def exception_encountered(message):
    session = Session()
    return session.envelope(session.request(
        "System.ExceptionEncountered", error={"type": "INVALID_RESPONSE", "message": message},
        cause={"requestId": "amzn1.echo-api.request.1"}))


@pytest.mark.parametrize("envelope", [
    exception_encountered("bad directive\n" + FORGED + "\x1b[2J\x1b[31m"),
    exception_encountered("bad directive\r\u2028" + FORGED + "\x85"),
    Session().permission_answer("DENIED", code="500\n" + FORGED + "\x1b]0;owned\x07"),
], ids=["newline and ANSI", "other line breaks", "AskFor status code"])
def test_a_request_cannot_forge_a_log_line_or_send_terminal_escapes(served, envelope):
    before = served.log()
    status, _ = post(served.url, envelope)
    log = new_log(served, before)
    assert status == 200
    assert "bad directive" in log or "AskFor answered" in log
    for line in log.splitlines():
        assert not line.startswith(FORGED[:30]), line
    assert "\x1b" not in log and "\x07" not in log and "\u2028" not in log and "\x85" not in log


def test_a_5000_digit_duration_is_asked_about_again_without_a_traceback(served):
    before = served.log()
    session = Session()
    status, reply = post(served.url, session.intent(
        "SetReminderIntent", task=("book a massage", "book a massage"), after="PT" + "9" * 5000 + "M"))
    log = new_log(served, before)
    assert status == 200
    assert "went wrong" not in speech_text(reply)
    assert "which day should i remind you" in speech_text(reply).lower()
    assert "Traceback" not in log and "9999999999" not in log


def test_the_fake_alexa_api_logs_a_reminders_schedule_not_its_words(served):
    before = served.log()
    session = Session()
    task = ("book a massage", "book a massage")
    asked = post(served.url, session.intent("SetReminderIntent", task=task, recurrence=("every day", "daily"),
                                            time="09:00"))[1]
    session.absorb(asked)
    status, reply = post(served.url, session.intent("AMAZON.YesIntent"))
    log = new_log(served, before)
    assert status == 200 and "I'll remind you every day at 9 AM" in speech_text(reply)
    assert "POST /v1/alerts/reminders" in log and "FREQ=DAILY" in log
    assert "massage" not in log.lower()


def test_a_handler_error_is_one_log_line_naming_the_place_not_a_traceback(live_server, caplog):
    import logging

    from ask_sdk_core.dispatch_components import AbstractRequestHandler

    from msguide.skill import build_skill
    from msguide_web.app import create_app

    class Broken(AbstractRequestHandler):         # a handler that fails the way code does
        def can_handle(self, handler_input):
            return True

        def handle(self, handler_input):
            words = handler_input.request_envelope.request.intent.slots["query"].value
            return int(words)                     # ValueError quoting the user's words

    server = live_server(create_app(skill=build_skill(persistence_adapter=None, first_handlers=[Broken()]),
                                    verify=False))
    with caplog.at_level(logging.INFO):
        status, reply = post(server.url, Session().intent("SearchIntent", query="my secret bladder question"))
    assert status == 200 and "went wrong" in speech_text(reply)
    errors = [r for r in caplog.records if r.name == "msguide" and r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None
    assert errors[0].getMessage().startswith("handler error: ValueError at ")
    assert "test_web_logs.py" in errors[0].getMessage()
    assert "Traceback" not in caplog.text and "secret bladder" not in caplog.text


# ------------------------------------------------------------------ the access log

def test_every_answered_request_is_one_access_line_even_when_stopped_at_once():
    """The access log is written off the request threads (msguide_web/access_log.py);
    a line still queued when the server is told to stop (SIGTERM) is written, not lost."""
    server = Served("--local-testing")
    sent = []
    try:
        for number in range(40):
            session = Session()
            envelope = session.launch() if number % 2 else session.intent("AMAZON.HelpIntent")
            sent.append((envelope["request"]["requestId"], envelope["request"]["type"]))
            assert post(server.url, envelope)[0] == 200
    finally:
        log = server.stop()
    lines = [json.loads(line.split(" INFO ", 1)[1]) for line in log.splitlines()
             if " msguide.web INFO {" in line]
    assert [(line["request_id"], line["request_type"]) for line in lines] == sent
    assert all(set(line) == {"request_id", "request_type", "intent", "status", "latency_ms"} for line in lines)
    assert {line["intent"] for line in lines} == {"", "AMAZON.HelpIntent"}
    assert all(line["status"] == 200 for line in lines)
    assert "amzn1.ask.account" not in log


def test_the_background_log_writes_what_logging_would_in_order():
    import io
    import logging

    from msguide_web.access_log import BackgroundLog

    logger = logging.getLogger("msguide.test-access")
    logger.propagate = False
    stream, collected = io.StringIO(), []
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    class Collect(logging.Handler):               # any other kind of handler gets each record
        def emit(self, record):
            collected.append(record.getMessage())

    logger.handlers = [handler, Collect()]
    logger.setLevel(logging.INFO)
    try:
        access = BackgroundLog(logger)
        for number in range(500):
            access('{"n": %d, "odd": "100%%"}' % number)
        access.close()
        access("after close")                     # written at once, by the caller
    finally:
        logger.handlers = []
    expected = ['{"n": %d, "odd": "100%%"}' % n for n in range(500)] + ["after close"]
    assert stream.getvalue().splitlines() == ["msguide.test-access INFO " + line for line in expected]
    assert collected == expected


def test_the_background_log_writes_a_line_soon_without_being_closed():
    """The writer waits a moment for more lines (one wake-up and one write for many),
    then writes: an idle server's line is out within a fraction of a second."""
    import io
    import logging
    import time

    from msguide_web.access_log import GATHER_SECONDS, BackgroundLog

    logger = logging.getLogger("msguide.test-access-soon")
    logger.propagate = False
    stream = io.StringIO()
    logger.handlers = [logging.StreamHandler(stream)]
    logger.setLevel(logging.INFO)
    access = BackgroundLog(logger)
    try:
        access("first")
        access("second")
        deadline = time.monotonic() + 5
        while stream.getvalue().count("\n") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stream.getvalue().splitlines() == ["first", "second"]
        assert GATHER_SECONDS <= 0.1
    finally:
        access.close()
        logger.handlers = []
