"""Lambda SnapStart: what the init phase prepares, and what a restore renews.

With SnapStart (infrastructure/: Python 3.12, published versions, the "live"
alias) the init phase runs once per version and is snapshotted; every cold
start restores that snapshot. So during a snapshot init the slow things are
done up front instead of on the first request that needs them: the DynamoDB
client (msguide.dynamodb: its imports and TLS settings), and a launch, questions
and a session end answered once by a copy of the skill that remembers nothing
(so the triage rules, the classifier's weights, the search index and every
lazy import are in the snapshot), and a returning user's one-shot through the
memory code with a dict for a table; then the heap is collected and frozen. Without SnapStart (local runs,
tests, plain Lambda) nothing changes: they stay lazy.

After a restore, following AWS's guidance for snapshots: nothing the skill
keeps is unique per process (no ids or tokens are made at init; uuid4 reads
os.urandom each time), no connection is opened and no key fetched at init
(the DynamoDB client is built but not used; after a restore it forgets any
connection and key all the same), and the `random` module (the client's retry
jitter) is reseeded so copies of one snapshot do not share a sequence.
"""

import os

from .handlers import import_deferred
from .skill import build_skill


def is_snapshot_init():
    return os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"


def prepare(skill):
    """Warm what a snapshot should hold; register the restore hook. True if it did."""
    if not is_snapshot_init():
        return False
    warm = getattr(skill.persistence_adapter, "warm", None)
    if warm is not None:
        warm()
    warm_up()
    settle()
    try:
        from snapshot_restore_py import register_after_restore  # in Lambda's Python 3.12+ runtime
    except ImportError:
        return True
    register_after_restore(lambda: renew(skill))
    return True


def warm_up():
    """Pay now every first-time cost of the typical requests (no store touched, no
    request sent anywhere): a snapshot init, and `python -m msguide_web` before it
    serves, so no user's first question waits ~100 ms for rules, weights and index."""
    from .understanding.soundalike import (
        default_soundalike,  # lazy: 1.9 ms of a cold start that is no snapshot (measured)
    )
    default_soundalike().respell("warming up the soundalike names")   # loads jellyfish, keys the names
    import_deferred()
    prime()


def settle():
    """Collect what the init left and freeze the rest (gc.freeze): the modules,
    content, rules and weights live for the whole process, so no garbage
    collection after this walks them again (a restored snapshot's first request
    was paying a full collection of the init's heap, ~4 ms)."""
    import gc
    gc.collect()
    gc.freeze()


def envelope(request, user="amzn1.ask.account.warm-up", new=True):
    """A minimal Alexa request envelope for `request` (a dict with its "type")."""
    app = {"applicationId": "amzn1.ask.skill.warm-up"}
    person = {"userId": user}
    request = dict(request, requestId="warm-up", timestamp="2026-01-01T00:00:00Z", locale="en-US")
    return {"version": "1.0", "request": request,
            "session": {"new": new, "sessionId": "warm-up", "application": app, "user": person, "attributes": {}},
            "context": {"System": {"application": app, "user": person, "device": {"deviceId": "warm-up"}}}}


def intent(name, user="amzn1.ask.account.warm-up", new=True, resolved=None, **slots):
    """An IntentRequest; `resolved` = {slot: (canonical value, slot type)} adds entity
    resolution to those slots, as Alexa sends it for a custom slot type."""
    filled = {k: {"name": k, "value": v} for k, v in slots.items()}
    for name_, (value, kind) in (resolved or {}).items():
        filled[name_]["resolutions"] = {"resolutionsPerAuthority": [{
            "authority": "amzn1.er-authority.echo-sdk.amzn1.ask.skill.warm-up.%s" % kind,
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": value, "id": value.upper().replace(" ", "_")}}]}]}
    return envelope({"type": "IntentRequest", "intent": {"name": name, "slots": filled}}, user=user, new=new)


def typical_requests():
    """A launch, a slot question, a free-form one, yes, help and a session end:
    the paths a first request takes (msguide_tools/package_lambda.py ships their bytecode)."""
    return [envelope({"type": "LaunchRequest"}), intent("SymptomIntent", symptom="fatigue"),
            intent("HeatIntent", heat="hot tub"), intent("SearchIntent", query="is massage good for ms fatigue"),
            intent("AMAZON.YesIntent"), intent("AMAZON.HelpIntent"),
            envelope({"type": "SessionEndedRequest", "reason": "USER_INITIATED"})]


def returning_user_requests():
    """A first request's other path: someone who asked for a slower voice and
    details in one session, then opens the next with a one-shot question whose
    slot carries entity resolution (the memory read, the item decoded, the
    slowed and detailed answer, the resolution's model classes)."""
    someone = "amzn1.ask.account.warm-up-returning"
    return [envelope({"type": "LaunchRequest"}, user=someone),
            intent("SpeechRateIntent", user=someone, new=False, resolved={"pace": ("slow", "PACE")}, pace="slower"),
            intent("AnswerLengthIntent", user=someone, new=False, resolved={"length": ("full", "ANSWER_LENGTH")},
                   length="the details"),
            envelope({"type": "SessionEndedRequest", "reason": "USER_INITIATED"}, user=someone, new=False),
            intent("HeatIntent", user=someone, resolved={"heat": ("hot tub", "HEAT")}, heat="hot tub"),
            envelope({"type": "SessionEndedRequest", "reason": "USER_INITIATED"}, user=someone, new=False),
            intent("SearchIntent", user=someone, query="can massage help with spasticity")]


class _RememberedItems:
    """A DynamoDB client that keeps items in a dict (GetItem, PutItem, UpdateItem
    by the "id" key): the priming's memory, so the memory code runs and nothing
    leaves the process."""

    def __init__(self):
        self.items = {}

    def get_item(self, TableName, Key, **_):
        item = self.items.get(Key["id"]["S"])
        return {"Item": item} if item is not None else {}

    def put_item(self, TableName, Item, **_):
        self.items[Item["id"]["S"]] = Item
        return {}

    def update_item(self, TableName, Key, **_):
        return {}


def prime():
    """Answer the typical requests once with a copy of the skill whose memory is
    a dict, and a returning user's (returning_user_requests): every first-time
    cost of those paths (lazy imports, compiled rules, weights, the search index,
    the SDK's serialiser, the memory's item and key code) lands in the snapshot,
    and no store is touched."""
    import json

    from ask_sdk_model import RequestEnvelope

    from .persistence import (
        ExpiringDynamoDbAdapter,  # lazy: the DynamoDB adapter, 4.7 ms of a cold start on SQLite (measured)
    )
    spare = build_skill(persistence_adapter=ExpiringDynamoDbAdapter("warm-up", client=_RememberedItems()))
    carried = {}
    for body in typical_requests() + returning_user_requests():
        if not body["session"]["new"]:
            body["session"]["attributes"] = carried
        request = spare.serializer.deserialize(json.dumps(body), RequestEnvelope)
        reply = spare.serializer.serialize(spare.invoke(request_envelope=request, context=None))
        carried = reply.get("sessionAttributes") or {}


def renew(skill):
    """After a restore: a fresh seed for the `random` module; no connection or key
    from the snapshotted sandbox."""
    import random
    random.seed()
    again = getattr(skill.persistence_adapter, "renew", None)
    if again is not None:
        again()
