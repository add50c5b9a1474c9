"""A local stand-in for the Alexa Reminders and Settings APIs, on 127.0.0.1.

Its address goes into the envelope's apiEndpoint, so the skill's real client
code (the SDK's service clients over msguide.alexa_api) talks HTTP to it. The
tests use it, and so do the simulator and `scripts/serve --local-testing`, so
reminders work on a fresh clone. It checks the bearer token, validates every
reminder body against the Reminders API's documented shape (`schema_problems`:
the current recurrence form, startDateTime + RRULE recurrenceRules; the
deprecated freq/byDay is refused), keeps what it was sent (`sent`), and can be
told to answer create calls with any status, or to stall. What it hands to
`log` is `described(body)`: the schedule, never the words to be spoken (a
reminder in the user's own words must not reach a log file).
"""

import datetime
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "fake-api-access-token"
DAY_CODES = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$")
RRULE_PART = re.compile(r"^(FREQ|BYDAY|BYHOUR|BYMINUTE|BYSECOND|INTERVAL|BYMONTH|COUNT|UNTIL)=([A-Z0-9,]+)$")


def rrule_problems(rule):
    parts = [p for p in str(rule).split(";") if p]
    found = {}
    for part in parts:
        match = RRULE_PART.match(part)
        if not match:
            return ["recurrenceRules: %r is not NAME=VALUE" % part]
        found[match.group(1)] = match.group(2)
    problems = []
    if found.get("FREQ") not in ("DAILY", "WEEKLY"):
        problems.append("recurrenceRules: FREQ must be DAILY or WEEKLY")
    if "BYDAY" in found and not set(found["BYDAY"].split(",")) <= DAY_CODES:
        problems.append("recurrenceRules: BYDAY")
    for name, top in (("BYHOUR", 23), ("BYMINUTE", 59), ("BYSECOND", 59)):
        if name in found and not (found[name].isdigit() and 0 <= int(found[name]) <= top):
            problems.append("recurrenceRules: %s" % name)
    return problems


