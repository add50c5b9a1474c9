"""The SDK's JSON serializer, with its two slow steps done once instead of per request.

Reading a request envelope into ask_sdk_model objects was most of a warm
request's time (profiled with cProfile over bench/benchmark.py's mix): the
SDK's DefaultSerializer imports each model class by name again for every
object it builds (about fifteen per envelope), and parses the request's
timestamp with dateutil's general parser. Here the classes are looked up once
and kept, and a timestamp in the form Alexa sends ("2026-12-01T09:30:00Z",
ISO 8601) is read by datetime.fromisoformat; anything else still goes to the
SDK's own code, so what comes out is the same objects and values.
"""

from datetime import datetime, timezone

from ask_sdk_core.serialize import DefaultSerializer


class Serializer(DefaultSerializer):
    """DefaultSerializer, with model classes cached and ISO timestamps read directly."""

    def __init__(self):
        super().__init__()
        self._classes = {}

    def _DefaultSerializer__load_class_from_name(self, class_name):   # the SDK's private hook
        found = self._classes.get(class_name)
        if found is None:
            found = self._classes[class_name] = DefaultSerializer._DefaultSerializer__load_class_from_name(
                self, class_name)
        return found

    def _DefaultSerializer__deserialize_datetime(self, payload, obj_type):
        if obj_type is datetime and isinstance(payload, str) and len(payload) >= 20 and payload[10] == "T":
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                return parsed if parsed.utcoffset() else parsed.replace(tzinfo=timezone.utc)
        return DefaultSerializer._DefaultSerializer__deserialize_datetime(self, payload, obj_type)
