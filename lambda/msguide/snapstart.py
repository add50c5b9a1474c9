"""Lambda SnapStart: what the init phase prepares, and what a restore renews.

With SnapStart (infrastructure/: Python 3.12, published versions, the "live"
alias) the init phase runs once per version and is snapshotted; every cold
start restores that snapshot. So during a snapshot init the slow things are
done up front instead of on the first request that needs them: the DynamoDB
client (msguide.dynamodb: its imports and TLS settings), and a launch, questions
and a session end answered once by a copy of the skill that remembers nothing
(so the triage rules, the classifier's weights, the search index and every
lazy import are in the snapshot). Without SnapStart (local runs,
tests, plain Lambda) nothing changes: they stay lazy.

After a restore, following AWS's guidance for snapshots: nothing the skill
keeps is unique per process (no ids or tokens are made at init; uuid4 reads
os.urandom each time), no connection is opened and no key fetched at init
(the DynamoDB client is built but not used; after a restore it forgets any
connection and key all the same), and the `random` module (the client's retry
jitter) is reseeded so copies of one snapshot do not share a sequence.
"""

import os

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
    from .understanding.soundalike import (
        default_soundalike,  # lazy: 1.9 ms of a cold start that is no snapshot (measured)
    )
    default_soundalike().respell("warming up the soundalike names")   # loads jellyfish, keys the names
    prime()
    try:
        from snapshot_restore_py import register_after_restore  # in Lambda's Python 3.12+ runtime
    except ImportError:
        return True
    register_after_restore(lambda: renew(skill))
    return True


def envelope(request, user="amzn1.ask.account.warm-up", new=True):
    """A minimal Alexa request envelope for `request` (a dict with its "type")."""
    app = {"applicationId": "amzn1.ask.skill.warm-up"}
    person = {"userId": user}
    request = dict(request, requestId="warm-up", timestamp="2026-01-01T00:00:00Z", locale="en-US")
    return {"version": "1.0", "request": request,
            "session": {"new": new, "sessionId": "warm-up", "application": app, "user": person, "attributes": {}},
            "context": {"System": {"application": app, "user": person, "device": {"deviceId": "warm-up"}}}}


def intent(name, **slots):
    return envelope({"type": "IntentRequest", "intent": {"name": name, "slots": {
        k: {"name": k, "value": v} for k, v in slots.items()}}})


def typical_requests():
    """A launch, a slot question, a free-form one, yes, help and a session end:
    the paths a first request takes (tools/package_lambda.py ships their bytecode)."""
    return [envelope({"type": "LaunchRequest"}), intent("SymptomIntent", symptom="fatigue"),
            intent("HeatIntent", heat="hot tub"), intent("SearchIntent", query="is massage good for ms fatigue"),
            intent("AMAZON.YesIntent"), intent("AMAZON.HelpIntent"),
            envelope({"type": "SessionEndedRequest", "reason": "USER_INITIATED"})]


def prime():
    """Answer the typical requests once with a copy of the skill that remembers
    nothing: every first-time cost of those paths (lazy imports, compiled rules,
    weights, the search index, the SDK's serialiser) lands in the snapshot, and no
    store is touched."""
    import json

    from ask_sdk_model import RequestEnvelope
    spare = build_skill(persistence_adapter=None)
    for body in typical_requests():
        request = spare.serializer.deserialize(json.dumps(body), RequestEnvelope)
        spare.serializer.serialize(spare.invoke(request_envelope=request, context=None))


def renew(skill):
    """After a restore: a fresh seed for the `random` module; no connection or key
    from the snapshotted sandbox."""
    import random
    random.seed()
    again = getattr(skill.persistence_adapter, "renew", None)
    if again is not None:
        again()