def schema_problems(body):
    """Reasons a create-reminder body breaks the Reminders API's documented shape."""
    problems = []
    if not isinstance(body, dict):
        return ["body is not an object"]
    try:
        datetime.datetime.fromisoformat(str(body.get("requestTime")))
    except ValueError:
        problems.append("requestTime is not an ISO date-time")
    trigger = body.get("trigger") or {}
    kind = trigger.get("type")
    if kind not in ("SCHEDULED_ABSOLUTE", "SCHEDULED_RELATIVE"):
        problems.append("trigger.type")
    if trigger.get("timeZoneId") is not None and not re.match(
            r"^[A-Za-z_]+(/[A-Za-z_+-]+)*$", str(trigger["timeZoneId"])):
        problems.append("trigger.timeZoneId")
    recurrence = trigger.get("recurrence")
    if kind == "SCHEDULED_RELATIVE":
        offset = trigger.get("offsetInSeconds")
        if not isinstance(offset, int) or offset <= 0:
            problems.append("trigger.offsetInSeconds must be a positive integer")
        if "scheduledTime" in trigger or recurrence:
            problems.append("a relative trigger has no scheduledTime or recurrence")
    if kind == "SCHEDULED_ABSOLUTE":
        if not trigger.get("timeZoneId"):
            problems.append("trigger.timeZoneId is required (else the reminder may fire at the wrong time)")
        if recurrence is None and not LOCAL_TIME.match(str(trigger.get("scheduledTime", ""))):
            problems.append("trigger.scheduledTime must be local time without offset")
    if recurrence is not None:
        if "freq" in recurrence or "byDay" in recurrence:
            problems.append("recurrence.freq/byDay are deprecated: use startDateTime and recurrenceRules")
        if not LOCAL_TIME.match(str(recurrence.get("startDateTime", ""))):
            problems.append("recurrence.startDateTime must be local time without offset")
        rules = recurrence.get("recurrenceRules")
        if not isinstance(rules, list) or not rules:
            problems.append("recurrence.recurrenceRules must be a non-empty list")
        else:
            for rule in rules:
                problems += rrule_problems(rule)
    content = (((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content")) or []
    if not content or not all(isinstance(c, dict) and c.get("locale") and c.get("text") for c in content):
        problems.append("alertInfo.spokenInfo.content")
    if (body.get("pushNotification") or {}).get("status") not in ("ENABLED", "DISABLED"):
        problems.append("pushNotification.status")
    return problems


def described(body):
    """A create-reminder body for a log line: its schedule and locales, the spoken
    text only counted (it may be the user's own words)."""
    if not isinstance(body, dict):
        return "(not an object)"
    trigger = body.get("trigger") if isinstance(body.get("trigger"), dict) else {}
    recurrence = trigger.get("recurrence") if isinstance(trigger.get("recurrence"), dict) else {}
    spoken = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or []
    spoken = [c for c in spoken if isinstance(c, dict)] if isinstance(spoken, list) else []
    shown = {"trigger": {key: trigger.get(key) for key in ("type", "scheduledTime", "offsetInSeconds",
                                                            "timeZoneId") if key in trigger},
             "recurrence": {key: recurrence.get(key) for key in ("startDateTime", "recurrenceRules")
                            if key in recurrence} or None,
             "locales": [str(c.get("locale"))[:10] for c in spoken],
             "spoken": "%d characters, not logged" % sum(len(str(c.get("text", ""))) for c in spoken)}
    return json.dumps(shown)


class FakeAlexaApi:
    def __init__(self, time_zone="America/Los_Angeles", any_token=False, log=None):
        """`any_token`: accept any bearer token (the simulator and a local
        server, whose envelopes carry made-up tokens); `log(text)`: called with
        every write the skill sends: method, path and `described(body)`."""
        self.time_zone = time_zone
        self.any_token = any_token
        self.log = log
        self.create_status = 201          # or 400, 401, 403, 429, 500, "timeout"
        self.granted = True               # has the user granted the reminders permission?
        self.reminders = {}               # token -> body
        self.created = {}                 # token -> createdTime (UTC), as the API lists it
        self.calls = []                   # (method, path, authorization)
        self.sent = []                    # (method, path, body) of every write, valid or not
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, payload=None):
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self):
                with api.lock:
                    api.calls.append((self.command, self.path, self.headers.get("Authorization")))
                if not api.any_token and self.headers.get("Authorization") != "Bearer " + TOKEN:
                    self._send(401, {"code": "UNAUTHORIZED", "message": "bad token"})
                    return False
                return True

            def do_GET(self):
                if not self._authorised():
                    return
                if re.fullmatch(r"/v2/devices/[^/]+/settings/System\.timeZone", self.path):
                    return self._send(200, api.time_zone)
                if self.path == "/v1/alerts/reminders":
                    alerts = [{"alertToken": t, "status": "ON", "version": "1",
                               "createdTime": api.created.get(t), "trigger": b["trigger"], "alertInfo": b["alertInfo"],
                               "pushNotification": b["pushNotification"]}
                              for t, b in api.reminders.items()]
                    return self._send(200, {"totalCount": str(len(alerts)), "alerts": alerts})
                self._send(404, {"code": "NOT_FOUND", "message": self.path})

            def do_DELETE(self):
                if not self._authorised():
                    return
                token = self.path.rsplit("/", 1)[-1]
                with api.lock:
                    api.sent.append(("DELETE", self.path, None))
                    found = api.reminders.pop(token, None)
                if api.log:
                    api.log("DELETE %s" % self.path)
                self._send(200 if found else 404, None if found else {"code": "NOT_FOUND", "message": token})

            def do_POST(self):
                if not self._authorised():
                    return
                if self.path != "/v1/alerts/reminders":
                    return self._send(404, {"code": "NOT_FOUND", "message": self.path})
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")
                with api.lock:
                    api.sent.append(("POST", self.path, body))
                if api.log:
                    api.log("POST %s %s" % (self.path, described(body)))
                if not api.granted:
                    return self._send(401, {"code": "UNAUTHORIZED", "message": "no permission"})
                problems = schema_problems(body)
                if problems:
                    return self._send(400, {"code": "INVALID_REQUEST", "message": "; ".join(problems)})
                status = api.create_status
                if status == "timeout":
                    time.sleep(4)
                    status = 201
                if status != 201:
                    return self._send(status, {"code": "ERROR", "message": "status %s" % status})
                token = str(uuid.uuid4())
                now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds")
                with api.lock:
                    api.reminders[token] = body
                    api.created[token] = now
                self._send(201, {"alertToken": token, "createdTime": now, "updatedTime": now,
                                 "status": "ON", "version": "1", "href": "/v1/alerts/reminders/" + token})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
