"""msguide.dynamodb, the skill's own DynamoDB client, against botocore and moto.

What a Lambda operator would notice if it were wrong: requests DynamoDB refuses
(the signature is checked against botocore's signer), keys that are never found
under SnapStart (container credentials), records written by the SDK's adapter
that no longer read, a throttled or damaged reply that loses a user's memory,
or an unreachable table that holds the answer past Alexa's 8 seconds.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_persistence import envelope_for

from alexa import Session, sender, speech_text
from conftest import dynamodb_environment
from msguide import dynamodb, persistence

KEYS = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)


@pytest.mark.parametrize("token", [None, "session-token/with+odd=chars"])
def test_the_signature_is_the_one_botocore_makes(token):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    body = json.dumps({"TableName": "memory", "Key": {"id": {"S": "abc"}}}).encode()
    now = 1767225600.0                              # 2026-01-01T00:00:00Z
    ours = dynamodb.sign({"host": "dynamodb.eu-west-1.amazonaws.com", "content-type": "application/x-amz-json-1.0",
                          "x-amz-target": "DynamoDB_20120810.GetItem"}, body, KEYS[:2] + (token,), "eu-west-1", now)
    request = AWSRequest(method="POST", url="https://dynamodb.eu-west-1.amazonaws.com/", data=body,
                         headers={"Content-Type": "application/x-amz-json-1.0",
                                  "X-Amz-Target": "DynamoDB_20120810.GetItem"})
    import datetime
    from unittest import mock
    fixed = datetime.datetime(2026, 1, 1, 0, 0, 0)
    with mock.patch("botocore.auth.datetime.datetime") as clock:
        clock.utcnow.return_value = fixed
        clock.now.return_value = fixed
        clock.strptime = datetime.datetime.strptime
        SigV4Auth(Credentials(KEYS[0], KEYS[1], token), "dynamodb", "eu-west-1").add_auth(request)
    assert ours["x-amz-date"] == request.headers["X-Amz-Date"] == "20260101T000000Z"
    assert ours["Authorization"] == request.headers["Authorization"]


def test_memory_values_cross_the_wire_as_boto3_writes_them():
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
    record = {"v": 1, "disclaimer_heard": True, "pref": {"rate": "slow", "detail": "full"}, "last_topic": "",
              "reminders": [{"token": "amzn1.reminder.x/y+z=", "task": "stretch", "until": 1893456000}],
              "nothing": None, "n": -7}
    ours = dynamodb.serialize(record)
    assert ours == TypeSerializer().serialize(record)
    assert dynamodb.deserialize(ours) == record
    back = TypeDeserializer().deserialize(ours)
    assert persistence_plain(back) == record
    with pytest.raises((TypeError, ValueError)):
        dynamodb.serialize({"x": object()})


def persistence_plain(value):
    from msguide.memory import plain_numbers
    return plain_numbers(value)


def test_records_the_sdk_adapter_wrote_still_read(dynamodb, dynamodb_adapter, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")     # the SDK builds a resource at import
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    request = envelope_for("amzn1.ask.account.OLD-RECORD")
    old = DynamoDbAdapter(table_name="memory", partition_keygen=persistence.user_key, create_table=False,
                          dynamodb_resource=dynamodb)
    old.save_attributes(request, {"v": 1, "disclaimer_heard": True, "pref": {"rate": "slow"}})
    assert dynamodb_adapter.get_attributes(request) == {"v": 1, "disclaimer_heard": True, "pref": {"rate": "slow"}}


def test_an_expired_record_is_gone_before_dynamodb_deletes_it(dynamodb, dynamodb_adapter):
    request = envelope_for("amzn1.ask.account.EXPIRED")
    dynamodb_adapter.save_attributes(request, {"v": 1, "last_topic": "pain"})
    assert dynamodb_adapter.get_attributes(request)["last_topic"] == "pain"
    dynamodb.Table("memory").update_item(Key={"id": persistence.user_key(request)},
                                         UpdateExpression="SET #t = :t", ExpressionAttributeNames={"#t": "ttl"},
                                         ExpressionAttributeValues={":t": int(time.time()) - 60})
    assert dynamodb_adapter.get_attributes(request) == {}


class FakeAws(BaseHTTPRequestHandler):
    """Amazon's side of the wire, on 127.0.0.1: scripted replies, every request kept."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.seen.append((self.path, self.headers, body))
        self._answer()

    def do_GET(self):
        self.server.seen.append((self.path, self.headers, b""))
        self._answer()

    def _answer(self):
        status, headers, body = self.server.replies.pop(0) if self.server.replies else (200, {}, b"{}")
        if callable(body):
            body = body(self)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_aws():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAws)
    server.seen, server.replies = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = "http://127.0.0.1:%d" % server.server_address[1]
    yield server
    server.shutdown()
    server.server_close()


def item_reply(record):
    body = json.dumps({"Item": {"id": {"S": "k"}, "attributes": dynamodb.serialize(record)}}).encode()
    import zlib
    return 200, {"x-amz-crc32": str(zlib.crc32(body))}, body


