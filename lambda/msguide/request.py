"""What the request says, read in one place (the project's own request_util).

Floor 0: imports nothing of the package, so any module may read the request
through it. Every reader answers for any request type (None, False or "" when
the request does not carry the thing), never raises, and reads the envelope
directly: these run on every request, some of them several times.
"""


def in_session(handler_input) -> bool:
    """False for skill events and other requests Alexa sends outside a session."""
    return handler_input.request_envelope.session is not None


def request_type(handler_input) -> str | None:
    """'LaunchRequest', 'IntentRequest', 'Connections.Response', ..."""
    return getattr(handler_input.request_envelope.request, "object_type", None)


def is_launch(handler_input) -> bool:
    return request_type(handler_input) == "LaunchRequest"


def intent_name(handler_input) -> str | None:
    """The intent of an IntentRequest; None for every other request."""
    request = handler_input.request_envelope.request
    if getattr(request, "object_type", None) != "IntentRequest":
        return None
    return getattr(getattr(request, "intent", None), "name", None)


def locale(handler_input) -> str:
    """The request's locale ('en-GB'), or '' when it has none."""
    return getattr(handler_input.request_envelope.request, "locale", None) or ""


def slots(handler_input) -> dict:
    """{slot name: Slot} of an IntentRequest (empty for any other request)."""
    request = handler_input.request_envelope.request
    if getattr(request, "object_type", None) != "IntentRequest":
        return {}
    return getattr(getattr(request, "intent", None), "slots", None) or {}


def resolved_slot(handler_input, slot_name) -> tuple[str | None, str | None]:
    """(canonical value or None, spoken words or None) for a custom slot."""
    slot = slots(handler_input).get(slot_name)
    if slot is None or not getattr(slot, "value", None):
        return None, None
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        code = getattr(getattr(authority, "status", None), "code", None)
        if getattr(code, "value", code) == "ER_SUCCESS_MATCH" and authority.values:
            return authority.values[0].value.name, slot.value
    return None, slot.value


def permission_status(handler_input, scope) -> str | None:
    """'GRANTED', 'DENIED' or None (not stated in the request) for a permission scope."""
    try:
        scopes = handler_input.request_envelope.context.system.user.permissions.scopes or {}
        status = scopes[scope].status
        return getattr(status, "value", status)
    except (AttributeError, KeyError, TypeError):
        return None
