"""Memory costs only the requests that use it: the Lambda path with DynamoDB.

A fresh interpreter runs the real handler with MSGUIDE_PERSISTENCE=dynamodb
against moto in server mode (the real boto3 client over HTTP on 127.0.0.1).
"""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, free_port

TABLE = "memory"
SCRIPT = r"""
import json, sys
import lambda_function
from alexa import Session, speech_text
steps = json.loads(sys.argv[1])
user = Session()
said = []
for step in steps:
    if step == "new":
        user.new_session()
        continue
    if step == "launch":
        envelope = user.launch()
    elif step == "end":
        envelope = user.session_ended()
    else:
        envelope = user.intent(step, **({"heat": ("hot tub", "hot tub")} if step == "HeatIntent" else {}))
    said.append(speech_text(user.absorb(lambda_function.handler(envelope, None))))
print(json.dumps({"said": said, "boto3": "boto3" in sys.modules}))
"""


@pytest.fixture(scope="module")
def dynamodb_server():
    from moto.server import ThreadedMotoServer
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = "http://127.0.0.1:%d" % port
    import boto3
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=endpoint,
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    yield endpoint, client
    server.stop()


def run(endpoint, steps):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MSGUIDE_"))}
    env.update(AWS_ENDPOINT_URL_DYNAMODB=endpoint, AWS_DEFAULT_REGION="us-east-1",
               AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test",
               MSGUIDE_PERSISTENCE="dynamodb", MSGUIDE_TABLE=TABLE,
               PYTHONPATH=os.path.join(ROOT, "tests"))
    out = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(steps)], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def items(client):
    return client.scan(TableName=TABLE)["Items"]


def test_a_one_shot_question_reads_memory_but_writes_nothing(dynamodb_server):
    endpoint, client = dynamodb_server
    before = len(items(client))
    result = run(endpoint, ["HeatIntent", "AMAZON.StopIntent"])
    assert "hot tub" in result["said"][0].lower()
    assert len(items(client)) == before                  # read for the voice and detail, nothing written


def test_a_session_the_user_opened_is_remembered_in_dynamodb(dynamodb_server):
    endpoint, client = dynamodb_server
    result = run(endpoint, ["launch", "HeatIntent", "AMAZON.StopIntent", "new", "launch"])
    assert result["boto3"] is True
    assert "Welcome back" in result["said"][-1] and "hot tubs" in result["said"][-1]
    assert any("ttl" in item for item in items(client))
