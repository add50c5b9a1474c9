"""The SDK's JSON serializer, with its slow steps done once instead of per request.

Reading a request envelope into ask_sdk_model objects was most of a warm
request's time (profiled with cProfile over bench/benchmark.py's mix): the
SDK's DefaultSerializer imports each model class by name again for every
object it builds (about fifteen per envelope), and parses the request's
timestamp with dateutil's general parser. Here the classes are looked up once
and kept, and a timestamp in the form Alexa sends ("2026-12-01T09:30:00Z",
ISO 8601) is read by datetime.fromisoformat; writing a response, each model
class's field names are worked out once (the SDK rebuilds the map for every
object). Anything else still goes to the SDK's own code, so what comes out is
the same objects and values.
"""

import decimal
from datetime import date, datetime, timezone
from enum import Enum

from ask_sdk_core.serialize import DefaultSerializer


class Serializer(DefaultSerializer):
    """DefaultSerializer, with model classes cached and ISO timestamps read directly."""

    def __init__(self):
        super().__init__()
        self._classes = {}
        self._fields = {}               # model class -> [(json key, attribute)]
        self._plans = {}                # model class -> ([(attribute, json key)], json keys, types)

    def serialize(self, obj):
        """What DefaultSerializer.serialize returns, in the same order of checks."""
        if obj is None or isinstance(obj, self.PRIMITIVE_TYPES):
            return obj
        if isinstance(obj, list):
            return [self.serialize(item) for item in obj]
        if isinstance(obj, (tuple, datetime, date, Enum, decimal.Decimal, dict)):
            return DefaultSerializer.serialize(self, obj) if not isinstance(obj, dict) else {
                key: self.serialize(value) for key, value in obj.items()}
        kind = type(obj)
        fields = self._fields.get(kind)
        if fields is None:
            if "deserialized_types" in vars(obj) or "attribute_map" in vars(obj):
                return DefaultSerializer.serialize(self, obj)     # per-object maps: the SDK's way
            names = dict(getattr(obj, "attribute_map", {}))
            fields = self._fields[kind] = [(names.get(attr, attr), attr) for attr in obj.deserialized_types]
        out = {}
        for key, attr in fields:
            value = getattr(obj, attr)
            if value is not None:
                out[key] = self.serialize(value)
        return out

    def _DefaultSerializer__load_class_from_name(self, class_name):   # the SDK's private hook
        found = self._classes.get(class_name)
        if found is None:
            found = self._classes[class_name] = DefaultSerializer._DefaultSerializer__load_class_from_name(
                self, class_name)
        return found

    def _DefaultSerializer__deserialize_model(self, payload, obj_type):   # the SDK's private hook
        """The SDK's model reading, with each class's field map built once (the SDK
        rebuilds it, and scans it for every key of the payload, per object)."""
        from ask_sdk_core.exceptions import SerializationException
        try:
            if issubclass(obj_type, Enum):
                return obj_type(payload)
            if not hasattr(obj_type, "deserialized_types"):
                return payload
            if hasattr(obj_type, "get_real_child_model"):
                obj_type = self._DefaultSerializer__get_obj_by_discriminator(payload, obj_type)
            plan = self._plans.get(obj_type)
            if plan is None:
                types = obj_type.deserialized_types
                names = dict(getattr(obj_type, "attribute_map", {}))
                names.update({name: name for name in types if name not in names})
                plan = self._plans[obj_type] = (list(names.items()), frozenset(names.values()), types)
            pairs, keys, types = plan
            model = obj_type()
            for attribute, key in pairs:
                if key in payload:
                    setattr(model, attribute, self._DefaultSerializer__deserialize(payload[key], types[attribute]))
            for key in payload:
                if key not in keys:
                    setattr(model, key, payload[key])
            return model
        except Exception as exc:
            raise SerializationException(str(exc)) from None

    def _DefaultSerializer__deserialize_datetime(self, payload, obj_type):
        if obj_type is datetime and isinstance(payload, str) and len(payload) >= 20 and payload[10] == "T":
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                return parsed if parsed.utcoffset() else parsed.replace(tzinfo=timezone.utc)
        return DefaultSerializer._DefaultSerializer__deserialize_datetime(self, payload, obj_type)
