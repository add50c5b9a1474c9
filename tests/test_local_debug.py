"""The ask-sdk-local-debug route: its invoker loads and runs our real handler.

The websocket to Amazon's debugging service cannot run here; everything after
a request arrives (loading lambda_function.py, calling `handler`, wrapping the
response) is the package's own code, exercised below.
"""

import json
import os

from alexa import Session
from conftest import LAMBDA_DIR


def test_local_debugger_invokes_the_lambda_handler():
    from ask_sdk_local_debug.config.skill_invoker_config import SkillInvokerConfiguration
    from ask_sdk_local_debug.util.response_util import get_skill_response
    from ask_sdk_model.dynamic_endpoints import Request

    config = SkillInvokerConfiguration(os.path.join(LAMBDA_DIR, "lambda_function.py"), "handler")
    envelope = Session().intent("HeatIntent", heat=("sauna", "sauna"))
    request = Request(version="1.0", object_type="SkillRequestMessage", request_id="debug-1",
                      request_payload=json.dumps(envelope))
    reply = json.loads(get_skill_response(request, config))
    assert reply["type"] == "SkillResponseSuccessMessage", reply
    speech = json.loads(reply["responsePayload"])["response"]["outputSpeech"]["ssml"]
    assert "sauna" in speech and "doctor" in speech