def test_snapstart_keys_come_from_the_container_endpoint_and_are_renewed(fake_aws, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("Bearer-token-from-file\n")

    def keys(expires_in):
        return lambda handler: json.dumps({
            "AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "secret", "Token": "container-session",
            "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + expires_in))}).encode()
    environ = {"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_DYNAMODB": fake_aws.url,
               "AWS_CONTAINER_CREDENTIALS_FULL_URI": fake_aws.url + "/credentials",
               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file)}
    fake_aws.replies = [(200, {}, keys(60)), item_reply({"pref": {"rate": "slow"}}),     # expires soon:
                        (200, {}, keys(3600)), item_reply({}), item_reply({})]           # fetched again
    client = dynamodb.Client(environ)
    for _ in range(3):
        client.get_item(TableName="memory", Key={"id": {"S": "k"}})
    paths = [path for path, _, _ in fake_aws.seen]
    assert paths == ["/credentials", "/", "/credentials", "/", "/"]
    assert fake_aws.seen[0][1]["Authorization"] == "Bearer-token-from-file"
    signed = fake_aws.seen[4][1]
    assert signed["X-Amz-Security-Token"] == "container-session"
    assert "Credential=ASIACONTAINER/" in signed["Authorization"]


def test_a_container_endpoint_off_this_machine_needs_https():
    environ = {"AWS_REGION": "us-east-1", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://198.51.100.7/creds"}
    with pytest.raises(dynamodb.NotConfigured):
        dynamodb.Client(environ)


def test_throttling_and_a_damaged_reply_are_retried_other_errors_are_not(fake_aws):
    environ = dict(dynamodb_environment(fake_aws.url))
    throttled = (400, {}, json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#"
                                               "ProvisionedThroughputExceededException", "message": "slow down"}).encode())
    damaged = (200, {"x-amz-crc32": "12345"}, json.dumps({"Item": {}}).encode())
    fake_aws.replies = [throttled, damaged, item_reply({"last_topic": "pain"})]
    reply = dynamodb.Client(environ).get_item(TableName="memory", Key={"id": {"S": "k"}})
    assert dynamodb.deserialize(reply["Item"]["attributes"]) == {"last_topic": "pain"}
    assert len(fake_aws.seen) == 3
    fake_aws.seen.clear()
    fake_aws.replies = [(400, {}, json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#"
                                                       "ResourceNotFoundException", "message": "no table"}).encode())]
    with pytest.raises(dynamodb.DynamoDbError) as error:
        dynamodb.Client(environ).get_item(TableName="nope", Key={"id": {"S": "k"}})
    assert error.value.code == "ResourceNotFoundException" and len(fake_aws.seen) == 1
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_an_unreachable_table_never_holds_the_answer_past_alexas_wait(free_port_url):
    adapter = persistence.ExpiringDynamoDbAdapter("memory", client=dynamodb.Client(dynamodb_environment(free_port_url)))
    user = Session()
    started = time.monotonic()
    text = speech_text(sender(adapter)(user.intent("HeatIntent", heat=("hot tub", "hot tub"))))
    assert "hot tub" in text.lower() and time.monotonic() - started < 8


@pytest.fixture
def free_port_url():
    from conftest import free_port
    return "http://127.0.0.1:%d" % free_port()            # nothing listens there


def test_elsewhere_boto3_serves_the_same_memory(monkeypatch, tmp_path):
    """No Lambda keys or container endpoint (a profile, say): boto3's own client, same records."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_DYNAMODB",
                 "AWS_ENDPOINT_URL", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "credentials"
    config.write_text("[default]\naws_access_key_id = profilekey\naws_secret_access_key = profilesecret\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(config))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    from moto import mock_aws
    with mock_aws():
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            monkeypatch.setenv(name, "")                     # mock_aws sets keys of its own
        import boto3
        boto3.client("dynamodb").create_table(
            TableName="memory", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        adapter = persistence.ExpiringDynamoDbAdapter("memory")
        assert type(adapter.client).__module__.startswith("botocore")
        request = envelope_for("amzn1.ask.account.PROFILE")
        adapter.save_attributes(request, {"v": 1, "pref": {"detail": "full"}})
        assert adapter.get_attributes(request) == {"v": 1, "pref": {"detail": "full"}}
        adapter.erase_account(request)
        assert adapter.get_attributes(request) == {}



def test_a_store_that_never_answers_costs_one_try_not_three(fake_aws):
    """A read that times out is not tried again past the call's budget: a launch's
    read and write together stay inside Alexa's 8 seconds."""
    import socket
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)                                   # accepts, never answers
    try:
        client = dynamodb.Client(dynamodb_environment("http://127.0.0.1:%d" % silent.getsockname()[1]))
        started = time.monotonic()
        with pytest.raises(dynamodb.DynamoDbError) as error:
            client.get_item(TableName="memory", Key={"id": {"S": "k"}})
        took = time.monotonic() - started
    finally:
        silent.close()
    assert error.value.code == "ConnectionError"
    assert dynamodb.TIMEOUT_SECONDS <= took < 4.0                # half of Alexa's 8 s: a read, then a write


def test_on_lambda_the_keys_may_come_after_the_init(fake_aws):
    """A SnapStart init may see no keys yet: the client is still this module's, and
    the container endpoint named after the restore is the one used."""
    environ = {"AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_DYNAMODB": fake_aws.url,
               "AWS_LAMBDA_FUNCTION_NAME": "msguide"}
    client = dynamodb.Client(environ)
    with pytest.raises(dynamodb.DynamoDbError) as error:
        client.get_item(TableName="memory", Key={"id": {"S": "k"}})
    assert error.value.code == "NoCredentials" and fake_aws.seen == []
    environ.update(AWS_CONTAINER_CREDENTIALS_FULL_URI=fake_aws.url + "/after-restore",
                   AWS_CONTAINER_AUTHORIZATION_TOKEN="restored-token")
    fake_aws.replies = [(200, {}, json.dumps({"AccessKeyId": "ASIARESTORED", "SecretAccessKey": "s",
                                              "Token": "t"}).encode()), item_reply({})]
    client.get_item(TableName="memory", Key={"id": {"S": "k"}})
    assert [path for path, _, _ in fake_aws.seen] == ["/after-restore", "/"]
    assert fake_aws.seen[0][1]["Authorization"] == "restored-token"
    assert "Credential=ASIARESTORED/" in fake_aws.seen[1][1]["Authorization"]
