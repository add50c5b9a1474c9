"""Record received request envelopes (with their responses) for replay as tests.

Off by default and for development only: `python -m msguide_web --record DIR`
refuses to start unless the server listens on a loopback address. Before a
request is written, every identifier the envelope format defines is replaced
(user, person, device, unit, advertising and session ids, access and consent
tokens) and the geolocation is dropped.
"""

import itertools
import json
import os
import re
import threading
import time

# Every identifier the request envelope format defines, with its stand-in.
REDACTED = {
    "userId": "amzn1.ask.account.RECORDED",         # System.user, session.user
    "personId": "amzn1.ask.person.RECORDED",        # System.person
    "deviceId": "amzn1.ask.device.RECORDED",        # System.device
    "persistentEndpointId": "RECORDED",             # System.device
    "unitId": "amzn1.ask.unit.RECORDED",            # System.unit
    "persistentUnitId": "RECORDED",                 # System.unit
    "advertisingId": "00000000-0000-4000-8000-000000000000",   # context.Advertising
    "sessionId": "amzn1.echo-api.session.RECORDED",
    "apiAccessToken": "RECORDED",
    "consentToken": "RECORDED",
    "accessToken": "RECORDED",
}
# Objects that describe where a person is: dropped whole.
DROPPED = frozenset({"Geolocation"})


def redact(value):
    """A deep copy of a JSON value with identifying fields replaced or dropped."""
    if isinstance(value, dict):
        return {k: (REDACTED[k] if k in REDACTED and isinstance(v, str) else redact(v))
                for k, v in value.items() if k not in DROPPED}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


class Recorder:
    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def save(self, envelope, response):
        request = envelope.get("request", {}) if isinstance(envelope, dict) else {}
        kind = re.sub(r"[^A-Za-z]+", "", str(request.get("type", "Request")))[:40]
        intent = request.get("intent", {}).get("name", "") if isinstance(request.get("intent"), dict) else ""
        label = re.sub(r"[^A-Za-z]+", "", intent)[:40] or kind
        with self._lock:
            number = next(self._counter)
        name = "%s-%04d-%s.json" % (time.strftime("%Y%m%d-%H%M%S"), number, label)
        path = os.path.join(self.folder, name)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump({"request": redact(envelope), "response": redact(response)}, handle, indent=2)
        return path
