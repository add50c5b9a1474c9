"""The HTTP client the SDK's service clients (Reminders, Settings) call through.

An implementation of the SDK's ApiClient on the standard library, with a
timeout on every call (the SDK's DefaultApiClient has none, so a slow Alexa
API would hold the skill past Alexa's 8-second limit) and no `requests`
import on the cold-start path. Only https is allowed, except to a loopback
address, which is where tests stand up their fake Alexa API.
"""

from ask_sdk_model.services import ApiClient, ApiClientResponse

TIMEOUT_SECONDS = 3.0


def is_loopback(host):
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    import ipaddress
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _allowed(url):
    import urllib.parse
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and is_loopback(parts.hostname or "")


class StdlibApiClient(ApiClient):
    """`redirect` (local testing only): send every call to this base URL instead
    of the envelope's apiEndpoint, e.g. a local fake of the Alexa APIs."""

    def __init__(self, timeout=TIMEOUT_SECONDS, redirect=None):
        self.timeout = timeout
        self.redirect = redirect

    def invoke(self, request):
        import urllib.error  # imported here: most requests never call an API
        import urllib.request
        if self.redirect:
            import urllib.parse
            parts = urllib.parse.urlsplit(request.url or "")
            request.url = self.redirect.rstrip("/") + urllib.parse.urlunsplit(
                ("", "", parts.path, parts.query, ""))
        if not _allowed(request.url or ""):
            raise ValueError("refusing a non-https API URL")
        body = request.body
        if body is not None and not isinstance(body, str):
            import json  # the SDK hands over the serialized model as a dict
            body = json.dumps(body)
        data = body.encode("utf-8") if body else None
        headers = dict(request.headers or [])
        outgoing = urllib.request.Request(request.url, data=data, method=request.method,
                                          headers=headers)
        try:
            with urllib.request.urlopen(outgoing, timeout=self.timeout) as reply:
                status, body, got = reply.status, reply.read(), reply.headers
        except urllib.error.HTTPError as exc:
            status, body, got = exc.code, exc.read(), exc.headers
        return ApiClientResponse(headers=list((got or {}).items()), status_code=status,
                                 body=body.decode("utf-8", "replace") if body else None)


def readable_reminders():
    """Let the SDK read reminders that the Reminders API returns.

    ask-sdk-model 1.82.0 declares AlertInfo.spoken_info as
    `...reminder_management.alert_info_spoken_info.SpokenInfo`, a module that
    does not exist, so deserialising any reminder with alertInfo (every
    GET /v1/alerts/reminders answer) fails. The class lives in
    `...reminder_management.spoken_info`; registering that module under the
    missing name is the whole fix. Nothing on disk changes.
    """
    import sys
    missing = "ask_sdk_model.services.reminder_management.alert_info_spoken_info"
    if missing not in sys.modules:
        from ask_sdk_model.services.reminder_management import spoken_info
        sys.modules[missing] = spoken_info
