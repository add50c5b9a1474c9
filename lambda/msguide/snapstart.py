"""Lambda SnapStart: what the init phase prepares, and what a restore renews.

With SnapStart (infrastructure/: Python 3.12, published versions, the "live"
alias) the init phase runs once per version and is snapshotted; every cold
start restores that snapshot. So during a snapshot init the slow things are
done up front instead of on the first request that needs them: the DynamoDB
client (msguide.dynamodb: its imports and TLS settings), the triage rules,
the classifier's weights and the search index. Without SnapStart (local runs,
tests, plain Lambda) nothing changes: they stay lazy.

After a restore, following AWS's guidance for snapshots: nothing the skill
keeps is unique per process (no ids or tokens are made at init; uuid4 reads
os.urandom each time), no connection is opened and no key fetched at init
(the DynamoDB client is built but not used; after a restore it forgets any
connection and key all the same), and the `random` module (the client's retry
jitter) is reseeded so copies of one snapshot do not share a sequence.
"""

import os


def is_snapshot_init():
    return os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"


def prepare(skill):
    """Warm what a snapshot should hold; register the restore hook. True if it did."""
    if not is_snapshot_init():
        return False
    warm = getattr(skill.persistence_adapter, "warm", None)
    if warm is not None:
        warm()
    from .understanding.classifier import default_understanding
    from .understanding.search import default_search
    from .understanding.triage import default_triage
    default_triage().check("warming up before the snapshot")
    default_understanding().read("is massage good for ms fatigue")
    default_search().find("massage for fatigue")
    from .understanding.soundalike import default_soundalike
    default_soundalike().respell("warming up the soundalike names")   # loads jellyfish, keys the names
    try:
        from snapshot_restore_py import register_after_restore   # in Lambda's Python 3.12+ runtime
    except ImportError:
        return True
    register_after_restore(lambda: renew(skill))
    return True


def renew(skill):
    """After a restore: a fresh seed for the `random` module; no connection or key
    from the snapshotted sandbox."""
    import random
    random.seed()
    again = getattr(skill.persistence_adapter, "renew", None)
    if again is not None:
        again()
