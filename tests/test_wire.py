"""msguide.wire reads every envelope into the same objects the SDK's own serializer does.

Both doors read requests through it (a faster path for the model classes and
the timestamp), so a difference would be a request the skill misreads.
"""

import json

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

import fuzz
from msguide.wire import Serializer

TIMESTAMPS = ["2026-12-01T09:30:00Z", "2016-10-27T18:21:44.123Z", "2026-12-01T09:30:00+01:00",
              "2026-12-01T09:30:00", "2026-12-01", "Tuesday at noon", "2026-13-45T99:99:99Z",
              "2026-12-01T09:30:00.123456789Z", ""]


def both(body):
    """(ours, the SDK's): each the deserialized envelope serialized back, or the error's type."""
    out = []
    for serializer in (Serializer(), DefaultSerializer()):
        try:
            envelope = serializer.deserialize(body, RequestEnvelope)
            out.append((DefaultSerializer().serialize(envelope),
                        getattr(getattr(envelope, "request", None), "timestamp", None)))
        except SerializationException:
            out.append(SerializationException)
    return out


@pytest.mark.parametrize("stamp", TIMESTAMPS)
def test_a_timestamp_reads_as_the_sdk_reads_it(stamp):
    envelope = fuzz.base_envelopes()[0]
    envelope["request"]["timestamp"] = stamp
    ours, theirs = both(json.dumps(envelope))
    assert ours == theirs
    if ours is not SerializationException and ours[1] is not None and not isinstance(ours[1], str):
        assert ours[1].utcoffset() == theirs[1].utcoffset()


def test_every_kind_of_envelope_and_its_mutations_read_the_same():
    bodies = [json.dumps(envelope) for envelope in fuzz.base_envelopes()]
    bodies += [json.dumps(event) for event in fuzz.cases(seed=24, count=300)]
    for body in bodies:
        ours, theirs = both(body)
        assert ours == theirs, body[:300]


def test_every_reply_is_written_as_the_sdk_writes_it():
    from msguide.skill import build_skill
    skill = build_skill(persistence_adapter=None)
    ours, theirs = Serializer(), DefaultSerializer()
    answered = 0
    for event in fuzz.base_envelopes() + list(fuzz.cases(seed=25, count=200)):
        try:
            envelope = theirs.deserialize(json.dumps(event), RequestEnvelope)
        except SerializationException:
            continue
        if envelope.request is None:
            continue
        response = skill.invoke(request_envelope=envelope, context=None)
        assert ours.serialize(response) == theirs.serialize(response)
        assert ours.serialize(envelope) == theirs.serialize(envelope)
        answered += 1
    assert answered > 100
