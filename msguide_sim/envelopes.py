"""Request envelopes the way the Alexa service builds them, for one simulated user."""

import datetime
import uuid

from .builtin_values import resolve_date, resolve_time

LOCAL_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"


def timestamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class SimulatedUser:
    """Ids, locale and session attributes carried from turn to turn."""

    def __init__(self, locale="en-US", skill_id=LOCAL_SKILL_ID):
        self.locale = locale
        self.skill_id = skill_id
        self.user_id = "amzn1.ask.account.SIM" + uuid.uuid4().hex.upper()
        self.device_id = "amzn1.ask.device.SIM" + uuid.uuid4().hex.upper()
        self.new_session()

    def new_session(self):
        self.session_id = "amzn1.echo-api.session." + str(uuid.uuid4())
        self.is_new = True
        self.attributes = {}

    def _request(self, request_type, **extra):
        request = {"type": request_type,
                   "requestId": "amzn1.echo-api.request." + str(uuid.uuid4()),
                   "timestamp": timestamp(), "locale": self.locale}
        request.update(extra)
        return request

    def envelope(self, request):
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        body = {"version": "1.0",
                "session": {"new": self.is_new, "sessionId": self.session_id,
                            "application": application, "attributes": dict(self.attributes),
                            "user": user},
                "context": {"System": {"application": application, "user": user,
                                       "device": {"deviceId": self.device_id,
                                                  "supportedInterfaces": {}},
                                       "apiEndpoint": "https://api.amazonalexa.com",
                                       "apiAccessToken": "simulated-token"}},
                "request": request}
        self.is_new = False
        return body

    def launch(self):
        return self.envelope(self._request("LaunchRequest"))

    def session_ended(self):
        return self.envelope(self._request("SessionEndedRequest", reason="USER_INITIATED"))

    def intent(self, model, match):
        slots = {}
        for name, type_name in model.slot_types.get(match.intent, {}).items():
            slot = {"name": name, "confirmationStatus": "NONE"}
            spoken = match.slots.get(name)
            if spoken and type_name == "AMAZON.DATE":
                spoken = resolve_date(spoken)
            elif spoken and type_name == "AMAZON.TIME":
                spoken = resolve_time(spoken)
            if spoken:
                slot.update(value=spoken, source="USER")
                if not type_name.startswith("AMAZON."):
                    authority = {"authority": "amzn1.er-authority.echo-sdk.%s.%s" % (self.skill_id, type_name)}
                    resolved = model.resolve(match.intent, name, spoken)
                    if resolved:
                        authority["status"] = {"code": "ER_SUCCESS_MATCH"}
                        authority["values"] = [{"value": {"name": resolved[0], "id": resolved[1]}}]
                    else:
                        authority["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
                    slot["resolutions"] = {"resolutionsPerAuthority": [authority]}
            slots[name] = slot
        return self.envelope(self._request("IntentRequest", intent={
            "name": match.intent, "confirmationStatus": "NONE", "slots": slots}))

    def absorb(self, response):
        """Carry attributes forward; an ended session starts afresh next turn."""
        body = response.get("response", {}) if isinstance(response, dict) else {}
        if body.get("shouldEndSession"):
            self.new_session()
        else:
            self.attributes = dict(response.get("sessionAttributes") or {})
