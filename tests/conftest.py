import importlib.util
import os
import shutil
import socket
import tempfile
import threading

import pytest

from msguide_tools import build_model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAMBDA_DIR = os.path.join(ROOT, "lambda")
# The skill's locales, as interactionModels/model.yaml lists them (the one list).
LOCALES = build_model.locales()
# ../shared (the fact sheet, the seed, voice_eval) as CI has it; MSGUIDE_SHARED points
# elsewhere, for a checkout that is not next to it (a git worktree)
SHARED = os.environ.get("MSGUIDE_SHARED") or os.path.join(os.path.dirname(ROOT), "shared")

# The skill's memory (SQLite, the embedded default) goes to a file of this run's own,
# in a folder removed when the run ends (pytest_unconfigure).
RUN_DIR = tempfile.mkdtemp(prefix="msguide-tests-")
os.environ["MSGUIDE_PERSISTENCE"] = "sqlite"
os.environ["MSGUIDE_DB"] = os.path.join(RUN_DIR, "memory.sqlite3")


def pytest_unconfigure(config):
    shutil.rmtree(RUN_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def handler():
    """The real Lambda entry point, imported the way Lambda imports it."""
    spec = importlib.util.spec_from_file_location(
        "lambda_function", os.path.join(LAMBDA_DIR, "lambda_function.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto in server mode on 127.0.0.1 for the whole run: DynamoDB over real HTTP."""
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    yield "http://%s:%d" % server.get_host_and_port()
    server.stop()


def dynamodb_environment(endpoint):
    """What a Lambda function's environment says, pointed at moto's server."""
    return {"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture
def dynamodb(moto_endpoint):
    """A boto3 DynamoDB resource on moto's server, emptied, with the stack's table "memory"
    (for looking at what the skill stored; the skill itself talks through `dynamodb_adapter`)."""
    import urllib.request
    urllib.request.urlopen(urllib.request.Request(moto_endpoint + "/moto-api/reset", method="POST")).read()
    import boto3
    resource = boto3.resource("dynamodb", region_name="us-east-1", endpoint_url=moto_endpoint,
                              aws_access_key_id="testing", aws_secret_access_key="testing")
    resource.create_table(TableName="memory", BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    return resource


@pytest.fixture
def dynamodb_adapter(dynamodb, moto_endpoint):
    """The skill's DynamoDB memory as Lambda runs it (msguide.dynamodb's client), on moto's server."""
    from msguide import persistence
    from msguide.dynamodb import Client
    return persistence.ExpiringDynamoDbAdapter("memory", client=Client(dynamodb_environment(moto_endpoint)))


@pytest.fixture
def fake_api():
    from msguide_sim.fake_alexa_api import FakeAlexaApi
    api = FakeAlexaApi()
    yield api
    api.close()


@pytest.fixture
def session():
    from alexa import Session
    return Session()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A real waitress server on 127.0.0.1 serving a Flask app, in a thread."""

    def __init__(self, app):
        from waitress.server import create_server
        self.server = create_server(app, host="127.0.0.1", port=0, threads=8)
        self.port = int(self.server.effective_port)
        self.url = "http://127.0.0.1:%d/" % self.port
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self):
        """Stop cleanly: the event loop closes its own sockets, so it never waits
        on a closed one (which is an OSError traceback in the loop's thread)."""
        server = self.server

        def close_everything():          # runs in the loop's thread
            for channel in list(server._map.values()):
                if channel is not server.trigger and channel is not server:
                    channel.close()
            server.close()               # closes the listening socket and the trigger, once
        try:
            server.trigger.pull_trigger(close_everything)
        except OSError:                  # the trigger is already closed: so is the loop
            pass
        self.thread.join(timeout=5)
        server.task_dispatcher.shutdown()


@pytest.fixture
def live_server():
    servers = []

    def start(app):
        server = LiveServer(app)
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.close()
