"""Serializer fields that accept exactly the JSON types the schema documents.

DRF's own fields are lenient (a CharField takes 12 and makes it "12"; a BooleanField takes "yes",
1 and "on"): a client following the schema never notices, but a client sending the wrong type
should hear about it instead of having it silently converted.
"""

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": "Send text (a JSON string)."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Send true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data
