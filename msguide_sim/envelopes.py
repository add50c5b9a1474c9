"""Request envelopes the way the Alexa service builds them, for one simulated user.

The one envelope builder of the project: the chat simulator, the tests
(tests/alexa.py) and the benchmark all use it.
"""

import datetime
import uuid

from .builtin_values import resolve_date, resolve_duration, resolve_time

LOCAL_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
# Alexa's viewport profiles (sizes in dp), as screen devices report them.
SCREENS = {
    "hub-round-small": {"width": 480, "height": 480, "dpi": 160, "shape": "ROUND", "mode": "HUB", "apl": "1.4"},
    "hub-landscape-small": {"width": 960, "height": 480, "dpi": 160, "shape": "RECTANGLE", "mode": "HUB", "apl": "1.4"},
    "hub-landscape-medium": {"width": 960, "height": 600, "dpi": 160, "shape": "RECTANGLE", "mode": "HUB", "apl": "1.4"},
    "hub-landscape-large": {"width": 1280, "height": 800, "dpi": 160, "shape": "RECTANGLE", "mode": "HUB", "apl": "1.4"},
    "tv-landscape-xlarge": {"width": 960, "height": 540, "dpi": 320, "shape": "RECTANGLE", "mode": "TV", "apl": "1.4"},
}
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"


