"""The reminders permission: asking for it by voice, and the plan that waits.

Alexa asks the user (a Connections SendRequest "AskFor"); the plan the user
was setting rides in the directive's token and comes back with the answer,
where it is validated like stored memory (plan.clean_pending).
"""

import base64
import json

from ask_sdk_model.ui import AskForPermissionsConsentCard

from .plan import Plan, clean_pending

SCOPE = "alexa::alerts:reminders:skill:readwrite"
TOKEN_PREFIX = "msguide-reminder"
MAX_TOKEN = 600


def plan_token(plan: Plan | None) -> str:
    """The AskFor token: the prefix, then the waiting plan (compact JSON, base64url)."""
    if plan is None:
        return TOKEN_PREFIX
    data = json.dumps(plan.to_dict(), separators=(",", ":"), sort_keys=True).encode("utf-8")
    return "%s:%s" % (TOKEN_PREFIX, base64.urlsafe_b64encode(data).decode("ascii").rstrip("="))


def plan_from_token(token) -> dict | None:
    """The plan a returning AskFor token carries, validated like stored memory; or None."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN or not token.startswith(TOKEN_PREFIX + ":"):
        return None
    packed = token.split(":", 1)[1]
    try:
        raw = json.loads(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
    except ValueError:
        return None
    return clean_pending(raw)


def ask_directive(plan: Plan | None):
    """The directive that has Alexa ask the user for the permission."""
    from ask_sdk_model.interfaces.connections import SendRequestDirective  # 2 ms at import: not for every cold start
    return SendRequestDirective(
        name="AskFor", token=plan_token(plan),
        payload={"@type": "AskForPermissionsConsentRequest", "@version": "1",
                 "permissionScope": SCOPE})


def consent_card() -> AskForPermissionsConsentCard:
    """The card that lets the user grant the permission in the Alexa app."""
    return AskForPermissionsConsentCard(permissions=[SCOPE])
