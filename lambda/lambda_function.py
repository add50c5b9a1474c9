"""AWS Lambda entry point: `lambda_function.handler`.

The skill is built once per container and reused for every request. An
event that is not a valid Alexa request envelope gets a short spoken error
(or, for a request type that may not speak, an empty response) instead of an
exception, so nothing the caller sends can crash the function.
"""

import json

from ask_sdk_model import RequestEnvelope

from msguide.envelope import refusal_for
from msguide.logs import logger
from msguide.skill import build_skill
from msguide.snapstart import prepare

SKILL = build_skill()
prepare(SKILL)          # only under Lambda SnapStart: warm what the snapshot keeps


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