def timestamp(offset_seconds=0):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def slot(name, spoken=None, canonical=None, type_name=None, skill_id=LOCAL_SKILL_ID):
    """One slot as Alexa sends it. A custom `type_name` gets entity resolution:
    ER_SUCCESS_MATCH with `canonical`, or ER_SUCCESS_NO_MATCH without it."""
    entry = {"name": name, "confirmationStatus": "NONE"}
    if not spoken:
        return entry
    entry.update(value=spoken, source="USER")
    if type_name and not type_name.startswith("AMAZON."):
        authority = {"authority": "amzn1.er-authority.echo-sdk.%s.%s" % (skill_id, type_name)}
        if canonical:
            authority["status"] = {"code": "ER_SUCCESS_MATCH"}
            authority["values"] = [{"value": {"name": canonical, "id": canonical.upper().replace(" ", "_")}}]
        else:
            authority["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
        entry["resolutions"] = {"resolutionsPerAuthority": [authority]}
    return entry


class SimulatedUser:
    """Ids, locale and session attributes carried from turn to turn."""

    def __init__(self, locale="en-US", skill_id=LOCAL_SKILL_ID, api_endpoint="https://api.amazonalexa.com",
                 api_token="simulated-token", reminders_permission=None, screen=None):
        self.locale = locale
        self.skill_id = skill_id
        self.api_endpoint = api_endpoint
        self.api_token = api_token
        self.reminders_permission = reminders_permission     # None, "GRANTED" or "DENIED"
        self.user_id = "amzn1.ask.account.SIM" + uuid.uuid4().hex.upper()
        self.device_id = "amzn1.ask.device.SIM" + uuid.uuid4().hex.upper()
        self.person_id = None        # set when Alexa recognises the speaker's voice
        self.screen = screen         # None (voice only) or a SCREENS entry
        self.new_session()

    def new_session(self):
        self.session_id = "amzn1.echo-api.session." + str(uuid.uuid4())
        self.new = True
        self.attributes = {}

    def request(self, request_type, **extra):
        body = {"type": request_type,
                "requestId": "amzn1.echo-api.request." + str(uuid.uuid4()),
                "timestamp": timestamp(), "locale": self.locale}
        body.update(extra)
        return body

    def envelope(self, request):
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        if self.reminders_permission:
            user["permissions"] = {"scopes": {REMINDERS_SCOPE: {"status": self.reminders_permission}}}
        body = {"version": "1.0",
                "session": {"new": self.new, "sessionId": self.session_id,
                            "application": application, "attributes": dict(self.attributes),
                            "user": user},
                "context": {"System": {"application": application, "user": user,
                                       "device": {"deviceId": self.device_id,
                                                  "supportedInterfaces": {}},
                                       "apiEndpoint": self.api_endpoint,
                                       "apiAccessToken": self.api_token}},
                "request": request}
        if self.person_id:
            body["context"]["System"]["person"] = {"personId": self.person_id}
        if self.screen:
            body["context"]["System"]["device"]["supportedInterfaces"] = {
                "Alexa.Presentation.APL": {"runtime": {"maxVersion": self.screen["apl"]}}}
            body["context"]["Viewport"] = {
                "experiences": [{"canRotate": False, "canResize": False}],
                "mode": self.screen["mode"], "shape": self.screen["shape"],
                "pixelWidth": self.screen["width"] * self.screen["dpi"] // 160,
                "pixelHeight": self.screen["height"] * self.screen["dpi"] // 160,
                "dpi": self.screen["dpi"], "currentPixelWidth": self.screen["width"] * self.screen["dpi"] // 160,
                "currentPixelHeight": self.screen["height"] * self.screen["dpi"] // 160,
                "touch": ["SINGLE"] if self.screen["mode"] == "HUB" else [],
                "keyboard": ["DIRECTION"] if self.screen["mode"] == "TV" else []}
        self.new = False
        return body

    def launch(self):
        return self.envelope(self.request("LaunchRequest"))

    def session_ended(self, reason="USER_INITIATED"):
        return self.envelope(self.request("SessionEndedRequest", reason=reason))

    def intent_with_slots(self, name, slots):
        """An IntentRequest; `slots` maps slot name to a slot() dict."""
        return self.envelope(self.request("IntentRequest", intent={
            "name": name, "confirmationStatus": "NONE", "slots": slots}))

    def intent_for(self, model, match):
        """The IntentRequest for words mapped by msguide_sim.nlu (a Match)."""
        slots = {}
        for name, type_name in model.slot_types.get(match.intent, {}).items():
            spoken = match.slots.get(name)
            if spoken and type_name == "AMAZON.DATE":
                spoken = resolve_date(spoken)
            elif spoken and type_name == "AMAZON.TIME":
                spoken = resolve_time(spoken)
            elif spoken and type_name == "AMAZON.DURATION":
                spoken = resolve_duration(spoken)
            resolved = model.resolve(match.intent, name, spoken) if spoken else None
            slots[name] = slot(name, spoken, resolved[0] if resolved else None, type_name, self.skill_id)
        return self.intent_with_slots(match.intent, slots)

    def permission_answer(self, status, token="msguide-reminder", code="200"):
        """Connections.Response to the skill's AskFor directive (Alexa echoes its token)."""
        return self.envelope(self.request(
            "Connections.Response", name="AskFor",
            status={"code": code, "message": "OK" if code == "200" else "Error"},
            payload={"permissionScope": REMINDERS_SCOPE, "status": status}, token=token))

    def touch(self, arguments, token="msguide-screen"):
        """Alexa.Presentation.APL.UserEvent: a button of the screen was touched."""
        return self.envelope(self.request("Alexa.Presentation.APL.UserEvent", token=token,
                                          arguments=list(arguments),
                                          source={"type": "TouchWrapper", "handler": "Press", "id": ""}))

    def skill_disabled(self):
        body = self.envelope(self.request("AlexaSkillEvent.SkillDisabled",
                                          body={"userInformationPersistenceStatus": "NOT_PERSISTED"}))
        del body["session"]
        body["context"]["System"].pop("person", None)      # an account event, no speaker
        return body

    def absorb(self, response):
        """Carry attributes forward; an ended session starts afresh next turn."""
        reply = response.get("response", {}) if isinstance(response, dict) else {}
        if reply.get("shouldEndSession"):
            self.new_session()
        else:
            self.attributes = dict(response.get("sessionAttributes") or {})
        return response
