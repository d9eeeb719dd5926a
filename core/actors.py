"""Who did something: one notion for services, the audit trail and the timeline.

An `Actor` is a member of staff, the citizen (on the public tracking page and, later, their
own account), a client system (another council system calling the API with its token) or the
system itself (scheduled jobs, automatic closes). Services keep taking `actor=` as before: a
signed-in member of staff (`Staff`), `None` for the system, or an explicit `Actor` where it is
someone else; `actor_of()` turns any of those into an `Actor`.

The API's token authentication marks a client system's user with `acting_as` (an `Actor` of
kind `client`), so everything it writes through services and `audit_record` names the system.
"""

from dataclasses import dataclass

from django.db import models


class ActorKind(models.TextChoices):
    STAFF = "staff", "Member of staff"
    CITIZEN = "citizen", "Citizen"
    CLIENT = "client", "Client system"
    SYSTEM = "system", "System"


@dataclass(frozen=True)
class Actor:
    kind: str
    user: object | None = None  # the Staff row: a member of staff, or a client system's user
    label: str = ""

    @classmethod
    def staff(cls, user) -> "Actor":
        return cls(kind=ActorKind.STAFF, user=user, label=str(user))

    @classmethod
    def citizen(cls, label: str = "Citizen") -> "Actor":
        return cls(kind=ActorKind.CITIZEN, label=label)

    @classmethod
    def client_system(cls, *, name: str, user=None) -> "Actor":
        return cls(kind=ActorKind.CLIENT, user=user, label=name)

    @classmethod
    def system(cls, label: str = "System") -> "Actor":
        return cls(kind=ActorKind.SYSTEM, label=label)

    @property
    def user_id(self):
        return getattr(self.user, "pk", None)

    def __str__(self) -> str:
        return self.label or ActorKind(self.kind).label


def actor_of(value) -> Actor:
    """An Actor from what services are given: an Actor, a user, or None (the system)."""
    if isinstance(value, Actor):
        return value
    if value is None or not value.is_authenticated:
        return Actor.system()
    acting_as = value.__dict__.get("acting_as")
    if isinstance(acting_as, Actor):
        return acting_as
    return Actor.staff(value)
