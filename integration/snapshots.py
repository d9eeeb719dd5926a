"""Checking the back-office data (`snapshot`) a system pushes for a service account (a seam).

The knowledge-base issue defines the snapshot schema per service-account type
(`faq.snapshot_schema.snapshot_validate`); until it lands this checks only the shape every
snapshot has: a JSON object of at most 40 named values, each text, a number, true/false or null.
"""

MAX_FIELDS = 40


class SnapshotInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("The snapshot is not valid.")
        self.errors = errors


def snapshot_validate(kind: str, data) -> dict:
    if not isinstance(data, dict):
        raise SnapshotInvalid({"snapshot": "Send an object of named values."})
    if len(data) > MAX_FIELDS:
        raise SnapshotInvalid({"snapshot": f"Send at most {MAX_FIELDS} values."})
    errors = {
        key: "Send text, a number, true/false or null."
        for key, value in data.items()
        if not isinstance(value, str | int | float | bool | type(None))
    }
    errors |= {key: "Names are at most 40 characters." for key in data if len(key) > 40}
    if errors:
        raise SnapshotInvalid(errors)
    return data
