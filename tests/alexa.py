"""Alexa request envelopes shaped as the Alexa service sends them."""

import datetime
import uuid

SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"


def now_iso(offset_seconds=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Session:
    """One user talking to the skill; carries session attributes between turns."""

    def __init__(self, locale="en-US", skill_id=SKILL_ID, api=None, reminders_permission=None):
        self.locale = locale
        self.skill_id = skill_id
        self.api_endpoint = api.url if api else "https://api.amazonalexa.com"
        self.api_token = "fake-api-access-token" if api else "test-token"
        self.reminders_permission = reminders_permission     # None, "GRANTED" or "DENIED"
        self.user_id = "amzn1.ask.account.TEST" + uuid.uuid4().hex.upper()
        self.device_id = "amzn1.ask.device.TEST" + uuid.uuid4().hex.upper()
        self.session_id = "amzn1.echo-api.session." + str(uuid.uuid4())
        self.new = True
        self.attributes = {}

    def envelope(self, request):
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        if self.reminders_permission:
            user = dict(user, permissions={"scopes": {
                "alexa::alerts:reminders:skill:readwrite": {"status": self.reminders_permission}}})
        body = {
            "version": "1.0",
            "session": {"new": self.new, "sessionId": self.session_id,
                        "application": application, "attributes": dict(self.attributes),
                        "user": user},
            "context": {"System": {
                "application": application, "user": user,
                "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
                "apiEndpoint": self.api_endpoint,
                "apiAccessToken": self.api_token}},
            "request": request,
        }
        self.new = False
        return body

    def base(self, request_type, **extra):
        request = {"type": request_type,
                   "requestId": "amzn1.echo-api.request." + str(uuid.uuid4()),
                   "timestamp": now_iso(), "locale": self.locale}
        request.update(extra)
        return request

    def launch(self):
        return self.envelope(self.base("LaunchRequest"))

    def intent(self, name, **slots):
        """slots: name=(spoken, canonical or None) or name=spoken (built-in type)."""
        built = {}
        for slot, value in slots.items():
            if isinstance(value, tuple):
                spoken, canonical = value
                entry = {"name": slot, "value": spoken, "confirmationStatus": "NONE",
                         "source": "USER"}
                authority = {"authority": "amzn1.er-authority.echo-sdk.%s.T" % self.skill_id}
                if canonical:
                    authority["status"] = {"code": "ER_SUCCESS_MATCH"}
                    authority["values"] = [{"value": {"name": canonical, "id": "X"}}]
                else:
                    authority["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
                entry["resolutions"] = {"resolutionsPerAuthority": [authority]}
            elif value is None:
                entry = {"name": slot, "confirmationStatus": "NONE"}
            else:
                entry = {"name": slot, "value": value, "confirmationStatus": "NONE"}
            built[slot] = entry
        return self.envelope(self.base("IntentRequest", intent={
            "name": name, "confirmationStatus": "NONE", "slots": built}))

    def permission_answer(self, status):
        """Connections.Response after our AskFor directive."""
        return self.envelope(self.base("Connections.Response", name="AskFor",
                                       status={"code": "200", "message": "OK"},
                                       payload={"permissionScope": "alexa::alerts:reminders:skill:readwrite",
                                                "status": status},
                                       token="msguide-reminder"))

    def skill_disabled(self):
        body = self.envelope(self.base("AlexaSkillEvent.SkillDisabled",
                                       body={"userInformationPersistenceStatus": "NOT_PERSISTED"}))
        del body["session"]
        return body

    def session_ended(self, reason="USER_INITIATED"):
        return self.envelope(self.base("SessionEndedRequest", reason=reason))

    def absorb(self, response):
        self.attributes = dict(response.get("sessionAttributes") or {})
        return response


def speech_text(response):
    """Plain text of the output speech (SSML tags removed)."""
    import re
    import xml.etree.ElementTree as ET
    speech = response["response"].get("outputSpeech")
    if not speech:
        return ""
    root = ET.fromstring(speech["ssml"])      # also proves the SSML is well-formed
    assert root.tag == "speak"
    return re.sub(r"\s+", " ", "".join(root.itertext())).strip()


def reprompt_text(response):
    reprompt = response["response"].get("reprompt")
    if not reprompt:
        return ""
    import re
    return re.sub(r"<[^>]+>", "", reprompt["outputSpeech"]["ssml"]).strip()


def ends_session(response):
    return bool(response["response"].get("shouldEndSession"))
