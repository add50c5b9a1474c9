"""Recorded conversations (msguide_web --record) replayed as regression tests."""

import glob
import json
import os
import re
import subprocess
import sys

import pytest

from alexa import Session, speech_text
from conftest import ROOT

RECORDINGS = sorted(glob.glob(os.path.join(ROOT, "tests", "recordings", "*.json")))


@pytest.mark.parametrize("path", RECORDINGS, ids=os.path.basename)
def test_recorded_request_still_gets_a_good_answer(handler, path):
    recording = json.load(open(path, encoding="utf-8"))
    response = handler(recording["request"], None)
    old = recording["response"]["response"]
    new = response["response"]
    assert bool(new.get("shouldEndSession")) == bool(old.get("shouldEndSession"))
    assert ("outputSpeech" in new) == ("outputSpeech" in old)
    text = speech_text(response)
    for pattern in recording.get("expect", []):
        assert re.search(pattern, text, re.I), (pattern, text)
    for pattern in recording.get("forbid", []):
        assert not re.search(pattern, text, re.I), (pattern, text)


def test_recorder_redacts_ids_and_tokens(live_server, tmp_path):
    from test_web import post

    from msguide_web.app import create_app
    server = live_server(create_app(verify=False, record_dir=str(tmp_path)))
    session = Session()
    post(server.url, session.intent("SymptomIntent", symptom=("pain", "pain")))
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].name.endswith("SymptomIntent.json")
    text = files[0].read_text()
    assert session.user_id not in text and session.device_id not in text and "test-token" not in text
    assert json.loads(text)["response"]["response"]["outputSpeech"]


def test_recording_refuses_a_public_host():
    result = subprocess.run([sys.executable, "-m", "msguide_web", "--host", "0.0.0.0", "--record", "x"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "loopback" in result.stderr
