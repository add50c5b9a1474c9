"""The Lambda path with DynamoDB memory, in fresh interpreters as a cold container runs it.

Each run is a new process importing the real `lambda_function` with
MSGUIDE_PERSISTENCE=dynamodb against moto in server mode (real HTTP on
127.0.0.1), as a Lambda function's environment configures it.
"""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, dynamodb_environment

TABLE = "memory"
SCRIPT = r"""
import json, sys
import lambda_function
from alexa import Session, speech_text
user_id, steps = json.loads(sys.argv[1])
user = Session()
user.user_id = user_id or user.user_id
SLOTS = {"HeatIntent": {"heat": ("hot tub", "hot tub")}, "SpeechRateIntent": {"pace": ("slower", "slow")}}
said = []
for step in steps:
    if step == "new":
        user.new_session()
        continue
    if step == "launch":
        envelope = user.launch()
    else:
        envelope = user.intent(step, **SLOTS.get(step, {}))
    reply = user.absorb(lambda_function.handler(envelope, None))
    said.append({"text": speech_text(reply), "ssml": reply["response"].get("outputSpeech", {}).get("ssml", "")})
print(json.dumps({"user": user.user_id, "said": said, "boto3": "boto3" in sys.modules,
                  "botocore": "botocore" in sys.modules}))
"""


@pytest.fixture
def dynamodb_server(dynamodb, moto_endpoint):
    return moto_endpoint, dynamodb.meta.client


def run(endpoint, steps, user_id=None):
    """A cold container: a fresh interpreter answering `steps` in order."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MSGUIDE_"))}
    env.update(dynamodb_environment(endpoint), MSGUIDE_PERSISTENCE="dynamodb", MSGUIDE_TABLE=TABLE,
               PYTHONPATH=os.path.join(ROOT, "tests"))
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps([user_id, steps])], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def items(client):
    return client.scan(TableName=TABLE)["Items"]


def test_a_one_shot_on_a_cold_container_is_spoken_as_the_speaker_asked(dynamodb_server):
    endpoint, client = dynamodb_server
    first = run(endpoint, ["launch", "SpeechRateIntent", "AMAZON.StopIntent"])
    stored = items(client)
    one_shot = run(endpoint, ["HeatIntent"], user_id=first["user"])      # another cold container, next day
    assert "hot tub" in one_shot["said"][0]["text"].lower()
    assert '<prosody rate="80%">' in one_shot["said"][0]["ssml"]
    assert items(client) == stored                                       # read, nothing written
    assert not (first["boto3"] or first["botocore"] or one_shot["boto3"] or one_shot["botocore"])


def test_a_session_the_user_opened_is_remembered_in_dynamodb(dynamodb_server):
    endpoint, client = dynamodb_server
    result = run(endpoint, ["launch", "HeatIntent", "AMAZON.StopIntent", "new", "launch"])
    assert "Welcome back" in result["said"][-1]["text"] and "hot tubs" in result["said"][-1]["text"]
    assert any("ttl" in item for item in items(client))
    assert result["botocore"] is False                                   # never imported on this path


RESTORED = r"""
import json, sys
import lambda_function      # AWS_LAMBDA_INITIALIZATION_TYPE=snap-start: the init a snapshot keeps
from alexa import Session, speech_text
user = Session()
user.user_id = sys.argv[1]
envelope = user.intent("HeatIntent", heat=("hot tub", "hot tub"))     # a one-shot, entity resolved
before = set(sys.modules)
reply = lambda_function.handler(envelope, None)
print(json.dumps({"ssml": reply["response"]["outputSpeech"]["ssml"], "text": speech_text(reply),
                  "imported": sorted(set(sys.modules) - before)}))
"""


def test_a_restored_snapshot_imports_nothing_for_a_returning_users_one_shot(dynamodb_server):
    """Everything a first request would do for the first time was done in the snapshot
    init: the memory's key and item code, the slowed answer, the slot's entity
    resolution classes, the codec a new connection's host name needs."""
    endpoint, _client = dynamodb_server
    first = run(endpoint, ["launch", "SpeechRateIntent", "AMAZON.StopIntent"])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MSGUIDE_"))}
    env.update(dynamodb_environment(endpoint), MSGUIDE_PERSISTENCE="dynamodb", MSGUIDE_TABLE=TABLE,
               PYTHONPATH=os.path.join(ROOT, "tests"), AWS_LAMBDA_INITIALIZATION_TYPE="snap-start")
    out = subprocess.run([sys.executable, "-c", RESTORED, first["user"]], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    restored = json.loads(out.stdout.strip().splitlines()[-1])
    assert "hot tub" in restored["text"].lower() and '<prosody rate="80%">' in restored["ssml"]
    assert restored["imported"] == []


LAUNCH_ONLY = r"""
import json, sys
import lambda_function
from alexa import Session, speech_text
user = Session()
reply = lambda_function.handler(user.launch(), None)
print(json.dumps({"text": speech_text(reply), "loaded": sorted(m for m in sys.modules if m.startswith("msguide."))}))
"""
ONE_SHOT = r"""
import lambda_function
from alexa import Session, speech_text
user = Session()
print(speech_text(lambda_function.handler(user.intent("SearchIntent", query="QUESTION"), None)))
"""


def run_sqlite(script, tmp_path):
    """A fresh interpreter running `script` with SQLite memory in `tmp_path`: its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MSGUIDE_"))}
    env.update(MSGUIDE_PERSISTENCE="sqlite", MSGUIDE_DB=str(tmp_path / "memory.sqlite3"),
               PYTHONPATH=os.path.join(ROOT, "tests"))
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_cold_launch_is_answered_before_the_question_handlers_are_loaded(tmp_path):
    """A LaunchRequest is answered by the first handler the SDK asks, so the cold
    start (local endpoint and Lambda alike) no longer loads the understanding
    (normaliser, rules, classifier) or the reminders, privacy and screen handlers;
    a cold question loads and answers them."""
    launched = json.loads(run_sqlite(LAUNCH_ONLY, tmp_path).strip().splitlines()[-1])
    assert "massage" in launched["text"].lower()
    deferred = [m for m in launched["loaded"] if m.startswith(("msguide.understanding", "msguide.handlers.answers",
                                                                "msguide.handlers.reminders", "msguide.reminders.api",
                                                                "msguide.reminders.consent", "msguide.handlers.privacy"))]
    assert deferred == []
    assert "hot tub" in run_sqlite(ONE_SHOT.replace("QUESTION", "is a hot tub safe"), tmp_path).lower()


COLLECTOR = r"""
import gc, json
import lambda_function
enabled = gc.isenabled()
from alexa import Session, speech_text
reply = lambda_function.handler(Session().launch(), None)
print(json.dumps({"enabled": enabled, "text": speech_text(reply)}))
"""


def test_the_garbage_collector_is_back_on_before_the_first_request(tmp_path):
    """The cold start imports with the collector off (lambda_function); a request
    must never run with it still off, or a long-lived container would grow."""
    result = json.loads(run_sqlite(COLLECTOR, tmp_path).strip().splitlines()[-1])
    assert result["enabled"] is True and "massage" in result["text"].lower()
