"""AWS Lambda entry point: `lambda_function.handler`.

The skill is built once per container and reused for every request. An
event that is not a valid Alexa request envelope gets a short spoken error
(or, for a request type that may not speak, an empty response) instead of an
exception, so nothing the caller sends can crash the function.
"""

import gc

# The cold start's imports and the skill's construction leave next to no garbage,
# yet their allocations set off about twenty collections, each walking everything
# imported so far: 3.8 ms of a 51 ms cold import here (bench/benchmark.py, "cold").
# The collector is off until the skill is built, and on again before any request.
gc.disable()

import json  # noqa: E402

from ask_sdk_model import RequestEnvelope  # noqa: E402

from msguide.envelope import refusal_for  # noqa: E402
from msguide.logs import logger  # noqa: E402
from msguide.skill import build_skill  # noqa: E402
from msguide.snapstart import prepare  # noqa: E402

try:
    SKILL = build_skill()
    prepare(SKILL)      # only under Lambda SnapStart: warm what the snapshot keeps
finally:
    gc.enable()


def handler(event, context=None):
    """Lambda handler: Alexa request envelope (dict) in, response envelope out."""
    try:
        if not isinstance(event, dict) or not isinstance(event.get("request"), dict):
            raise ValueError("not an Alexa request envelope")
        envelope = SKILL.serializer.deserialize(json.dumps(event), RequestEnvelope)
        if envelope.request is None:
            raise ValueError("envelope has no request")
    except Exception as exc:
        logger().warning("malformed request: %s", type(exc).__name__)
        return refusal_for(event)
    response = SKILL.invoke(request_envelope=envelope, context=context)
    return SKILL.serializer.serialize(response)


lambda_handler = handler
